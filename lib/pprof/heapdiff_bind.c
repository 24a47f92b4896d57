/* SPDX-License-Identifier: Apache-2.0 */
/* heapdiff_bind.c — what the two profiles are compared in, as go tool pprof
 * decides it for its merged diff: whether they are heap profiles at all,
 * the sample type (--sample, else pprof's default), its unit on each side
 * (memory units in bytes), and NEW's drop_frames and keep_frames. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "heapdiff-internal.h"

/* ---- sample types --------------------------------------------------------- */

/* The index of NAME in P, as pprof's SampleIndexByName finds it: a profile
 * of pprof's two types "objects" and "space" (a legacy file whose header
 * showed nothing freed) answers inuse_space with "space". */
static int find_type(const gomem_profile *p, const char *name)
{
	int i = gomem_profile_sample_type_index(p, name);

	if (i < 0 && strncmp(name, "inuse_", 6) == 0)
		i = gomem_profile_sample_type_index(p, name + 6);
	return i;
}

/* The type that pairs with NAME: the object count for a space type and the
 * other way round; the uncertainty needs both a count and a size. */
static void pair_name(char *buf, size_t size, const char *name)
{
	size_t n = strlen(name);

	if (n >= 6 && strcmp(name + n - 6, "_space") == 0)
		snprintf(buf, size, "%.*s_objects", (int)(n - 6), name);
	else if (n >= 8 && strcmp(name + n - 8, "_objects") == 0)
		snprintf(buf, size, "%.*s_space", (int)(n - 8), name);
	else if (strcmp(name, "space") == 0)
		snprintf(buf, size, "objects");
	else if (strcmp(name, "objects") == 0)
		snprintf(buf, size, "space");
	else
		buf[0] = '\0';
}

static void list_types(char *buf, size_t size, const gomem_profile *p)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < gomem_profile_sample_type_count(p) && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
					gomem_profile_sample_type(p, i, NULL));
}

/* Bytes per unit of type T of P; 1 for a count. */
static int64_t type_factor(const gomem_profile *p, int t)
{
	const char *unit;
	uint64_t f;

	if (t < 0)
		return 1;
	gomem_profile_sample_type(p, (size_t)t, &unit);
	f = gomem_memory_unit_factor(unit);
	return f ? (int64_t)f : 1;
}

static int bind_side(struct hd_side *side, const gomem_profile *p, const char *label,
		     const char *type, gomem_error *err)
{
	char pair[128], have[512];
	const char *unit;

	side->p = p;
	side->value = find_type(p, type);
	if (side->value < 0) {
		list_types(have, sizeof(have), p);
		return gomem_error_set(err, GOMEM_E_NOTFOUND,
				       "%s profile has no sample type '%s' (it has: %s)", label,
				       type, have[0] ? have : "none");
	}
	gomem_profile_sample_type(p, (size_t)side->value, &unit);
	side->is_space = gomem_memory_unit_factor(unit) != 0;
	pair_name(pair, sizeof(pair), gomem_profile_sample_type(p, (size_t)side->value, NULL));
	side->pair = pair[0] ? find_type(p, pair) : -1;
	side->factor = type_factor(p, side->value);
	side->space_factor = type_factor(p, side->is_space ? side->value : side->pair);
	side->rate = gomem_profile_period(p, NULL, NULL);
	side->scale = 1.0;
	return GOMEM_OK;
}

/* Units as pprof's ScaleProfiles takes them: memory units convert (both
 * sides are compared in bytes, the finest unit), anything else must be
 * the same on both sides. */
static int check_units(const gomem_heapdiff *d, gomem_error *err)
{
	const char *ub, *un;

	gomem_profile_sample_type(d->side[0].p, (size_t)d->side[0].value, &ub);
	gomem_profile_sample_type(d->side[1].p, (size_t)d->side[1].value, &un);
	if (d->side[0].is_space == d->side[1].is_space && (d->side[1].is_space || strcmp(ub, un) == 0))
		return GOMEM_OK;
	return gomem_error_set(err, GOMEM_E_INVALID, "BASE's %s is in %s, NEW's in %s: the units "
			       "cannot be compared", d->type, ub[0] ? ub : "no unit",
			       un[0] ? un : "no unit");
}


/* ---- what can be compared --------------------------------------------------- */

/* A profile's kind, for the message refusing it: by its period type, as
 * runtime/pprof writes them. */
static const char *profile_kind(const gomem_profile *p)
{
	static const struct {
		const char *period_type, *kind;
	} kinds[] = {
		{"cpu", "a CPU profile"},
		{"goroutine", "a goroutine profile"},
		{"threadcreate", "a threadcreate profile"},
		{"contentions", "a block or mutex profile"},
	};
	const char *pt;

	gomem_profile_period(p, &pt, NULL);
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(kinds); i++)
		if (strcmp(pt, kinds[i].period_type) == 0)
			return kinds[i].kind;
	return "not a heap profile";
}

