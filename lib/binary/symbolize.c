/* SPDX-License-Identifier: Apache-2.0 */
/* symbolize.c — one symbolizer over a binary: picks DWARF or .gopclntab,
 * caches the inline chain of every PC asked (stacks repeat the same PCs
 * millions of times), prints names as the runtime does, and turns whole
 * stacks of return addresses into frames the way runtime.CallersFrames
 * does. Profiles and debug=1 texts are symbolized on top of that. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary-internal.h"

#define MAX_CHAIN 256
#define CACHE_MAX_FRAMES ((size_t)1 << 24)

struct cache_slot {
	uint64_t key;        /* pc + 1; 0 is an empty slot */
	uint32_t off, n;     /* into frames */
};

struct gomem_symbolizer {
	gomem_binary *bin;
	gomem_symsrc source;
	bool per_pc_fallback;          /* AUTO on DWARF: .gopclntab where DWARF has no line */
	uint64_t bias;
	bool bias_known;               /* given, or guessed from a stack */
	uint64_t goexit;               /* entry of runtime.goexit, 0 if not looked up */
	bool have_tab;
	gomem_pclntab tab;
	gomem_dwarfsym *dwarf;
	gomem_strpool names;           /* names rewritten for print */
	gomem_sym_frame *frames;       /* cached chains, back to back */
	size_t nframes, frames_cap;
	struct cache_slot *slots;      /* power of two */
	size_t nslots, used;
	gomem_pcln_frame raw[MAX_CHAIN], raw_pcln[MAX_CHAIN];
	gomem_sym_frame uncached[MAX_CHAIN];
	gomem_sym_frame cur[MAX_CHAIN], next[MAX_CHAIN];
};

bool gomem_go_name_brackets(const char *name, size_t *open, size_t *close)
{
	const char *o = strchr(name, '['), *c = strrchr(name, ']');

	if (o == NULL || c == NULL || c <= o)
		return false;
	*open = (size_t)(o - name);
	*close = (size_t)(c - name);
	/* Already the printed form (Go 1.18/1.19 tables hold "[...]"). */
	return !(*close - *open == 4 && memcmp(o, "[...]", 5) == 0);
}

static const char *print_name(gomem_symbolizer *s, const char *name)
{
	size_t open, close;
	gomem_buf b;
	uint32_t id;
	const char *out = name;

	if (!gomem_go_name_brackets(name, &open, &close))
		return name;
	gomem_buf_init(&b, (size_t)1 << 20);
	if (gomem_buf_append(&b, name, open) == GOMEM_OK && gomem_buf_append(&b, "[...]", 5) == GOMEM_OK &&
	    gomem_buf_append(&b, name + close + 1, strlen(name + close + 1)) == GOMEM_OK &&
	    gomem_strpool_intern(&s->names, b.data, b.len, &id) == GOMEM_OK)
		out = gomem_strpool_get(&s->names, id);
	gomem_buf_free(&b);
	return out;
}

/* ---- lifetime ------------------------------------------------------------- */

/* The runtime's table; with ERR NULL a failure is quiet (DWARF is the
 * source and the table only tells wrappers and a PIE's bias). */
static int open_pclntab(gomem_symbolizer *s, gomem_error *err)
{
	gomem_binary *bin = s->bin;
	int rc;

	if (!bin->gopclntab.found || bin->gopclntab.data == NULL)
		return gomem_error_set(err, GOMEM_E_NOTFOUND, "no .gopclntab section: not a Go binary");
	rc = gomem_pclntab_init(&s->tab, bin->gopclntab.data, bin->gopclntab.size, bin->info.big_endian,
				bin->text.addr, bin->gopclntab.offset, err);
	if (rc == GOMEM_OK)
		gomem_pclntab_find_gofunc(&s->tab, bin, bin->gopclntab.addr);
	s->have_tab = rc == GOMEM_OK;
	return rc;
}

/* FuncIDWrapper moved from 21 to 22 in Go 1.22 (FuncID_corostart came
 * before it), within one pclntab layout: the build info tells. */
