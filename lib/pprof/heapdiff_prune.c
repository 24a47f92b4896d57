/* SPDX-License-Identifier: Apache-2.0 */
/* heapdiff_prune.c — a profile's drop_frames and keep_frames, honoured as
 * pprof honours them (profile/prune.go, Profile.Prune, run by
 * RemoveUninteresting on the merged diff): a location is cut at its
 * outermost line whose function fully matches drop_frames and not
 * keep_frames (the lines inlined into it are dropped with it); a sample's
 * stack loses, from the first such location below its first other frame,
 * everything toward the leaf. pprof's merged profile keeps NEW's two
 * regexps, so both sides are pruned with NEW's. Nothing is copied: the
 * result is where each location's kept lines and each sample's kept stack
 * start. */
#include <stdlib.h>
#include <string.h>

#include "heapdiff-internal.h"

/* pprof's simplifyFunc: a leading '.' (PPC ELF v1) dropped, and the name
 * cut at its first '(' that does not start "(anonymous namespace)" or
 * belong to "operator()", where a C++ argument list would start. A Go
 * method name is cut too ("main.(*T).m" becomes "main."): pprof matches
 * that, so the regexps see the same. LEN gets the length kept. */
static const char *simplify(const char *name, size_t *len)
{
	static const char *const reserved[] = {"(anonymous namespace)", "operator()"};
	size_t n;

	if (name[0] == '.')
		name++;
	n = strlen(name);
	for (size_t i = 0; i < n;) {
		size_t skip = 0;

		for (size_t r = 0; r < GOMEM_ARRAY_SIZE(reserved) && skip == 0; r++)
			if (strncmp(name + i, reserved[r], strlen(reserved[r])) == 0)
				skip = strlen(reserved[r]);
		if (skip) {
			i += skip;
			continue;
		}
		if (name[i] == '(') {
			n = i;
			break;
		}
		i++;
	}
	*len = n;
	return name;
}

struct pruner {
	const gomem_profile *p;
	const regex_t *drop, *keep;
	uint8_t *fn_state;   /* per function: 0 not yet, 1 kept, 2 prune from here */
	gomem_buf name;
};

static bool prune_from_here(struct pruner *pr, int64_t fn)
{
	const char *full, *s;
	size_t len;
	bool drop;

	if (pr->fn_state[fn])
		return pr->fn_state[fn] == 2;
	full = gomem_profile_function_name(pr->p, (size_t)fn);
	s = simplify(full, &len);
	pr->name.len = 0;
	drop = gomem_buf_append(&pr->name, s, len) == GOMEM_OK &&
	       gomem_buf_append(&pr->name, "", 1) == GOMEM_OK && full[0] != '\0' &&
	       regexec(pr->drop, pr->name.data, 0, NULL, 0) == 0 &&
	       (pr->keep == NULL || regexec(pr->keep, pr->name.data, 0, NULL, 0) != 0);
	pr->fn_state[fn] = drop ? 2 : 1;
	return drop;
}

enum { LOC_PRUNE = 1, LOC_PRUNE_BENEATH = 2 };

/* Per location: its flags, and the first line kept. */
static void prune_locations(struct pruner *pr, uint8_t *flags, uint32_t *line_start)
{
	const gomem_profile *p = pr->p;

	for (size_t l = 0; l < gomem_profile_location_count(p); l++) {
		size_t n = gomem_profile_location_line_count(p, l);
		size_t i = n;

		while (i-- > 0) {
			int64_t line, fn = gomem_profile_location_line(p, l, i, &line);

			if (fn >= 0 && prune_from_here(pr, fn))
				break;
		}
		line_start[l] = 0;
		flags[l] = 0;
		if (i == (size_t)-1)
			continue;
		flags[l] = LOC_PRUNE_BENEATH;
		if (i == n - 1)
			flags[l] |= LOC_PRUNE;
		else
			line_start[l] = (uint32_t)(i + 1);
	}
}

/* Per sample: from the root toward the leaf, past the first frame that is
 * not pruned, the stack is cut at the first that is. */
static void prune_samples(const gomem_profile *p, const uint8_t *flags, uint32_t *sample_start)
{
	for (size_t s = 0; s < gomem_profile_sample_count(p); s++) {
		size_t n;
		const uint32_t *locs = gomem_profile_sample_locations(p, s, &n);
		bool user = false;

		sample_start[s] = 0;
		for (size_t i = n; i-- > 0;) {
			uint8_t f = flags[locs[i]];

			if (f == 0) {
				user = true;
				continue;
			}
			if (!user)
				continue;
			sample_start[s] = (uint32_t)((f & LOC_PRUNE) ? i + 1 : i);
			break;
		}
	}
}

int gomem_hd_prune(struct hd_side *side, const regex_t *drop, const regex_t *keep)
{
	const gomem_profile *p = side->p;
	size_t nloc = gomem_profile_location_count(p), ns = gomem_profile_sample_count(p);
	struct pruner pr = {p, drop, keep, NULL, {0}};
	uint8_t *flags = malloc(nloc ? nloc : 1);
	int rc = GOMEM_OK;

	pr.fn_state = calloc(gomem_profile_function_count(p) + 1, 1);
	side->line_start = malloc((nloc ? nloc : 1) * sizeof(*side->line_start));
	side->sample_start = malloc((ns ? ns : 1) * sizeof(*side->sample_start));
	gomem_buf_init(&pr.name, (size_t)1 << 20);
	if (flags == NULL || pr.fn_state == NULL || side->line_start == NULL ||
	    side->sample_start == NULL) {
		rc = GOMEM_E_NOMEM;
	} else {
		prune_locations(&pr, flags, side->line_start);
		prune_samples(p, flags, side->sample_start);
	}
	gomem_buf_free(&pr.name);
	free(pr.fn_state);
	free(flags);
	return rc;
}