static int refuse_kind(const gomem_profile *p, const char *who, gomem_error *err)
{
	char have[512];
	size_t len = 0;

	have[0] = '\0';
	for (size_t i = 0; i < gomem_profile_sample_type_count(p) && len < sizeof(have); i++) {
		const char *unit, *type = gomem_profile_sample_type(p, i, &unit);

		len += (size_t)snprintf(have + len, sizeof(have) - len, "%s%s/%s", i ? ", " : "", type,
					unit);
	}
	return gomem_error_set(err, GOMEM_E_INVALID, "%s%s%s (sample types %s): heapdiff compares "
			       "heap profiles (/debug/pprof/heap or /debug/pprof/allocs)",
			       who ? who : "", who ? " is " : "", profile_kind(p),
			       have[0] ? have : "none");
}

int gomem_heapdiff_accepts(const gomem_profile *p, gomem_error *err)
{
	return gomem_profile_is_heap(p) ? GOMEM_OK : refuse_kind(p, NULL, err);
}

/* The type compared when the user names none, as pprof picks it for the
 * merged diff profile: its default_sample_type is NEW's, else BASE's; when
 * NEW has no type of that name, NEW's last type. -sample_index's numbers
 * are NEW's indices. */
static const char *sample_type(const gomem_heapdiff *d, const gomem_profile *base,
			       const gomem_profile *newp, gomem_error *err)
{
	const char *want = d->opts.sample, *dst;
	size_t n = gomem_profile_sample_type_count(newp);
	char *end;

	if (n == 0) {
		gomem_error_set(err, GOMEM_E_NOTFOUND, "NEW profile has no sample types");
		return NULL;
	}
	if (want != NULL && want[0] >= '0' && want[0] <= '9') {
		unsigned long i = strtoul(want, &end, 10);

		if (*end == '\0' && i < n)
			return gomem_profile_sample_type(newp, i, NULL);
		gomem_error_set(err, GOMEM_E_NOTFOUND, "sample type index %s is outside 0..%zu", want,
				n - 1);
		return NULL;
	}
	if (want != NULL)
		return want;
	dst = gomem_strpool_get(&newp->strings, newp->default_sample_type);
	if (dst[0] == '\0')
		dst = gomem_strpool_get(&base->strings, base->default_sample_type);
	if (dst[0] != '\0' && find_type(newp, dst) >= 0)
		return dst;
	return gomem_profile_sample_type(newp, n - 1, NULL);
}

/* NEW's drop_frames and keep_frames (pprof's merged profile keeps NEW's),
 * compiled as pprof does, anchored: "^(RE)$". They are POSIX extended
 * regexps here, RE2 in pprof; one that does not compile leaves the stacks
 * whole, as pprof does when its compile fails, and says so. */
static void compile_frames(gomem_heapdiff *d, const gomem_profile *newp)
{
	const char *drop = gomem_strpool_get(&newp->strings, newp->drop_frames);
	const char *keep = gomem_strpool_get(&newp->strings, newp->keep_frames);
	gomem_buf re;

	if (drop[0] == '\0')
		return;
	gomem_buf_init(&re, (size_t)1 << 20);
	if (gomem_buf_printf(&re, "^(%s)$", drop) == GOMEM_OK &&
	    regcomp(&d->drop, re.data, REG_EXTENDED | REG_NOSUB) == 0) {
		d->has_drop = true;
		re.len = 0;
		if (keep[0] != '\0' && gomem_buf_printf(&re, "^(%s)$", keep) == GOMEM_OK) {
			d->has_keep = regcomp(&d->keep, re.data, REG_EXTENDED | REG_NOSUB) == 0;
			if (!d->has_keep) {
				regfree(&d->drop);
				d->has_drop = false;
			}
		}
	}
	if (!d->has_drop)
		snprintf(d->note, sizeof(d->note), "NEW's drop_frames or keep_frames is not a POSIX "
			 "extended regexp: stacks are not pruned");
	gomem_buf_free(&re);
}


int gomem_hd_bind(gomem_heapdiff *d, const gomem_profile *base, const gomem_profile *newp,
		  gomem_error *err)
{
	const char *type;
	int rc;

	if (!gomem_profile_is_heap(base))
		return refuse_kind(base, "BASE", err);
	if (!gomem_profile_is_heap(newp))
		return refuse_kind(newp, "NEW", err);
	if ((type = sample_type(d, base, newp, err)) == NULL)
		return GOMEM_E_NOTFOUND;
	if ((rc = bind_side(&d->side[0], base, "BASE", type, err)) != GOMEM_OK ||
	    (rc = bind_side(&d->side[1], newp, "NEW", type, err)) != GOMEM_OK)
		return rc;
	gomem_profile_sample_type(newp, (size_t)d->side[1].value, &d->unit);
	d->type = gomem_profile_sample_type(newp, (size_t)d->side[1].value, NULL);
	if ((rc = check_units(d, err)) != GOMEM_OK)
		return rc;
	if (d->side[1].is_space)
		d->unit = "bytes";
	compile_frames(d, newp);
	for (int i = 0; i < 2 && d->has_drop; i++)
		if ((rc = gomem_hd_prune(&d->side[i], &d->drop, d->has_keep ? &d->keep : NULL)) != GOMEM_OK)
			return gomem_error_set(err, rc, "out of memory");
	return GOMEM_OK;
}