static int wrapper_func_id(gomem_binary *bin, int fallback)
{
	gomem_buildinfo *bi = NULL;
	gomem_error keep = bin->err;
	int minor, id = fallback;

	if (gomem_buildinfo_read(&bi, bin) == GOMEM_OK && sscanf(bi->go_version, "go1.%d", &minor) == 1)
		id = minor >= 22 ? 22 : 21;
	gomem_buildinfo_free(bi);
	bin->err = keep;
	return id;
}

/* AUTO: DWARF when it is there and usable, else the runtime's table. A
 * DWARF we cannot use is not an error then. */
static gomem_symsrc pick_source(gomem_symbolizer *s)
{
	gomem_binary *bin = s->bin;
	gomem_error keep = bin->err;

	if (gomem_dwarfsym_new(&s->dwarf, bin) == GOMEM_OK)
		return GOMEM_SYMSRC_DWARF;
	bin->err = keep;
	return GOMEM_SYMSRC_PCLNTAB;
}

static int open_dwarf(gomem_symbolizer *s)
{
	gomem_binary *bin = s->bin;
	int rc;

	if (s->dwarf == NULL && (rc = gomem_dwarfsym_new(&s->dwarf, bin)) != GOMEM_OK)
		return rc;
	open_pclntab(s, NULL);
	return GOMEM_OK;
}

int gomem_symbolizer_new(gomem_symbolizer **out, gomem_binary *bin,
			 const gomem_symbolizer_options *opts)
{
	gomem_symbolizer_options defaults = GOMEM_SYMBOLIZER_OPTIONS_INIT;
	gomem_symbolizer *s;
	int rc;

	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != GOMEM_SYMBOLIZER_OPTIONS_VERSION || opts->source > GOMEM_SYMSRC_PCLNTAB)
		return gomem_error_set(&bin->err, GOMEM_E_INVALID, "symbolizer options not known");
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return gomem_error_set(&bin->err, GOMEM_E_NOMEM, "out of memory");
	s->bin = bin;
	s->bias = opts->load_bias;
	s->bias_known = opts->load_bias != 0 || !bin->info.pie;
	gomem_strpool_init(&s->names);
	s->source = opts->source == GOMEM_SYMSRC_AUTO ? pick_source(s) : opts->source;
	s->per_pc_fallback = opts->source == GOMEM_SYMSRC_AUTO && s->source == GOMEM_SYMSRC_DWARF;
	rc = s->source == GOMEM_SYMSRC_DWARF ? open_dwarf(s) : open_pclntab(s, &bin->err);
	if (rc != GOMEM_OK) {
		gomem_symbolizer_free(s);
		return rc;
	}
	if (s->have_tab)
		s->tab.wrapper_id = wrapper_func_id(bin, s->tab.wrapper_id);
	*out = s;
	return GOMEM_OK;
}

void gomem_symbolizer_free(gomem_symbolizer *s)
{
	if (s == NULL)
		return;
	gomem_dwarfsym_free(s->dwarf);
	gomem_strpool_free(&s->names);
	free(s->frames);
	free(s->slots);
	free(s);
}

gomem_symsrc gomem_symbolizer_source(const gomem_symbolizer *s)
{
	return s->source;
}

void gomem_symbolizer_guess_bias(gomem_symbolizer *s, const uint64_t *pcs, size_t npcs)
{
	uint64_t bias, last;

	if (s->bias_known || !s->have_tab || npcs == 0)
		return;
	if (s->goexit == 0 && (s->goexit = gomem_pclntab_find_entry(&s->tab, "runtime.goexit")) == 0) {
		s->bias_known = true; /* nothing to go by */
		return;
	}
	last = pcs[npcs - 1];
	if (last < s->goexit + 1 || ((bias = last - 1 - s->goexit) & 0xfff) != 0)
		return;
	for (size_t i = 0; i < npcs; i++)
		if (pcs[i] <= bias || gomem_pclntab_entry(&s->tab, pcs[i] - bias - 1) == 0)
			return;
	s->bias = bias;
	s->bias_known = true;
	/* Chains cached under the old bias are for other addresses. */
	s->used = 0;
	s->nframes = 0;
	if (s->slots)
		memset(s->slots, 0, s->nslots * sizeof(*s->slots));
}

