/* SPDX-License-Identifier: Apache-2.0 */
/* symbolize_profile.c — profiles and dumps that carry only addresses get
 * the functions and lines the runtime would have written: a profile's
 * address-only locations get Lines (innermost first, as pprof keeps them),
 * and a legacy text record without `#` lines loses the frames the runtime
 * hides from them (leading runtime.* frames, runtime.goexit), so that the
 * result equals what the runtime's own symbolized output gives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary-internal.h"

struct prof_ctx {
	gomem_profile *p;
	const uint32_t *locs;     /* the sample's locations */
	bool *needs;              /* per location: address-only, not yet filled */
	bool *unnamed;            /* per location: address-only in the input */
	gomem_strpool fkeys;      /* "name\0file" of every function -> index in fidx */
	uint32_t *fidx;
	size_t fidx_cap;
	uint64_t next_id;
	/* frames of the current sample, per PC index */
	struct pframe {
		size_t pc;
		const char *function, *file;
		int64_t line;
		uint64_t entry;
		bool inlined;
	} *frames;
	size_t nframes, frames_cap;
	/* per location, once symbolized: its function's entry and whether its
	 * outermost frame is inlined (for merging, as pprof's pcDeck does) */
	uint64_t *entry;
	bool *last_inlined;
	/* merged locations: key "first:count" -> location index */
	gomem_strpool merged;
	uint64_t next_loc_id;
	uint32_t *merged_loc;
	size_t merged_cap;
};

/* The index of the function NAME in FILE, added to the profile if new;
 * EXISTING (or GOMEM_NONE) is a function the profile already has. */
static int function_index(struct prof_ctx *c, const char *name, const char *file, uint32_t existing,
			  uint32_t *out)
{
	gomem_profile *p = c->p;
	struct gomem_function *f;
	size_t known = c->fkeys.count;
	gomem_buf key;
	uint32_t kid;
	int rc;

	gomem_buf_init(&key, (size_t)1 << 20);
	rc = gomem_buf_append(&key, name, strlen(name) + 1);
	if (rc == GOMEM_OK)
		rc = gomem_buf_append(&key, file, strlen(file));
	if (rc == GOMEM_OK)
		rc = gomem_strpool_intern(&c->fkeys, key.data, key.len, &kid);
	gomem_buf_free(&key);
	if (rc != GOMEM_OK)
		return rc;
	if (kid < known) {
		*out = c->fidx[kid];
		return GOMEM_OK;
	}
	if ((rc = GOMEM_GROW(c->fidx, c->fidx_cap, (size_t)kid + 1, GOMEM_PROFILE_MAX_ITEMS)) != GOMEM_OK)
		return rc;
	if (existing != GOMEM_NONE) {
		*out = c->fidx[kid] = existing;
		return GOMEM_OK;
	}
	if ((rc = GOMEM_GROW(p->functions, p->functions_cap, p->nfunctions + 1,
			     GOMEM_PROFILE_MAX_ITEMS)) != GOMEM_OK)
		return rc;
	f = &p->functions[p->nfunctions];
	memset(f, 0, sizeof(*f));
	f->id = c->next_id++;
	if ((rc = gomem_profile_intern(p, name, &f->name)) != GOMEM_OK ||
	    (rc = gomem_profile_intern(p, file, &f->filename)) != GOMEM_OK)
		return rc;
	f->system_name = f->name;
	*out = c->fidx[kid] = (uint32_t)p->nfunctions++;
	return GOMEM_OK;
}