/* ---- one PC --------------------------------------------------------------- */

static struct cache_slot *cache_find(gomem_symbolizer *s, uint64_t pc)
{
	size_t mask = s->nslots - 1, i;

	if (s->nslots == 0)
		return NULL;
	i = (size_t)((pc * UINT64_C(0x9e3779b97f4a7c15)) >> 20) & mask;
	while (s->slots[i].key != 0 && s->slots[i].key != pc + 1)
		i = (i + 1) & mask;
	return &s->slots[i];
}

static int cache_grow(gomem_symbolizer *s)
{
	struct cache_slot *old = s->slots;
	size_t n = s->nslots;

	s->nslots = n ? n * 2 : 4096;
	if ((s->slots = calloc(s->nslots, sizeof(*s->slots))) == NULL) {
		s->slots = old;
		s->nslots = n;
		return GOMEM_E_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (old[i].key != 0)
			*cache_find(s, old[i].key - 1) = old[i];
	free(old);
	return GOMEM_OK;
}

/* Converts the reader's chain into DST with printable names. */
static void convert(gomem_symbolizer *s, gomem_sym_frame *dst, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		dst[i].function = print_name(s, s->raw[i].function);
		dst[i].file = s->raw[i].file;
		dst[i].line = s->raw[i].line;
		dst[i].entry = s->raw[i].entry;
		dst[i].pc = s->raw[i].pc;
		dst[i].inlined = s->raw[i].inlined;
		dst[i].wrapper = s->raw[i].wrapper;
		dst[i].symbol = s->raw[i].function;
	}
}

/* DWARF does not tell compiler-generated wrappers: the runtime's table does. */
static void mark_wrappers(gomem_symbolizer *s, uint64_t pc, size_t count)
{
	gomem_error quiet = {0};
	size_t n = 0;

	if (!s->have_tab || gomem_pclntab_chain(&s->tab, pc, s->raw_pcln, MAX_CHAIN, &n, &quiet) != GOMEM_OK)
		return;
	for (size_t i = 0; i < count; i++)
		for (size_t k = 0; k < n; k++)
			if (s->raw_pcln[k].wrapper && strcmp(s->raw_pcln[k].function, s->raw[i].function) == 0)
				s->raw[i].wrapper = true;
}

/* AUTO reading DWARF: where DWARF gives PC no line (a .debug_line libdw
 * could not read or inflate, a function its units do not cover), the
 * runtime's table answers for that PC. True when it did (the chain in raw,
 * COUNT frames). */
static bool pclntab_instead(gomem_symbolizer *s, uint64_t pc, size_t *count)
{
	gomem_error quiet = {0};
	size_t n = 0;

	if (!s->per_pc_fallback || !s->have_tab || (*count > 0 && s->raw[0].line > 0))
		return false;
	if (gomem_pclntab_chain(&s->tab, pc, s->raw_pcln, MAX_CHAIN, &n, &quiet) != GOMEM_OK || n == 0)
		return false;
	memcpy(s->raw, s->raw_pcln, n * sizeof(*s->raw));
	*count = n;
	return true;
}

int gomem_symbolize_pc(gomem_symbolizer *s, uint64_t pc, const gomem_sym_frame **frames, size_t *n)
{
	struct cache_slot *slot;
	size_t count = 0;
	int rc;

	pc -= s->bias;
	*frames = s->uncached;
	*n = 0;
	if ((slot = cache_find(s, pc)) != NULL && slot->key != 0) {
		*frames = s->frames + slot->off;
		*n = slot->n;
		return GOMEM_OK;
	}
	if (s->dwarf != NULL) {
		rc = gomem_dwarfsym_chain(s->dwarf, pc, s->raw, MAX_CHAIN, &count, &s->bin->err);
		if (rc == GOMEM_OK && !pclntab_instead(s, pc, &count))
			mark_wrappers(s, pc, count);
	} else
		rc = gomem_pclntab_chain(&s->tab, pc, s->raw, MAX_CHAIN, &count, &s->bin->err);
	if (rc != GOMEM_OK)
		return rc;
	/* Cache it, while the cache has room; else answer from scratch space. */
	if ((s->used + 1) * 2 > s->nslots && cache_grow(s) != GOMEM_OK)
		slot = NULL;
	else
		slot = cache_find(s, pc);
	if (slot != NULL && s->nframes + count <= CACHE_MAX_FRAMES &&
	    GOMEM_GROW(s->frames, s->frames_cap, s->nframes + count + 1, CACHE_MAX_FRAMES) == GOMEM_OK) {
		convert(s, s->frames + s->nframes, count);
		slot->key = pc + 1;
		slot->off = (uint32_t)s->nframes;
		slot->n = (uint32_t)count;
		s->nframes += count;
		s->used++;
		*frames = s->frames + slot->off;
	} else {
		convert(s, s->uncached, count);
	}
	*n = count;
	return GOMEM_OK;
}


/* ---- stacks (runtime.CallersFrames) -------------------------------------- */

static bool same_frame(const gomem_sym_frame *a, const gomem_sym_frame *b)
{
	return a->line == b->line && strcmp(a->function, b->function) == 0 && strcmp(a->file, b->file) == 0;
}

/* The chain at a stack PC: a return address backs up into its call
 * instruction (pc-1) unless it is a function's entry. */
static int stack_chain(gomem_symbolizer *s, uint64_t pc, bool return_address, gomem_sym_frame *dst,
		       size_t *n)
{
	const gomem_sym_frame *f;
	int rc;

	if (return_address && pc > 0) {
		uint64_t entry;

		/* The function table answers without filling the cache. */
		if (s->have_tab) {
			entry = gomem_pclntab_entry(&s->tab, pc - s->bias);
		} else {
			if ((rc = gomem_symbolize_pc(s, pc, &f, n)) != GOMEM_OK)
				return rc;
			entry = *n ? f[*n - 1].entry : 0;
		}
		if (entry != pc - s->bias)
			pc--;
	}
	if ((rc = gomem_symbolize_pc(s, pc, &f, n)) != GOMEM_OK)
		return rc;
	memcpy(dst, f, *n * sizeof(*f));
	return GOMEM_OK;
}

/* runtime.elideWrapperCalling: a wrapper that called one of these shows. */
static bool panic_function(const char *name)
{
	return strcmp(name, "runtime.gopanic") == 0 || strcmp(name, "runtime.sigpanic") == 0 ||
	       strcmp(name, "runtime.panicwrap") == 0;
}

/* How many outer frames of CUR (after its innermost) the next PC, whose
 * chain is NEXT, does not stand for: Go 1.19 stacks carry a virtual PC per
 * inlined caller (then none are missing), Go 1.21+ frame-pointer stacks
 * only physical PCs (then all are). */
static size_t missing_callers(const gomem_sym_frame *cur, size_t ncur, const gomem_sym_frame *next,
			      size_t nnext)
{
	for (size_t m = 1; m < ncur; m++) {
		if (ncur - m != nnext || next[0].entry != cur[m].entry)
			continue;
		size_t j = 0;

		while (j < nnext && same_frame(&next[j], &cur[m + j]))
			j++;
		if (j == nnext)
			return m - 1;
	}
	return ncur - 1;
}

int gomem_symbolize_walk(gomem_symbolizer *s, const uint64_t *pcs, size_t npcs, bool return_addresses,
		      int (*on_frame)(void *, size_t, const gomem_sym_frame *), void *payload)
{
	static const gomem_sym_frame unknown = {"", "?", 0, 0, 0, false, false, ""};
	size_t ncur = 0, nnext = 0;
	int rc;

	if (npcs > 0 && (rc = stack_chain(s, pcs[0], return_addresses, s->next, &nnext)) != GOMEM_OK)
		return rc;
	for (size_t i = 0; i < npcs; i++) {
		size_t emit;

		memcpy(s->cur, s->next, nnext * sizeof(*s->next));
		ncur = nnext;
		nnext = 0;
		if (i + 1 < npcs &&
		    (rc = stack_chain(s, pcs[i + 1], return_addresses, s->next, &nnext)) != GOMEM_OK)
			return rc;
		if (ncur == 0) {
			if ((rc = on_frame(payload, i, &unknown)) != 0)
				return rc;
			continue;
		}
		emit = 1 + (i + 1 < npcs ? missing_callers(s->cur, ncur, s->next, nnext) : ncur - 1);
		for (size_t k = 0; k < emit; k++) {
			/* The runtime leaves out the inlined callers that are
			 * wrappers, unless they called a panic function. */
			if (k > 0 && s->cur[k].wrapper && !panic_function(s->cur[k - 1].function))
				continue;
			if ((rc = on_frame(payload, i, &s->cur[k])) != 0)
				return rc;
		}
	}
	return GOMEM_OK;
}