static int on_frame(void *payload, size_t pc_index, const gomem_sym_frame *f)
{
	struct prof_ctx *c = payload;

	if (GOMEM_GROW(c->frames, c->frames_cap, c->nframes + 1, (size_t)1 << 24) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	c->frames[c->nframes].pc = pc_index;
	/* Text profiles name functions as the runtime prints them, protobuf
	 * ones by their symbol (runtime_FrameSymbolName): "G[...]" vs
	 * "G[go.shape.int]" from Go 1.21. */
	c->frames[c->nframes].function = c->p->format == GOMEM_PROFILE_LEGACY || f->function[0] == '\0'
						 ? f->function : f->symbol;
	c->frames[c->nframes].file = f->file;
	c->frames[c->nframes].line = f->line;
	c->frames[c->nframes].entry = f->entry;
	c->frames[c->nframes++].inlined = f->inlined;
	return 0;
}

/* Gives location LOC the frames of PC index I of the current sample. */
static int fill_location(struct prof_ctx *c, uint32_t loc, size_t i)
{
	gomem_profile *p = c->p;
	struct gomem_location *l = &p->locations[loc];
	size_t n = 0;
	int rc;

	for (size_t k = 0; k < c->nframes; k++)
		n += c->frames[k].pc == i && c->frames[k].function[0] != '\0';
	c->needs[loc] = false;
	if (n == 0)
		return GOMEM_OK;
	if ((rc = GOMEM_GROW(p->lines, p->lines_cap, p->nlines + n, GOMEM_PROFILE_MAX_ITEMS)) != GOMEM_OK)
		return rc;
	l->line_off = (uint32_t)p->nlines;
	l->nlines = 0;
	for (size_t k = 0; k < c->nframes; k++) {
		struct gomem_line *ln;
		uint32_t fn;

		if (c->frames[k].pc != i || c->frames[k].function[0] == '\0')
			continue;
		if ((rc = function_index(c, c->frames[k].function, c->frames[k].file, GOMEM_NONE, &fn)) !=
		    GOMEM_OK)
			return rc;
		ln = &p->lines[p->nlines++];
		ln->function = fn;
		ln->line = c->frames[k].line;
		ln->column = 0;
		l->nlines++;
		c->entry[loc] = c->frames[k].entry;
		c->last_inlined[loc] = c->frames[k].inlined;
	}
	return GOMEM_OK;
}

/* Whether a symbolized location shows in a debug=1 text's `#` lines when
 * SHOW (a non-runtime frame came before) is false: runtime.goexit never,
 * runtime.* frames only after a first other one. */
static bool hidden(const gomem_profile *p, uint32_t loc, bool *show)
{
	const struct gomem_location *l = &p->locations[loc];
	bool all_hidden = l->nlines > 0;

	for (uint32_t k = 0; k < l->nlines; k++) {
		const char *name = gomem_strpool_get(&p->strings,
						     p->functions[p->lines[l->line_off + k].function].name);

		if (strcmp(name, "runtime.goexit") == 0)
			continue;
		if (*show || strncmp(name, "runtime.", 8) != 0) {
			*show = true;
			all_hidden = false;
		}
	}
	return all_hidden;
}

static const char *outer_name(const gomem_profile *p, uint32_t loc)
{
	const struct gomem_location *l = &p->locations[loc];

	return gomem_strpool_get(&p->strings, p->functions[p->lines[l->line_off + l->nlines - 1].function].name);
}

static const char *inner_name(const gomem_profile *p, uint32_t loc)
{
	const struct gomem_location *l = &p->locations[loc];

	return gomem_strpool_get(&p->strings, p->functions[p->lines[l->line_off].function].name);
}

/* Whether location B (the caller) joins the run ending in A, as
 * runtime/pprof's pcDeck.tryAdd decides: A's last frame inlined, the same
 * function entry, not the same function (recursion). */
static bool joins(const struct prof_ctx *c, uint32_t a, uint32_t b)
{
	const gomem_profile *p = c->p;

	return p->locations[a].nlines > 0 && p->locations[b].nlines > 0 && c->last_inlined[a] &&
	       c->entry[a] != 0 && c->entry[a] == c->entry[b] &&
	       strcmp(outer_name(p, a), inner_name(p, b)) != 0;
}

/* The location holding the lines of locations LOCS[0..N) in one (made once
 * per run and reused), at the first one's address. */
static int merged_location(struct prof_ctx *c, const uint32_t *locs, size_t n, uint32_t *out)
{
	gomem_profile *p = c->p;
	char key[64];
	uint32_t kid, total = 0;
	size_t known = c->merged.count;
	struct gomem_location *l;
	int rc;

	snprintf(key, sizeof(key), "%u:%zu", locs[0], n);
	if ((rc = gomem_strpool_intern(&c->merged, key, strlen(key), &kid)) != GOMEM_OK)
		return rc;
	if (kid < known) {
		*out = c->merged_loc[kid];
		return GOMEM_OK;
	}
	for (size_t i = 0; i < n; i++)
		total += p->locations[locs[i]].nlines;
	if ((rc = GOMEM_GROW(c->merged_loc, c->merged_cap, (size_t)kid + 1, GOMEM_PROFILE_MAX_ITEMS)) ||
	    (rc = GOMEM_GROW(p->locations, p->locations_cap, p->nlocations + 1, GOMEM_PROFILE_MAX_ITEMS)) ||
	    (rc = GOMEM_GROW(p->lines, p->lines_cap, p->nlines + total, GOMEM_PROFILE_MAX_ITEMS)))
		return rc;
	l = &p->locations[p->nlocations];
	*l = p->locations[locs[0]];
	l->id = c->next_loc_id++;
	l->line_off = (uint32_t)p->nlines;
	l->nlines = total;
	for (size_t i = 0; i < n; i++) {
		const struct gomem_location *src = &p->locations[locs[i]];

		/* locations without lines (raw addresses) leave lines unallocated */
		if (src->nlines == 0)
			continue;
		memcpy(p->lines + p->nlines, p->lines + src->line_off, src->nlines * sizeof(*p->lines));
		p->nlines += src->nlines;
	}
	*out = c->merged_loc[kid] = (uint32_t)p->nlocations++;
	return GOMEM_OK;
}

/* Folds each run of locations of one physical call into one location. */
static int merge_inlined(struct prof_ctx *c, uint32_t *locs, uint32_t *nlocs)
{
	size_t kept = 0;
	int rc;

	for (size_t i = 0; i < *nlocs;) {
		size_t j = i + 1;
		uint32_t loc = locs[i];

		while (j < *nlocs && joins(c, locs[j - 1], locs[j]))
			j++;
		if (j - i > 1 && (rc = merged_location(c, locs + i, j - i, &loc)) != GOMEM_OK)
			return rc;
		locs[kept++] = loc;
		i = j;
	}
	*nlocs = (uint32_t)kept;
	return GOMEM_OK;
}

static int symbolize_sample(gomem_symbolizer *s, struct prof_ctx *c, struct gomem_sample *smp,
			    uint64_t *pcs)
{
	gomem_profile *p = c->p;
	uint32_t *locs = GOMEM_AT(p->loc_index, smp->loc_off);
	bool any = false, all = smp->nlocs > 0, show = false;
	size_t kept = 0;
	int rc;

	for (uint32_t i = 0; i < smp->nlocs; i++) {
		pcs[i] = p->locations[locs[i]].address;
		any |= c->needs[locs[i]];
		all &= c->unnamed[locs[i]];
	}
	c->nframes = 0;
	if (any && (rc = gomem_symbolize_walk(s, pcs, smp->nlocs, false, on_frame, c)) != GOMEM_OK)
		return rc;
	for (uint32_t i = 0; any && i < smp->nlocs; i++)
		if (c->needs[locs[i]] && (rc = fill_location(c, locs[i], i)) != GOMEM_OK)
			return rc;
	/* A legacy record without `#` lines keeps only what they would show. */
	if (!all || p->format != GOMEM_PROFILE_LEGACY)
		return GOMEM_OK;
	for (uint32_t i = 0; i < smp->nlocs; i++)
		if (!hidden(p, locs[i], &show))
			locs[kept++] = locs[i];
	/* Nothing shown: the runtime prints the whole stack (but goexit). */
	if (!show) {
		kept = 0;
		show = true;
		for (uint32_t i = 0; i < smp->nlocs; i++)
			if (!hidden(p, locs[i], &show))
				locs[kept++] = locs[i];
	}
	smp->nlocs = (uint32_t)kept;
	return merge_inlined(c, locs, &smp->nlocs);
}

int gomem_symbolize_profile(gomem_symbolizer *s, gomem_profile *p)
{
	struct prof_ctx c;
	uint64_t *pcs = NULL;
	size_t maxlocs = 0;
	int rc = GOMEM_OK;

	memset(&c, 0, sizeof(c));
	c.p = p;
	gomem_strpool_init(&c.fkeys);
	if (p->loc_index == NULL && p->nsamples > 0)
		return GOMEM_E_INVALID; /* not resolved */
	if ((c.needs = calloc(p->nlocations + 1, sizeof(*c.needs))) == NULL)
		return GOMEM_E_NOMEM;
	c.unnamed = calloc(p->nlocations + 1, sizeof(*c.unnamed));
	c.entry = calloc(p->nlocations + 1, sizeof(*c.entry));
	c.last_inlined = calloc(p->nlocations + 1, sizeof(*c.last_inlined));
	gomem_strpool_init(&c.merged);
	if (c.unnamed == NULL || c.entry == NULL || c.last_inlined == NULL) {
		rc = GOMEM_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < p->nlocations; i++)
		c.next_loc_id = p->locations[i].id >= c.next_loc_id ? p->locations[i].id + 1 : c.next_loc_id;
	for (size_t i = 0; i < p->nlocations; i++)
		c.unnamed[i] = c.needs[i] = p->locations[i].nlines == 0 && p->locations[i].address != 0;
	for (size_t i = 0; i < p->nfunctions; i++)
		c.next_id = p->functions[i].id >= c.next_id ? p->functions[i].id + 1 : c.next_id;
	if (c.next_id == 0)
		c.next_id = 1;
	/* Existing functions are reused by name and file. */
	for (size_t i = 0; i < p->nfunctions && rc == GOMEM_OK; i++) {
		uint32_t idx;

		rc = function_index(&c, gomem_strpool_get(&p->strings, p->functions[i].name),
				    gomem_strpool_get(&p->strings, p->functions[i].filename), (uint32_t)i,
				    &idx);
	}
	for (size_t i = 0; i < p->nsamples; i++)
		maxlocs = p->samples[i].nlocs > maxlocs ? p->samples[i].nlocs : maxlocs;
	if (rc == GOMEM_OK && (pcs = malloc((maxlocs + 1) * sizeof(*pcs))) == NULL)
		rc = GOMEM_E_NOMEM;
	/* A PIE's load bias, from the first stack that tells it (location
	 * addresses are return addresses - 1). */
	for (size_t i = 0; i < p->nsamples && rc == GOMEM_OK; i++) {
		const struct gomem_sample *smp = &p->samples[i];

		for (uint32_t k = 0; k < smp->nlocs; k++)
			pcs[k] = p->locations[p->loc_index[smp->loc_off + k]].address + 1;
		gomem_symbolizer_guess_bias(s, pcs, smp->nlocs);
	}
	for (size_t i = 0; i < p->nsamples && rc == GOMEM_OK; i++)
		rc = symbolize_sample(s, &c, &p->samples[i], pcs);
out:
	free(pcs);
	free(c.needs);
	free(c.unnamed);
	free(c.entry);
	free(c.last_inlined);
	free(c.merged_loc);
	gomem_strpool_free(&c.merged);
	free(c.fidx);
	free(c.frames);
	gomem_strpool_free(&c.fkeys);
	return rc;
}

/* A debug=0 goroutine profile: its address-only locations symbolized, then
 * written back as profile.proto for the dump reader. */
static int symbolize_proto_dump(gomem_dump **out, const char *data, size_t len, const char *name,
				gomem_symbolizer *s, gomem_error *err)
{
	gomem_profile *prof = NULL;
	char *buf = NULL;
	size_t size = 0;
	FILE *mem;
	int rc = gomem_profile_from_buffer(&prof, data, len, name, err);

	if (rc == GOMEM_OK && (rc = gomem_symbolize_profile(s, prof)) != GOMEM_OK)
		gomem_error_set(err, rc, "%s: symbolizing: %s", name, gomem_strerror(rc));
	if (rc == GOMEM_OK && (mem = open_memstream(&buf, &size)) == NULL)
		rc = gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	if (rc == GOMEM_OK) {
		rc = gomem_pprof_write(prof, mem, 0, err);
		if (fclose(mem) != 0 && rc == GOMEM_OK)
			rc = gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	}
	if (rc == GOMEM_OK)
		rc = gomem_dump_from_buffer(out, buf, size, name, err);
	free(buf);
	gomem_profile_free(prof);
	return rc;
}

/* Text dumps hold no control bytes but tab and newlines; profile.proto does
 * in its first bytes (field tags, lengths). */
static bool looks_binary(const char *data, size_t len)
{
	for (size_t i = 0; i < len && i < 64; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c < 0x09 || (c > 0x0d && c < 0x20))
			return true;
	}
	return false;
}