int gomem_symbolize_stack(gomem_symbolizer *s, const uint64_t *pcs, size_t npcs,
			  int (*on_frame)(void *payload, size_t pc_index, const gomem_sym_frame *frame),
			  void *payload)
{
	return gomem_symbolize_walk(s, pcs, npcs, true, on_frame, payload);
}

/* ---- debug=1 texts ----------------------------------------------------------- */

/* A record's `#` lines, collected so that their columns can be padded as
 * runtime/pprof's text/tabwriter pads them (minwidth 1, tabwidth 8,
 * padding 1, tabs): each column as wide as its widest cell plus one,
 * rounded up to a tab stop. */
struct text_out {
	gomem_buf *out;
	uint64_t bias;
	bool show;          /* past the leading runtime frames */
	bool all;           /* show every frame (but goexit) */
	struct hash_line {
		char pc[24];
		gomem_sym_frame f;
		uint64_t off;
	} *lines;
	size_t n, cap;
};

/* One `#` line as runtime/pprof's printStackRecord writes it: hidden are
 * runtime.goexit and the runtime frames before the first other one. */
static int collect_frame(void *payload, size_t i, const gomem_sym_frame *f)
{
	struct text_out *t = payload;
	struct hash_line *l;

	(void)i;
	if (f->function[0] == '\0')
		return 0; /* CallersFrames skips PCs in no function */
	if (strcmp(f->function, "runtime.goexit") == 0 ||
	    (!t->show && !t->all && strncmp(f->function, "runtime.", 8) == 0))
		return 0;
	t->show = true;
	if (GOMEM_GROW(t->lines, t->cap, t->n + 1, (size_t)1 << 20) != GOMEM_OK)
		return 1;
	l = &t->lines[t->n++];
	snprintf(l->pc, sizeof(l->pc), "0x%llx", (unsigned long long)(f->pc + t->bias));
	l->f = *f;
	l->off = f->pc - f->entry;
	return 0;
}