int gomem_symbolize_dump_read(gomem_dump **out, gomem_source *src, gomem_symbolizer *s,
			      gomem_error *err)
{
	gomem_buf in;
	const uint8_t *data;
	size_t len, outlen;
	char *text = NULL;
	int rc;

	*out = NULL;
	gomem_buf_init(&in, SIZE_MAX / 2);
	while ((rc = gomem_source_read(src, &data, &len)) == GOMEM_OK && len > 0)
		if ((rc = gomem_buf_append(&in, data, len)) != GOMEM_OK)
			break;
	if (rc != GOMEM_OK) {
		gomem_error_copy(err, gomem_source_error(src));
		gomem_error_set(err, rc, "%s", gomem_strerror(rc));
		gomem_buf_free(&in);
		return rc;
	}
	if (in.len > 0 && looks_binary(in.data, in.len)) {
		rc = symbolize_proto_dump(out, in.data, in.len, gomem_source_name(src), s, err);
		gomem_buf_free(&in);
		return rc;
	}
	rc = gomem_symbolize_debug1_text(s, in.data ? in.data : "", in.len, &text, &outlen);
	gomem_buf_free(&in);
	if (rc != GOMEM_OK)
		return gomem_error_set(err, rc, "%s: symbolizing: %s", gomem_source_name(src),
				       gomem_strerror(rc));
	rc = gomem_dump_from_buffer(out, text, outlen, gomem_source_name(src), err);
	free(text);
	return rc;
}

int gomem_symbolize_profile_with_binary(gomem_profile *p, const char *binary, gomem_error *err)
{
	gomem_binary *bin = NULL;
	gomem_symbolizer *sym = NULL;
	int rc = gomem_binary_open(binary, &bin, err);

	if (rc == GOMEM_OK && (rc = gomem_symbolizer_new(&sym, bin, NULL)) == GOMEM_OK &&
	    (rc = gomem_symbolize_profile(sym, p)) != GOMEM_OK)
		gomem_error_set(&bin->err, rc, "symbolizing the profile: %s", gomem_strerror(rc));
	if (bin != NULL)
		gomem_error_copy(err, &bin->err);
	gomem_symbolizer_free(sym);
	gomem_binary_free(bin);
	return rc;
}