static size_t utf8_width(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < len; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

static int pad(gomem_buf *b, size_t textw, size_t colw)
{
	size_t cellw = (colw + 7) / 8 * 8, tabs = (cellw - textw + 7) / 8;

	for (size_t i = 0; i < tabs; i++)
		if (gomem_buf_append(b, "\t", 1) != GOMEM_OK)
			return GOMEM_E_NOMEM;
	return GOMEM_OK;
}

static int flush_lines(struct text_out *t)
{
	size_t wpc = 0, wname = 0;
	char name[32];
	int rc = GOMEM_OK;

	for (size_t i = 0; i < t->n; i++) {
		struct hash_line *l = &t->lines[i];
		size_t w = strlen(l->pc) + 1;

		wpc = w > wpc ? w : wpc;
		w = utf8_width(l->f.function, strlen(l->f.function)) +
		    (size_t)snprintf(name, sizeof(name), "+0x%llx", (unsigned long long)l->off) + 1;
		wname = w > wname ? w : wname;
	}
	for (size_t i = 0; i < t->n && rc == GOMEM_OK; i++) {
		struct hash_line *l = &t->lines[i];
		int nlen = snprintf(name, sizeof(name), "+0x%llx", (unsigned long long)l->off);

		rc = gomem_buf_printf(t->out, "#\t%s", l->pc);
		if (rc == GOMEM_OK)
			rc = pad(t->out, strlen(l->pc), wpc);
		if (rc == GOMEM_OK)
			rc = gomem_buf_printf(t->out, "%s%s", l->f.function, name);
		if (rc == GOMEM_OK)
			rc = pad(t->out, utf8_width(l->f.function, strlen(l->f.function)) + (size_t)nlen, wname);
		if (rc == GOMEM_OK)
			rc = gomem_buf_printf(t->out, "%s:%lld\n", l->f.file, (long long)l->f.line);
	}
	t->n = 0;
	return rc;
}

/* The PCs after " @ " on a record line; false when the line is not one. */
static int parse_pcs(const char *line, size_t len, uint64_t **pcs, size_t *n, size_t *cap)
{
	const char *at = NULL, *e = line + len;

	*n = 0;
	if (len == 0 || line[0] < '0' || line[0] > '9')
		return 0;
	for (const char *p = line; p + 3 <= e; p++)
		if (p[0] == ' ' && p[1] == '@' && (p + 2 == e || p[2] == ' ')) {
			at = p + 2;
			break;
		}
	if (at == NULL)
		return 0;
	while (at < e) {
		uint64_t v = 0;

		while (at < e && *at == ' ')
			at++;
		if (at == e)
			break;
		if (e - at < 3 || at[0] != '0' || at[1] != 'x')
			return 0;
		for (at += 2; at < e && *at != ' '; at++) {
			const char *hex = "0123456789abcdef";
			const char *d = memchr(hex, *at | 0x20, 16);

			if (d == NULL || v >> 60)
				return 0;
			v = v << 4 | (uint64_t)(d - hex);
		}
		if (GOMEM_GROW(*pcs, *cap, *n + 1, (size_t)1 << 20) != GOMEM_OK)
			return -1;
		(*pcs)[(*n)++] = v;
	}
	return 1;
}

int gomem_symbolize_debug1_text(gomem_symbolizer *s, const char *text, size_t len, char **out,
				size_t *outlen)
{
	gomem_buf b;
	uint64_t *pcs = NULL;
	size_t npcs = 0, cap = 0;
	int rc = GOMEM_OK;

	*out = NULL;
	*outlen = 0;
	gomem_buf_init(&b, (size_t)1 << 32);
	/* A PIE's load bias, from the first stack that tells it. */
	for (size_t pos = 0; pos < len && !s->bias_known;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - text) - pos : len - pos;

		if (parse_pcs(text + pos, l, &pcs, &npcs, &cap) == 1)
			gomem_symbolizer_guess_bias(s, pcs, npcs);
		pos += l + 1;
	}
	for (size_t pos = 0; pos < len && rc == GOMEM_OK;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - text) - pos : len - pos;
		size_t next = pos + l + (nl != NULL);
		int rec = parse_pcs(text + pos, l, &pcs, &npcs, &cap);

		rc = gomem_buf_append(&b, text + pos, next - pos);
		if (rc == GOMEM_OK && nl == NULL && rec == 1)
			rc = gomem_buf_append(&b, "\n", 1);
		if (rec < 0)
			rc = GOMEM_E_NOMEM;
		/* A record already followed by `#` lines keeps them. */
		if (rc == GOMEM_OK && rec == 1 && !(next < len && text[next] == '#')) {
			struct text_out t = {&b, s->bias, false, false, NULL, 0, 0};

			rc = gomem_symbolize_walk(s, pcs, npcs, true, collect_frame, &t);
			/* Nothing shown: the runtime prints the stack again, all of it. */
			if (rc == GOMEM_OK && t.n == 0) {
				t.all = true;
				rc = gomem_symbolize_walk(s, pcs, npcs, true, collect_frame, &t);
			}
			if (rc > 0)
				rc = GOMEM_E_NOMEM;
			if (rc == GOMEM_OK)
				rc = flush_lines(&t);
			free(t.lines);
		}
		pos = next;
	}
	free(pcs);
	if (rc == GOMEM_OK && gomem_buf_append(&b, "", 1) == GOMEM_OK) {
		*out = b.data;
		*outlen = b.len - 1;
		return GOMEM_OK;
	}
	gomem_buf_free(&b);
	return rc == GOMEM_OK ? GOMEM_E_NOMEM : rc;
}
