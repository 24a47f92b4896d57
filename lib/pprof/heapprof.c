/* SPDX-License-Identifier: Apache-2.0 */
/* heapprof.c — the legacy text heap profile (/debug/pprof/heap?debug=1, and
 * the C++ heapz/growthz forms pprof also reads) into the profile model.
 *
 * A push reader: chunks of any size go through gomem_linebuf; each line is
 * classified by its first bytes and parsed by hand (no regex, no scanf, no
 * allocation per line) because the files reach 80 MB and are read twice per
 * diff. Sample values are unsampled exactly as pprof's legacy parser and the
 * Go runtime's proto writer do, so a .txt and a .pb.gz of the same snapshot
 * give the same numbers.
 *
 * Sample types. pprof gives a legacy file four types [alloc_objects,
 * alloc_space, inuse_objects, inuse_space] only when the header's allocation
 * totals differ from the in-use ones ("hasAlloc"), else two [objects, space];
 * it then cannot diff the two kinds of file (google/pprof#432), and a
 * snapshot taken before anything was freed is exactly the two-type kind. We
 * always produce the four types. When hasAlloc is false the header says the
 * allocation pair carries nothing the in-use pair does not: in every Go file
 * of the corpus with such a header each record's [C: D] equals its N: B (a
 * bucket's in-use counts never exceed its allocation counts, and the totals
 * are equal), and a C++ header "[0: 0]" means "not tracked". So alloc_* are
 * set to the unsampled in-use values — the numbers pprof shows for its
 * "objects"/"space" — and a profile comment records the two-type layout.
 *
 * Frames. The "@" list is the raw stack, runtime frames and runtime.goexit
 * included; the "#" lines name only the frames the runtime shows (leading
 * runtime.* frames and goexit hidden), which is what the protobuf form of
 * the same snapshot keeps. So a record that has "#" lines keeps exactly the
 * addresses they name; a record without any (an unsymbolized file, another
 * runtime's profile) keeps every address as an address-only location that a
 * binary can symbolize later. Location address = "@" address - 1, as pprof
 * does. A "#" line is parsed only the first time its PC is seen: the same PC
 * always has the same symbols, and skipping the repeats is most of the speed.
 *
 * Inlining. Go 1.19 to 1.23 (checked on all three) list an inlined call as a
 * frame of its own, with the PC of its inline mark, in "@" and in "#" alike;
 * the proto writer folds the frames of one physical call into one Location
 * (runtime/pprof's pcDeck.tryAdd: same function entry, the inner frames
 * inlined). The "#" line gives the entry as PC - offset, so the frames are
 * grouped the same way and the Locations equal the .pb.gz's: the first
 * frame's address, a Line per frame, innermost first. A writer that prints
 * several "#" lines for one PC gets them as that PC's Lines. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

/* Longest line accepted: a record with thousands of frames fits; a runaway
 * file without newlines does not take all memory. */
#define MAX_LINE ((size_t)4 << 20)
#define MAX_FRAMES ((size_t)1 << 20)
#define MAX_ATTRS 64
/* Once a record's '#' lines have started, every frame gets one but for a
 * wrapper CallersFrames elides now and then: the next frame is near. The
 * bound keeps a hostile record from costing frames x lines. */
#define MAX_FRAME_GAP 64

enum state { ST_HEADER, ST_RECORDS, ST_MAPS, ST_DONE };

/* One frame of the record being read. */
struct frame {
	uint64_t addr;     /* as listed after '@' */
	uint32_t pc;       /* index into pcs once looked up, else GOMEM_NONE */
	bool named;        /* a '#' line of this record names it */
	bool physical;     /* its last symbol is the physical function, not an inlined call */
	uint32_t run_name; /* name of the physical function of its run of frames */
};

/* What the '#' lines say about one PC: usually one symbol; several when a
 * writer prints every inlined call at one PC (older Go). */
struct pcinfo {
	uint32_t sym_off, nsyms; /* run in syms */
	uint32_t loc;            /* location that starts with this PC, or GOMEM_NONE */
	bool named;              /* its '#' lines were read */
};

struct symbol {
	uint32_t fn;    /* function index */
	uint32_t name;  /* its name's string id */
	int64_t line;
	uint64_t entry; /* PC - offset: the entry of the physical function, 0 unknown */
};

struct addr_slot {
	uint64_t addr;
	uint32_t pc1; /* pcs index + 1; 0 = empty slot */
};

struct func_slot {
	uint32_t name, file;
	uint32_t fn1; /* function index + 1; 0 = empty slot */
};

struct attr {
	char *key; /* "$name" */
	char *value;
};

struct gomem_heapprof_reader {
	gomem_error err;
	gomem_linebuf lb;
	gomem_profile *p;
	enum state state;
	int rc; /* first error, returned again by every later call */

	/* From the header. */
	bool v2;        /* scale with scaleHeapSample */
	bool has_alloc; /* pprof's hasAlloc: four sample types */
	uint32_t s_bytes;

	/* The record being read. */
	bool in_record;
	int64_t values[4];
	int64_t blocksize;
	bool has_blocksize;
	struct frame *frames;
	size_t nframes, frames_cap;
	bool rec_named; /* the record has '#' lines */
	size_t cur;     /* frame the last '#' line belonged to */
	bool cur_valid;
	uint32_t left;  /* '#' lines frame cur still owns (inlined calls at one PC) */
	uint32_t fill;  /* PC whose symbols are being read, or GOMEM_NONE */

	/* PCs by address (location address = '@' address - 1), their symbols,
	 * and functions by (name, file). */
	struct addr_slot *amap;
	size_t amap_cap;
	struct pcinfo *pcs;
	size_t npcs, pcs_cap;
	struct symbol *syms;
	size_t nsyms, syms_cap;
	struct func_slot *fmap;
	size_t fmap_cap, fmap_count;

	struct attr attrs[MAX_ATTRS]; /* "name=value" lines of a memory map */
	size_t nattrs;
};

/* ---- errors --------------------------------------------------------------- */

static int fail_at(gomem_heapprof_reader *r, int code, const char *line, const char *at,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Records the first error at the current line; AT is inside LINE (NULL for
 * column 0). */
static int fail_at(gomem_heapprof_reader *r, int code, const char *line, const char *at,
		   const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gomem_error_at_line(&r->err, code, r->lb.lineno, at ? (uint64_t)(at - line) + 1 : 0, "%s",
			    msg);
	r->rc = code;
	return code;
}

static int fail_nomem(gomem_heapprof_reader *r, int rc)
{
	if (rc == GOMEM_E_NOMEM)
		gomem_error_set(&r->err, rc, "out of memory");
	else
		gomem_error_at_line(&r->err, rc, r->lb.lineno, 0, "profile too large (%s)",
				    gomem_strerror(rc));
	r->rc = rc;
	return rc;
}

/* ---- numbers -------------------------------------------------------------- */

static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Hex digit value + 1, 0 for anything else. */
static const uint8_t hexval[256] = {
	['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,
	['6'] = 7,  ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
	['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

enum { NUM_OK = 0, NUM_NONE = -1, NUM_OVERFLOW = -2 };

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* Decimal int64 at *PP, with an optional '-' when SIGN (strconv.ParseInt). */
static int parse_i64(const char **pp, const char *end, bool sign, int64_t *out)
{
	const char *p = *pp;
	bool neg = false;
	uint64_t v = 0, lim;

	if (sign && p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p == end || !is_digit(*p))
		return NUM_NONE;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; p < end && is_digit(*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (lim - d) / 10)
			return NUM_OVERFLOW;
		v = v * 10 + d;
	}
	/* -(v-1)-1 keeps INT64_MIN free of signed overflow. */
	*out = neg ? (v ? -(int64_t)(v - 1) - 1 : 0) : (int64_t)v;
	*pp = p;
	return NUM_OK;
}

static int parse_u64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p == end || !is_digit(*p))
		return NUM_NONE;
	for (; p < end && is_digit(*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return NUM_OVERFLOW;
		v = v * 10 + d;
	}
	*out = v;
	*pp = p;
	return NUM_OK;
}

/* Hex digits (no prefix) at *PP into a uint64. */
static int parse_hex(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p == end || hexval[(unsigned char)*p] == 0)
		return NUM_NONE;
	for (; p < end && hexval[(unsigned char)*p]; p++) {
		if (v >> 60)
			return NUM_OVERFLOW;
		v = v << 4 | (uint64_t)(hexval[(unsigned char)*p] - 1);
	}
	*out = v;
	*pp = p;
	return NUM_OK;
}

/* "0x" and hex digits, as pprof's hexNumberRE `0x[0-9a-f]+` finds them. */
static int parse_0x(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	int rc;

	if (end - p < 3 || p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return NUM_NONE;
	p += 2;
	rc = parse_hex(&p, end, out);
	if (rc == NUM_OK)
		*pp = p;
	return rc;
}

/* ---- unsampling, bit for bit as Go computes it ---------------------------- */

static double from_bits(uint64_t b)
{
	double d;

	memcpy(&d, &b, sizeof(d));
	return d;
}

/* math.Exp as Go runs it on amd64 (exp_amd64.s, the FMA path every x86-64
 * since 2013 takes): the runtime that wrote the .pb.gz and the pprof that
 * reads the .txt both use it. glibc's exp() differs from it in the last bit
 * often enough to change a truncated count (2 in 2 million random records);
 * this port matched all 2 million. One operation per statement, so that no
 * compiler contracts a multiply-add the assembly does not fuse. */
static double go_exp(double x)
{
	static const double c[] = {
		2.4801587301587301587e-5, 1.9841269841269841270e-4, 1.3888888888888888889e-3,
		8.3333333333333333333e-3, 4.1666666666666666667e-2, 1.6666666666666666667e-1,
		0.5, 1.0,
	};
	const double ln2u = 0.69314718055966295651160180568695068359375;
	const double ln2l = 0.28235290563031577122588448175013436025525412068e-12;
	const double log2e = 1.4426950408889634073599246810018920;
	double t, fe, y;
	int32_t e, bx;

	if (isnan(x) || isinf(x))
		return x < 0 ? 0 : x;
	if (x > 7.09782712893384e+02)
		return INFINITY;
	t = log2e * x;
	/* CVTSD2SL: round to nearest, 0x80000000 when out of range. */
	e = (t > -2147483648.5 && t < 2147483647.5) ? (int32_t)lrint(t) : INT32_MIN;
	fe = (double)e;
	x = fma(-fe, ln2u, x);
	x = fma(-fe, ln2l, x);
	x = x * 0.0625;
	y = c[0];
	for (size_t i = 1; i < GOMEM_ARRAY_SIZE(c); i++)
		y = fma(y, x, c[i]);
	x = x * y;
	for (int i = 0; i < 3; i++) {
		y = x + 2.0;
		x = x * y;
	}
	y = x + 2.0;
	x = fma(y, x, 1.0);
	bx = e + 0x3ff;
	if (bx >= 0x7ff)
		return INFINITY;
	if (bx <= 0) {
		if (bx < -52)
			return 0;
		bx += 0x3fe;
		x = x * from_bits((uint64_t)bx << 52);
		bx = 1;
	}
	return x * from_bits((uint64_t)bx << 52);
}

/* Go's int64(f) on amd64 (CVTTSD2SQ): truncation, and 0x8000000000000000 for
 * NaN or anything out of range — C leaves that undefined. */
static int64_t go_int64(double f)
{
	if (f >= -9223372036854775808.0 && f < 9223372036854775808.0)
		return (int64_t)f;
	return INT64_MIN;
}

/* pprof's scaleHeapSample (legacy_profile.go), also the runtime's
 * (runtime/pprof/protomem.go): the count and size of one pair, unsampled. */
static void scale_heap_sample(int64_t *count, int64_t *size, int64_t rate)
{
	double avg, scale;

	if (*count == 0 || *size == 0) {
		*count = *size = 0;
		return;
	}
	if (rate <= 1)
		return;
	avg = (double)*size / (double)*count;
	scale = 1 / (1 - go_exp(-avg / (double)rate));
	*count = go_int64((double)*count * scale);
	*size = go_int64((double)*size * scale);
}

void gomem_heapprof_unsample(int64_t *count, int64_t *size, int64_t rate)
{
	scale_heap_sample(count, size, rate);
}

/* Go's integer division, which wraps INT64_MIN / -1 instead of trapping. */
static int64_t go_div(int64_t a, int64_t b)
{
	if (b == -1)
		return (int64_t)(0 - (uint64_t)a);
	return a / b;
}

/* ---- locations and functions ---------------------------------------------- */

static inline size_t addr_hash(uint64_t a, size_t mask)
{
	return (size_t)((a * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & mask;
}

static int amap_grow(gomem_heapprof_reader *r)
{
	size_t ncap = r->amap_cap ? r->amap_cap * 2 : 4096;
	struct addr_slot *n = calloc(ncap, sizeof(*n));

	if (n == NULL)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < r->amap_cap; i++) {
		size_t j;

		if (r->amap[i].pc1 == 0)
			continue;
		j = addr_hash(r->amap[i].addr, ncap - 1);
		while (n[j].pc1)
			j = (j + 1) & (ncap - 1);
		n[j] = r->amap[i];
	}
	free(r->amap);
	r->amap = n;
	r->amap_cap = ncap;
	return GOMEM_OK;
}

/* The PC at ADDR (a location address), added unnamed if new. */
static int pc_at(gomem_heapprof_reader *r, uint64_t addr, uint32_t *out)
{
	size_t mask, i;
	int rc;

	if (r->npcs * 2 >= r->amap_cap && (rc = amap_grow(r)) != GOMEM_OK)
		return rc;
	mask = r->amap_cap - 1;
	for (i = addr_hash(addr, mask); r->amap[i].pc1; i = (i + 1) & mask) {
		if (r->amap[i].addr == addr) {
			*out = r->amap[i].pc1 - 1;
			return GOMEM_OK;
		}
	}
	rc = GOMEM_GROW(r->pcs, r->pcs_cap, r->npcs + 1, GOMEM_PROFILE_MAX_ITEMS);
	if (rc)
		return rc;
	r->pcs[r->npcs] = (struct pcinfo){0, 0, GOMEM_NONE, false};
	r->amap[i].addr = addr;
	r->amap[i].pc1 = (uint32_t)r->npcs + 1;
	*out = (uint32_t)r->npcs++;
	return GOMEM_OK;
}

static inline size_t func_hash(uint32_t name, uint32_t file, size_t mask)
{
	return (size_t)((((uint64_t)name << 32 | file) * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & mask;
}

static int fmap_grow(gomem_heapprof_reader *r)
{
	size_t ncap = r->fmap_cap ? r->fmap_cap * 2 : 1024;
	struct func_slot *n = calloc(ncap, sizeof(*n));

	if (n == NULL)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < r->fmap_cap; i++) {
		size_t j;

		if (r->fmap[i].fn1 == 0)
			continue;
		j = func_hash(r->fmap[i].name, r->fmap[i].file, ncap - 1);
		while (n[j].fn1)
			j = (j + 1) & (ncap - 1);
		n[j] = r->fmap[i];
	}
	free(r->fmap);
	r->fmap = n;
	r->fmap_cap = ncap;
	return GOMEM_OK;
}

/* The function (NAME, FILE), as Go's proto writer makes them: one per
 * distinct pair, system_name equal to name. */
static int function_for(gomem_heapprof_reader *r, const char *name, size_t nlen, const char *file,
			size_t flen, uint32_t *out)
{
	gomem_profile *p = r->p;
	struct gomem_function *fn;
	uint32_t nid, fid;
	size_t mask, i;
	int rc;

	if ((rc = gomem_strpool_intern(&p->strings, name, nlen, &nid)) != GOMEM_OK ||
	    (rc = gomem_strpool_intern(&p->strings, file, flen, &fid)) != GOMEM_OK)
		return rc;
	if (r->fmap_count * 2 >= r->fmap_cap && (rc = fmap_grow(r)) != GOMEM_OK)
		return rc;
	mask = r->fmap_cap - 1;
	for (i = func_hash(nid, fid, mask); r->fmap[i].fn1; i = (i + 1) & mask) {
		if (r->fmap[i].name == nid && r->fmap[i].file == fid) {
			*out = r->fmap[i].fn1 - 1;
			return GOMEM_OK;
		}
	}
	rc = GOMEM_GROW(p->functions, p->functions_cap, p->nfunctions + 1, GOMEM_PROFILE_MAX_ITEMS);
	if (rc)
		return rc;
	fn = &p->functions[p->nfunctions];
	memset(fn, 0, sizeof(*fn));
	fn->id = p->nfunctions + 1;
	fn->name = fn->system_name = nid;
	fn->filename = fid;
	r->fmap[i] = (struct func_slot){nid, fid, (uint32_t)p->nfunctions + 1};
	r->fmap_count++;
	*out = (uint32_t)p->nfunctions++;
	return GOMEM_OK;
}

/* ---- the header ----------------------------------------------------------- */

static int add_types(gomem_heapprof_reader *r)
{
	static const char *const names[][2] = {
		{"alloc_objects", "count"},
		{"alloc_space", "bytes"},
		{"inuse_objects", "count"},
		{"inuse_space", "bytes"},
	};
	uint32_t t, u;
	int rc;

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(names); i++) {
		if ((rc = gomem_profile_intern(r->p, names[i][0], &t)) != GOMEM_OK ||
		    (rc = gomem_profile_intern(r->p, names[i][1], &u)) != GOMEM_OK ||
		    (rc = gomem_profile_add_sample_type(r->p, t, u)) != GOMEM_OK)
			return rc;
	}
	if ((rc = gomem_profile_intern(r->p, "space", &r->p->period_type.type)) != GOMEM_OK ||
	    (rc = gomem_profile_intern(r->p, "bytes", &r->p->period_type.unit)) != GOMEM_OK)
		return rc;
	r->s_bytes = r->p->period_type.unit;
	if (!r->has_alloc) {
		uint32_t id;

		rc = gomem_profile_intern(r->p, "gomem: legacy heap profile without separate allocation counts "
			       "(pprof reads it as [objects, space]); alloc_* equal inuse_*", &id);
		if (rc == GOMEM_OK)
			rc = GOMEM_GROW(r->p->comments, r->p->comments_cap, r->p->ncomments + 1,
					GOMEM_PROFILE_MAX_ITEMS);
		if (rc)
			return rc;
		r->p->comments[r->p->ncomments++] = id;
	}
	return GOMEM_OK;
}

static bool has_prefix(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

static bool contains(const char *p, const char *end, const char *lit)
{
	for (; p < end; p++)
		if (*p == *lit && has_prefix(p, end, lit))
			return true;
	return false;
}

/* Messages for the four numbers of "N: B [N: B]", header and records alike. */
static const char *const count_what[4] = {
	"expected in-use object count",
	"expected in-use byte count",
	"expected allocation object count",
	"expected allocation byte count",
};
static const char *const count_after[4] = {
	"expected ':' after object count",
	"expected '[' after byte count",
	"expected ':' after allocation object count",
	"expected ']' after allocation byte count",
};
static const char count_sep[4] = {':', '[', ':', ']'};

/* "N: B [N: B]" at *PP into v[0..3] = in-use count, size, alloc count, size.
 * SIGN allows a '-' on the in-use pair, as pprof's sample regexp does. */
static int parse_counts(gomem_heapprof_reader *r, const char *line, const char **pp,
			const char *end, bool sign, int64_t v[4], const char *at[4])
{
	const char *p = *pp;

	for (int i = 0; i < 4; i++) {
		int rc;

		p = skip_spaces(p, end);
		at[i] = p;
		rc = parse_i64(&p, end, sign && i < 2, &v[i]);
		if (rc == NUM_OVERFLOW)
			return fail_at(r, GOMEM_E_FORMAT, line, at[i], "number overflows int64");
		if (rc != NUM_OK)
			return fail_at(r, GOMEM_E_FORMAT, line, at[i], "%s", count_what[i]);
		if (i == 1 || i == 3)
			p = skip_spaces(p, end);
		if (p == end || *p != count_sep[i])
			return fail_at(r, GOMEM_E_FORMAT, line, p, "%s", count_after[i]);
		p++;
	}
	*pp = p;
	return GOMEM_OK;
}

struct kind {
	const char *name;
	bool v2;      /* scaled with scaleHeapSample */
	int divisor;  /* period = rate / divisor; 0: period 1 */
	bool counts;  /* hasAlloc is computed (pprof skips it for growth/fragmentation) */
};

/* pprof's parseHeapHeader and the growthz/fragmentationz headers. */
static const struct kind kinds[] = {
	{"heap", true, 2, true}, /* Go writes 2 * MemProfileRate */
	{"heap_v2", true, 1, true},
	{"heapz_v2", true, 1, true},
	{"heapprofile", false, 0, true},
	{"growthz", false, 0, false},
	{"growth", false, 0, false},
	{"fragmentationz", false, 0, false},
	{"fragmentation", false, 0, false},
};

static int refuse_header(gomem_heapprof_reader *r, const char *line, const char *p,
			 const char *end)
{
	if (has_prefix(p, end, "--- heapz") || has_prefix(p, end, "--- heap "))
		return fail_at(r, GOMEM_E_UNSUPPORTED, line, p,
			       "Java heap profile ('--- heapz') is not supported");
	if (p < end && (is_digit(*p) || *p == '-') && memchr(p, '@', (size_t)(end - p)))
		return fail_at(r, GOMEM_E_FORMAT, line, p,
			       "record before the 'heap profile:' header");
	return fail_at(r, GOMEM_E_FORMAT, line, p, "expected 'heap profile:' header");
}

static int parse_header(gomem_heapprof_reader *r, const char *line, size_t len)
{
	const char *end = line + len, *p = skip_blanks(line, end), *word, *at[4];
	const struct kind *k = NULL;
	int64_t v[4], rate = 0;
	int rc;

	if (!has_prefix(p, end, "heap profile:"))
		return refuse_header(r, line, p, end);
	p += strlen("heap profile:");
	if ((rc = parse_counts(r, line, &p, end, false, v, at)) != GOMEM_OK)
		return rc;
	p = skip_spaces(p, end);
	if (p == end || *p != '@')
		return fail_at(r, GOMEM_E_FORMAT, line, p, "expected '@' before the profile kind");
	p = skip_spaces(p + 1, end);
	for (word = p; p < end && (*p == '_' || is_digit(*p) || (*p >= 'a' && *p <= 'z')); p++)
		;
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(kinds) && k == NULL; i++)
		if ((size_t)(p - word) == strlen(kinds[i].name) &&
		    memcmp(word, kinds[i].name, (size_t)(p - word)) == 0)
			k = &kinds[i];
	if (k == NULL)
		return fail_at(r, GOMEM_E_FORMAT, line, word, "unknown heap profile kind '%.*s'",
			       (int)(p - word), word);
	/* "/RATE", both optional as in pprof's header regexp. */
	if (p < end && *p == '/')
		p++;
	word = p;
	if (parse_i64(&p, end, false, &rate) == NUM_OVERFLOW)
		return fail_at(r, GOMEM_E_FORMAT, line, word, "sampling rate overflows int64");
	p = skip_blanks(p, end);
	if (p != end)
		return fail_at(r, GOMEM_E_FORMAT, line, p, "unexpected text after the header");
	r->v2 = k->v2;
	r->p->period = k->divisor ? rate / k->divisor : 1;
	r->has_alloc = k->counts && ((v[2] != v[0] && v[2] != 0) || (v[3] != v[1] && v[3] != 0));
	if ((rc = add_types(r)) != GOMEM_OK)
		return fail_nomem(r, rc);
	return GOMEM_OK;
}

/* ---- records -------------------------------------------------------------- */

static const struct symbol *first_sym(const gomem_heapprof_reader *r, const struct frame *f)
{
	const struct pcinfo *pc = &r->pcs[f->pc];

	return pc->nsyms ? &r->syms[pc->sym_off] : NULL;
}

static const struct symbol *last_sym(const gomem_heapprof_reader *r, const struct frame *f)
{
	const struct pcinfo *pc = &r->pcs[f->pc];

	return pc->nsyms ? &r->syms[pc->sym_off + pc->nsyms - 1] : NULL;
}

/* Marks the frames that are a physical function rather than a call inlined
 * into one. Go prints a frame per inlined call, each with its own (fake)
 * PC; a run of frames sharing a function entry ends with the physical
 * function, which names every physical frame of the run. */
static void mark_physical(gomem_heapprof_reader *r, size_t n)
{
	for (size_t i = n; i-- > 0;) {
		struct frame *f = &r->frames[i];
		const struct symbol *s = last_sym(r, f), *next;

		f->run_name = s ? s->name : 0;
		if (s && s->entry && i + 1 < n && (next = first_sym(r, &r->frames[i + 1])) != NULL &&
		    next->entry == s->entry)
			f->run_name = r->frames[i + 1].run_name;
		f->physical = s && s->name == f->run_name;
	}
}

/* Whether frame B belongs to the location of frame A, as the proto
 * writer's pcDeck.tryAdd decides: A is a call inlined into the function B
 * is in (same entry), and B is not A again (recursion). */
static bool same_location(const gomem_heapprof_reader *r, const struct frame *a,
			  const struct frame *b)
{
	const struct symbol *la = last_sym(r, a), *fb = first_sym(r, b);

	return la && fb && la->entry != 0 && la->entry == fb->entry && !a->physical &&
	       la->name != fb->name;
}

/* The location for frames[i..j): one per first PC, as the proto writer
 * caches them, with a line per symbol, innermost first. */
static int group_location(gomem_heapprof_reader *r, size_t i, size_t j, uint32_t *out)
{
	gomem_profile *p = r->p;
	struct pcinfo *pc = &r->pcs[r->frames[i].pc];
	struct gomem_location *loc;
	size_t nlines = 0;
	int rc;

	for (size_t k = i; k < j; k++)
		nlines += r->pcs[r->frames[k].pc].nsyms;
	if (pc->loc != GOMEM_NONE && (p->locations[pc->loc].nlines > 0 || nlines == 0)) {
		*out = pc->loc;
		return GOMEM_OK;
	}
	if ((rc = GOMEM_GROW(p->lines, p->lines_cap, p->nlines + nlines,
			     GOMEM_PROFILE_MAX_ITEMS)) != GOMEM_OK)
		return rc;
	if (pc->loc == GOMEM_NONE) {
		rc = GOMEM_GROW(p->locations, p->locations_cap, p->nlocations + 1,
				GOMEM_PROFILE_MAX_ITEMS);
		if (rc)
			return rc;
		loc = &p->locations[p->nlocations];
		memset(loc, 0, sizeof(*loc));
		loc->id = p->nlocations + 1;
		loc->address = r->frames[i].addr - 1;
		pc->loc = (uint32_t)p->nlocations++;
	}
	/* New, or an address-only location (an unsymbolized record met it
	 * first) that now gets its lines. */
	loc = &p->locations[pc->loc];
	loc->line_off = (uint32_t)p->nlines;
	loc->nlines = (uint32_t)nlines;
	for (size_t k = i; k < j; k++) {
		const struct pcinfo *f = &r->pcs[r->frames[k].pc];

		for (uint32_t m = 0; m < f->nsyms; m++) {
			const struct symbol *s = &r->syms[f->sym_off + m];
			struct gomem_line *ln = &p->lines[p->nlines++];

			ln->function = (uint64_t)s->fn + 1; /* a function id until resolve */
			ln->line = s->line;
			ln->column = 0;
		}
	}
	*out = pc->loc;
	return GOMEM_OK;
}

/* The record's locations, leaf first. A record with '#' lines keeps the
 * frames they name (the runtime hid the others, and the proto form drops
 * them too); one without keeps every address. */
static int record_locations(gomem_heapprof_reader *r, uint32_t *n)
{
	gomem_profile *p = r->p;
	size_t k = 0;
	int rc;

	for (size_t i = 0; i < r->nframes; i++) {
		struct frame *f = &r->frames[i];

		if (r->rec_named && !f->named)
			continue;
		if (f->pc == GOMEM_NONE && (rc = pc_at(r, f->addr - 1, &f->pc)) != GOMEM_OK)
			return rc;
		r->frames[k++] = *f;
	}
	mark_physical(r, k);
	for (size_t i = 0, j; i < k; i = j) {
		uint32_t loc;

		for (j = i + 1; j < k && same_location(r, &r->frames[j - 1], &r->frames[j]); j++)
			;
		if ((rc = group_location(r, i, j, &loc)) != GOMEM_OK)
			return rc;
		p->sample_locs[p->nsample_locs + (*n)++] = (uint64_t)loc + 1;
	}
	return GOMEM_OK;
}

static int end_record(gomem_heapprof_reader *r)
{
	gomem_profile *p = r->p;
	struct gomem_sample *s;
	uint32_t n = 0;
	int rc;

	if (!r->in_record)
		return GOMEM_OK;
	r->in_record = false;
	if ((rc = GOMEM_GROW(p->samples, p->samples_cap, p->nsamples + 1,
			     GOMEM_PROFILE_MAX_ITEMS)) != GOMEM_OK ||
	    (rc = GOMEM_GROW(p->sample_locs, p->sample_locs_cap, p->nsample_locs + r->nframes,
			     GOMEM_PROFILE_MAX_ITEMS)) != GOMEM_OK ||
	    (rc = GOMEM_GROW(p->values, p->values_cap, p->nvalues + 4,
			     GOMEM_PROFILE_MAX_ITEMS * 4)) != GOMEM_OK ||
	    (rc = GOMEM_GROW(p->labels, p->labels_cap, p->nlabels + 1,
			     GOMEM_PROFILE_MAX_ITEMS)) != GOMEM_OK ||
	    (rc = record_locations(r, &n)) != GOMEM_OK)
		return fail_nomem(r, rc);
	s = &p->samples[p->nsamples++];
	memset(s, 0, sizeof(*s));
	s->loc_off = p->nsample_locs;
	s->nlocs = n;
	p->nsample_locs += n;
	s->value_off = p->nvalues;
	s->nvalues = 4;
	memcpy(p->values + p->nvalues, r->values, sizeof(r->values));
	p->nvalues += 4;
	s->label_off = (uint32_t)p->nlabels;
	if (r->has_blocksize) {
		struct gomem_label *l = &p->labels[p->nlabels++];

		memset(l, 0, sizeof(*l));
		l->key = r->s_bytes;
		l->num = r->blocksize;
		s->nlabels = 1;
	}
	return GOMEM_OK;
}

/* The values of one record, as pprof's parseHeapSample computes them, laid
 * out as the four sample types. The "bytes" label is the object size from
 * the last pair pprof looks at with a nonzero count (in-use, else
 * allocation); with no such pair there is no label, as in the runtime's
 * proto, which writes it only when the bucket allocated anything. */
static int record_values(gomem_heapprof_reader *r, const char *line, const char *const at[4],
			 const int64_t v[4])
{
	static const char *const what[2] = {"inuse", "allocation"};
	int64_t rate = r->p->period;

	r->has_blocksize = false;
	for (int pair = r->has_alloc ? 1 : 0; pair >= 0; pair--) {
		int64_t count = v[2 * pair], size = v[2 * pair + 1];

		if (count == 0 && size != 0)
			return fail_at(r, GOMEM_E_FORMAT, line, at[2 * pair], "%s count is 0 but size is %lld",
				       what[pair], (long long)size);
		if (count != 0) {
			r->blocksize = go_div(size, count);
			r->has_blocksize = true;
			if (r->v2)
				scale_heap_sample(&count, &size, rate);
		}
		/* values[] is [alloc_objects, alloc_space, inuse_objects, inuse_space] */
		r->values[pair ? 0 : 2] = count;
		r->values[pair ? 1 : 3] = size;
	}
	if (!r->has_alloc) {
		r->values[0] = r->values[2];
		r->values[1] = r->values[3];
	}
	return GOMEM_OK;
}

/* The addresses after '@', into frames. */
static int parse_stack(gomem_heapprof_reader *r, const char *line, const char *p, const char *end)
{
	r->nframes = 0;
	for (;;) {
		const char *at;
		uint64_t addr;
		int rc;

		p = skip_blanks(p, end);
		if (p == end)
			return GOMEM_OK;
		at = p;
		rc = parse_0x(&p, end, &addr);
		if (rc == NUM_OVERFLOW)
			return fail_at(r, GOMEM_E_FORMAT, line, at, "address overflows 64 bits");
		if (rc != NUM_OK || (p < end && !is_blank(*p)))
			return fail_at(r, GOMEM_E_FORMAT, line, rc ? at : p,
				       "expected a hex address (0x...)");
		if (r->nframes == r->frames_cap &&
		    (rc = GOMEM_GROW(r->frames, r->frames_cap, r->nframes + 1, MAX_FRAMES)) != 0)
			return fail_nomem(r, rc);
		r->frames[r->nframes++] = (struct frame){addr, GOMEM_NONE, false, false, 0};
	}
}

/* "N: B [N: B] @ 0x... 0x...": ends the previous record, starts this one. */
static int parse_record(gomem_heapprof_reader *r, const char *line, const char *p,
			const char *end)
{
	const char *at[4];
	int64_t v[4];
	int rc;

	if ((rc = end_record(r)) != GOMEM_OK ||
	    (rc = parse_counts(r, line, &p, end, true, v, at)) != GOMEM_OK ||
	    (rc = record_values(r, line, at, v)) != GOMEM_OK)
		return rc;
	p = skip_spaces(p, end);
	if (p == end || *p != '@')
		return fail_at(r, GOMEM_E_FORMAT, line, p, "expected '@' before the stack");
	if ((rc = parse_stack(r, line, p + 1, end)) != GOMEM_OK)
		return rc;
	r->in_record = true;
	r->rec_named = false;
	r->cur_valid = false;
	r->left = 0;
	r->fill = GOMEM_NONE;
	return GOMEM_OK;
}

/* ---- symbol lines: "#\t0xPC\tfunc+0xOFF\t\tfile:line" ---------------------- */

/* The function name of a '#' line's middle field, without "+0xOFF" (the
 * offset from the physical function's entry, returned in *off). */
static const char *strip_offset(const char *name, const char *field_end, uint64_t *off)
{
	const char *q = field_end, *h;

	*off = 0;
	while (q > name && hexval[(unsigned char)q[-1]])
		q--;
	if (q - name < 4 || q == field_end || q[-1] != 'x' || q[-2] != '0' || q[-3] != '+')
		return field_end;
	h = q;
	if (parse_hex(&h, field_end, off) != NUM_OK)
		*off = 0;
	return q - 3;
}

/* Reads what follows the PC of a '#' line: a function and file:line, or
 * nothing for a frame without a name (*named false). Separators are runs
 * of tabs: Go aligns the columns with a tabwriter. */
static int parse_symbol(gomem_heapprof_reader *r, const char *line, const char *p,
			const char *end, uint64_t pc, struct symbol *sym, bool *named)
{
	const char *name, *name_end, *field_end, *file, *colon, *q;
	uint64_t off;
	int rc;

	*named = false;
	p = skip_blanks(p, end);
	while (end > p && is_blank(end[-1]))
		end--;
	if (p == end)
		return GOMEM_OK;
	name = p;
	field_end = memchr(p, '\t', (size_t)(end - p));
	if (field_end == NULL)
		return fail_at(r, GOMEM_E_FORMAT, line, end,
			       "expected a tab and file:line after the function name");
	name_end = strip_offset(name, field_end, &off);
	file = skip_blanks(field_end, end);
	for (colon = end; colon > file && colon[-1] != ':'; colon--)
		;
	if (colon <= file + 1)
		return fail_at(r, GOMEM_E_FORMAT, line, file, "expected file:line after the function name");
	q = colon;
	if (parse_i64(&q, end, false, &sym->line) != NUM_OK || q != end)
		return fail_at(r, GOMEM_E_FORMAT, line, colon, "expected a line number after ':'");
	rc = function_for(r, name, (size_t)(name_end - name), file, (size_t)(colon - 1 - file),
			  &sym->fn);
	if (rc)
		return fail_nomem(r, rc);
	sym->name = r->p->functions[sym->fn].name;
	sym->entry = name_end != field_end && off <= pc ? pc - off : 0;
	*named = true;
	return GOMEM_OK;
}

static int add_sym(gomem_heapprof_reader *r, uint32_t pc, const struct symbol *sym)
{
	int rc = GOMEM_GROW(r->syms, r->syms_cap, r->nsyms + 1, GOMEM_PROFILE_MAX_ITEMS);

	if (rc)
		return fail_nomem(r, rc);
	r->syms[r->nsyms++] = *sym;
	r->pcs[pc].nsyms++;
	return GOMEM_OK;
}

static bool frame_is(const struct frame *f, uint64_t pc)
{
	/* CallersFrames reports PC-1 for a return address, the PC itself when it
	 * is a function's entry. */
	return pc == f->addr - 1 || pc == f->addr;
}

/* Another '#' line for the PC whose symbols are being read: a further
 * inlined call at that PC (older writers), or — when it repeats the first —
 * the next frame of a recursion through one call site. Returns 1 when the
 * line was taken, 0 when it starts a frame, or an error. */
static int continue_fill(gomem_heapprof_reader *r, const char *line, const char *p,
			 const char *end, uint64_t pc)
{
	const struct symbol *first = &r->syms[r->pcs[r->fill].sym_off];
	struct symbol sym;
	bool named;
	int rc = parse_symbol(r, line, p, end, pc, &sym, &named);

	if (rc)
		return rc;
	if (!named)
		return 1;
	if (sym.fn != first->fn || sym.line != first->line) {
		rc = add_sym(r, r->fill, &sym);
		return rc ? rc : 1;
	}
	r->fill = GOMEM_NONE;
	return 0;
}

/* The frame a '#' line starts: the next one in the stack with its PC. */
static bool next_frame(const gomem_heapprof_reader *r, uint64_t pc, size_t *out)
{
	size_t end = r->nframes;

	if (r->cur_valid && end - r->cur > MAX_FRAME_GAP)
		end = r->cur + MAX_FRAME_GAP;
	for (size_t j = r->cur_valid ? r->cur + 1 : 0; j < end; j++) {
		if (frame_is(&r->frames[j], pc)) {
			*out = j;
			return true;
		}
	}
	return false;
}

/* Ties a '#' line to its frame. Symbols are parsed the first time a PC is
 * seen only: the same PC always has the same symbols, and the repeats are
 * most of an 80 MB file. */
static int on_symbol(gomem_heapprof_reader *r, const char *line, const char *p, const char *end)
{
	const char *at = p;
	struct symbol sym;
	struct pcinfo *info;
	uint32_t idx;
	uint64_t pc;
	bool named;
	size_t j;
	int rc = parse_0x(&p, end, &pc);

	if (rc == NUM_OVERFLOW)
		return fail_at(r, GOMEM_E_FORMAT, line, at, "address overflows 64 bits");
	if (rc != NUM_OK || (p < end && !is_blank(*p)))
		return fail_at(r, GOMEM_E_FORMAT, line, rc ? at + 2 : p,
			       "expected hex digits and a tab after '0x'");
	if (!r->in_record)
		return fail_at(r, GOMEM_E_FORMAT, line, line, "symbol line outside a record");
	r->rec_named = true;
	if (r->fill != GOMEM_NONE && frame_is(&r->frames[r->cur], pc)) {
		rc = continue_fill(r, line, p, end, pc);
		if (rc)
			return rc < 0 ? rc : GOMEM_OK;
	}
	r->fill = GOMEM_NONE;
	if (r->cur_valid && r->left > 0 && frame_is(&r->frames[r->cur], pc)) {
		r->left--;
		return GOMEM_OK;
	}
	if (!next_frame(r, pc, &j)) {
		/* More inlined calls at this PC than its first sighting showed
		 * (the runtime hid some at a leaf): nothing new to learn. */
		if (r->cur_valid && frame_is(&r->frames[r->cur], pc))
			return GOMEM_OK;
		return fail_at(r, GOMEM_E_FORMAT, line, at,
			       "symbol line for 0x%llx does not match the record's stack",
			       (unsigned long long)pc);
	}
	r->cur = j;
	r->cur_valid = true;
	r->left = 0;
	r->frames[j].named = true;
	if ((rc = pc_at(r, r->frames[j].addr - 1, &idx)) != GOMEM_OK)
		return fail_nomem(r, rc);
	r->frames[j].pc = idx;
	info = &r->pcs[idx];
	if (info->named) {
		r->left = info->nsyms > 1 ? info->nsyms - 1 : 0;
		return GOMEM_OK;
	}
	info->named = true;
	info->sym_off = (uint32_t)r->nsyms;
	info->nsyms = 0;
	if ((rc = parse_symbol(r, line, p, end, pc, &sym, &named)) != GOMEM_OK || !named)
		return rc;
	r->fill = idx;
	return add_sym(r, idx, &sym);
}

/* ---- the "# runtime.MemStats" trailer ------------------------------------- */

enum ms_kind { MS_U64, MS_U32, MS_PAIR, MS_SUM, MS_LIST, MS_FLOAT, MS_BOOL };

#define MS(name, kind, a, b) {name, kind, offsetof(gomem_memstats, a), offsetof(gomem_memstats, b)}

/* Every line writeHeapInternal prints (Go 1.19 to 1.23), in its order. */
static const struct memstat_field {
	const char *name;
	enum ms_kind kind;
	size_t off, off2;
} memstat_fields[] = {
	MS("Alloc", MS_U64, alloc, alloc),
	MS("TotalAlloc", MS_U64, total_alloc, total_alloc),
	MS("Sys", MS_U64, sys, sys),
	MS("Lookups", MS_U64, lookups, lookups),
	MS("Mallocs", MS_U64, mallocs, mallocs),
	MS("Frees", MS_U64, frees, frees),
	MS("HeapAlloc", MS_U64, heap_alloc, heap_alloc),
	MS("HeapSys", MS_U64, heap_sys, heap_sys),
	MS("HeapIdle", MS_U64, heap_idle, heap_idle),
	MS("HeapInuse", MS_U64, heap_inuse, heap_inuse),
	MS("HeapReleased", MS_U64, heap_released, heap_released),
	MS("HeapObjects", MS_U64, heap_objects, heap_objects),
	MS("Stack", MS_PAIR, stack_inuse, stack_sys),
	MS("MSpan", MS_PAIR, mspan_inuse, mspan_sys),
	MS("MCache", MS_PAIR, mcache_inuse, mcache_sys),
	MS("BuckHashSys", MS_U64, buck_hash_sys, buck_hash_sys),
	MS("GCSys", MS_U64, gc_sys, gc_sys),
	MS("OtherSys", MS_U64, other_sys, other_sys),
	MS("NextGC", MS_U64, next_gc, next_gc),
	MS("LastGC", MS_U64, last_gc, last_gc),
	MS("PauseNs", MS_SUM, pause_total_ns, pause_ns),
	MS("PauseEnd", MS_LIST, pause_end, pause_end),
	MS("NumGC", MS_U32, num_gc, num_gc),
	MS("NumForcedGC", MS_U32, num_forced_gc, num_forced_gc),
	MS("GCCPUFraction", MS_FLOAT, gc_cpu_fraction, gc_cpu_fraction),
	MS("DebugGC", MS_BOOL, debug_gc, debug_gc),
	MS("MaxRSS", MS_U64, max_rss, max_rss),
};

#undef MS

/* A float as Go's %v prints it ("0.0604", "1e-05"), without strtod: strtod
 * follows LC_NUMERIC, and a frontend may have set a locale where the
 * decimal point is ','. Exact for up to 19 significant digits (Go prints at
 * most 17); the one rounding is done in long double. */
static int parse_float(const char **pp, const char *end, double *out)
{
	const char *p = *pp;
	uint64_t mant = 0;
	int exp10 = 0, digits = 0;
	bool any = false;
	long double v;

	for (; p < end && is_digit(*p); p++, any = true) {
		if (digits < 19) {
			mant = mant * 10 + (uint64_t)(*p - '0');
			digits += mant != 0;
		} else {
			exp10++;
		}
	}
	if (p < end && *p == '.') {
		for (p++; p < end && is_digit(*p); p++, any = true) {
			if (digits < 19) {
				mant = mant * 10 + (uint64_t)(*p - '0');
				digits += mant != 0;
				exp10--;
			}
		}
	}
	if (!any)
		return NUM_NONE;
	if (p < end && (*p == 'e' || *p == 'E')) {
		const char *q = p + 1;
		int64_t e;

		if (q < end && *q == '+')
			q++;
		if (parse_i64(&q, end, q == p + 1, &e) != NUM_OK)
			return NUM_NONE;
		exp10 += e > 400 ? 400 : e < -400 ? -400 : (int)e;
		p = q;
	}
	v = (long double)mant;
	for (; exp10 > 0; exp10--)
		v *= 10;
	for (; exp10 < 0; exp10++)
		v /= 10;
	*out = (double)v;
	*pp = p;
	return NUM_OK;
}

/* "[N N ...]" (Go's %d of an array): summed (the sum saturates), and the
 * first 256 values kept in RING. */
static int parse_list(gomem_heapprof_reader *r, const char *line, const char **pp,
		      const char *end, uint64_t *sum, uint64_t ring[256])
{
	const char *p = *pp, *at;
	uint64_t v;
	size_t n = 0;

	*sum = 0;
	if (p == end || *p != '[')
		return fail_at(r, GOMEM_E_FORMAT, line, p, "expected '[' before the list");
	for (p = skip_blanks(p + 1, end); p < end && *p != ']'; p = skip_blanks(p, end)) {
		at = p;
		if (parse_u64(&p, end, &v) != NUM_OK)
			return fail_at(r, GOMEM_E_FORMAT, line, at, "expected a number in the list");
		*sum = *sum > UINT64_MAX - v ? UINT64_MAX : *sum + v;
		if (n < 256)
			ring[n++] = v;
	}
	if (p == end)
		return fail_at(r, GOMEM_E_FORMAT, line, p, "expected ']' after the list");
	*pp = p + 1;
	return GOMEM_OK;
}

static int memstat_value(gomem_heapprof_reader *r, const char *line, const char **pp,
			 const char *end, const struct memstat_field *f, gomem_memstats *ms)
{
	char *base = (char *)ms;
	const char *p = *pp, *at = p;
	uint64_t a = 0, b = 0;
	int rc;

	switch (f->kind) {
	case MS_U64:
	case MS_U32:
		rc = parse_u64(&p, end, &a);
		if (rc == NUM_OVERFLOW || (f->kind == MS_U32 && a > UINT32_MAX))
			return fail_at(r, GOMEM_E_FORMAT, line, at, "%s overflows", f->name);
		if (rc != NUM_OK)
			return fail_at(r, GOMEM_E_FORMAT, line, at, "expected a number after '='");
		if (f->kind == MS_U64) {
			memcpy(base + f->off, &a, sizeof(a));
		} else {
			uint32_t a32 = (uint32_t)a;

			memcpy(base + f->off, &a32, sizeof(a32));
		}
		break;
	case MS_PAIR:
		if (parse_u64(&p, end, &a) != NUM_OK)
			return fail_at(r, GOMEM_E_FORMAT, line, at, "expected 'inuse / sys'");
		p = skip_blanks(p, end);
		if (p == end || *p != '/')
			return fail_at(r, GOMEM_E_FORMAT, line, p, "expected '/' after the in-use size");
		p = skip_blanks(p + 1, end);
		at = p;
		if (parse_u64(&p, end, &b) != NUM_OK)
			return fail_at(r, GOMEM_E_FORMAT, line, at, "expected a number after '/'");
		memcpy(base + f->off, &a, sizeof(a));
		memcpy(base + f->off2, &b, sizeof(b));
		break;
	case MS_SUM:
	case MS_LIST:
		if ((rc = parse_list(r, line, &p, end, &a, (uint64_t *)(void *)(base + f->off2))) !=
		    GOMEM_OK)
			return rc;
		if (f->kind == MS_SUM)
			memcpy(base + f->off, &a, sizeof(a));
		break;
	case MS_FLOAT:
		if (parse_float(&p, end, &ms->gc_cpu_fraction) != NUM_OK)
			return fail_at(r, GOMEM_E_FORMAT, line, at, "expected a number after '='");
		break;
	case MS_BOOL:
		if (has_prefix(p, end, "true") || has_prefix(p, end, "false")) {
			ms->debug_gc = *p == 't';
			p += *p == 't' ? 4 : 5;
		} else {
			return fail_at(r, GOMEM_E_FORMAT, line, at, "expected true or false");
		}
		break;
	}
	*pp = p;
	return GOMEM_OK;
}

/* "# Name = value" after "# runtime.MemStats"; other comments are skipped. */
static int on_memstat(gomem_heapprof_reader *r, const char *line, const char *p, const char *end)
{
	const char *name = p;
	size_t nlen;
	int rc;

	while (p < end && !is_blank(*p) && *p != '=')
		p++;
	nlen = (size_t)(p - name);
	p = skip_blanks(p, end);
	if (p == end || *p != '=')
		return GOMEM_OK;
	p = skip_blanks(p + 1, end);
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(memstat_fields); i++) {
		const struct memstat_field *f = &memstat_fields[i];

		if (strlen(f->name) != nlen || memcmp(f->name, name, nlen) != 0)
			continue;
		if ((rc = memstat_value(r, line, &p, end, f, r->p->memstats)) != GOMEM_OK)
			return rc;
		p = skip_blanks(p, end);
		if (p != end)
			return fail_at(r, GOMEM_E_FORMAT, line, p, "unexpected text after the value");
		r->p->memstats->fields_seen++;
		return GOMEM_OK;
	}
	return GOMEM_OK; /* a field a newer Go added */
}

/* Lines starting with '#': symbols of the current record, the MemStats
 * trailer, or comments pprof skips. */
static int on_comment(gomem_heapprof_reader *r, const char *line, const char *p, const char *end)
{
	const char *q = skip_blanks(p + 1, end);
	int rc;

	if (p + 1 < end && p[1] == '\t' && has_prefix(q, end, "0x"))
		return on_symbol(r, line, q, end);
	if (r->p->memstats != NULL)
		return on_memstat(r, line, q, end);
	if (has_prefix(q, end, "runtime.MemStats") && skip_blanks(q + 16, end) == end) {
		if ((rc = end_record(r)) != GOMEM_OK)
			return rc;
		r->p->memstats = calloc(1, sizeof(*r->p->memstats));
		if (r->p->memstats == NULL)
			return fail_nomem(r, GOMEM_E_NOMEM);
	}
	return GOMEM_OK;
}

/* ---- the memory map of C++ profiles ("--- Memory map: ---") --------------- */

static const char *token(const char **pp, const char *end, size_t *len)
{
	const char *p = skip_blanks(*pp, end), *t = p;

	while (p < end && !is_blank(*p))
		p++;
	*len = (size_t)(p - t);
	*pp = p;
	return t;
}

static bool all_of(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (strchr(set, s[i]) == NULL || s[i] == '\0')
			return false;
	return n > 0;
}

static bool hex_token(const char *s, size_t n, uint64_t *v)
{
	const char *p = s;

	return parse_hex(&p, s + n, v) == NUM_OK && p == s + n;
}

/* A "$name" of an earlier "name=value" line replaced by its value, as
 * pprof's parseProcMapsFromScanner does (here in the file name only). */
static int expand(gomem_heapprof_reader *r, const char *s, size_t n, uint32_t *id)
{
	gomem_buf b;
	int rc = GOMEM_OK;

	if (memchr(s, '$', n) == NULL)
		return gomem_strpool_intern(&r->p->strings, s, n, id);
	gomem_buf_init(&b, MAX_LINE);
	for (size_t i = 0; i < n && rc == GOMEM_OK;) {
		size_t k;

		for (k = 0; k < r->nattrs; k++)
			if (has_prefix(s + i, s + n, r->attrs[k].key))
				break;
		if (s[i] == '$' && k < r->nattrs) {
			rc = gomem_buf_append(&b, r->attrs[k].value, strlen(r->attrs[k].value));
			i += strlen(r->attrs[k].key);
		} else {
			rc = gomem_buf_append(&b, s + i, 1);
			i++;
		}
	}
	if (rc == GOMEM_OK)
		rc = gomem_strpool_intern(&r->p->strings, b.data ? b.data : "", b.len, id);
	gomem_buf_free(&b);
	return rc;
}

static int add_attr(gomem_heapprof_reader *r, const char *p, const char *end)
{
	const char *eq = memchr(p, '=', (size_t)(end - p)), *k = p, *ke = eq, *v;
	struct attr *a;

	if (eq == NULL || r->nattrs == MAX_ATTRS)
		return GOMEM_OK;
	while (ke > k && is_blank(ke[-1]))
		ke--;
	v = skip_blanks(eq + 1, end);
	while (end > v && is_blank(end[-1]))
		end--;
	a = &r->attrs[r->nattrs];
	a->key = malloc((size_t)(ke - k) + 2);
	a->value = malloc((size_t)(end - v) + 1);
	if (a->key == NULL || a->value == NULL) {
		free(a->key);
		free(a->value);
		return fail_nomem(r, GOMEM_E_NOMEM);
	}
	a->key[0] = '$';
	memcpy(a->key + 1, k, (size_t)(ke - k));
	a->key[ke - k + 1] = '\0';
	memcpy(a->value, v, (size_t)(end - v));
	a->value[end - v] = '\0';
	r->nattrs++;
	return GOMEM_OK;
}

/* One line of the memory map: "start-end[:] [perms] [offset dev inode] file"
 * (/proc/self/maps) or "start-end: file [(@offset)] [build-id]" (pprof's
 * brief form). Non-executable entries are skipped, as pprof does; lines
 * that are neither are ignored, "name=value" ones remembered. */
static int on_map_line(gomem_heapprof_reader *r, const char *line, size_t len)
{
	const char *end = line + len, *p = skip_blanks(line, end), *t;
	struct gomem_mapping m;
	uint64_t off = 0;
	size_t n;
	int rc;

	memset(&m, 0, sizeof(m));
	if (has_prefix(p, end, "0x"))
		p += 2;
	if (parse_hex(&p, end, &m.memory_start) != NUM_OK || p == end || (*p != '-' && !is_blank(*p)))
		return add_attr(r, skip_blanks(line, end), end);
	p = skip_blanks(p + 1, end);
	if (has_prefix(p, end, "0x"))
		p += 2;
	if (parse_hex(&p, end, &m.memory_limit) != NUM_OK)
		return add_attr(r, skip_blanks(line, end), end);
	if (p < end && *p == ':')
		p++;
	t = token(&p, end, &n);
	if (all_of(t, n, "-rwxp")) {
		if (memchr(t, 'x', n) == NULL)
			return GOMEM_OK; /* not executable */
		t = token(&p, end, &n);
	}
	if (hex_token(t, n, &off)) {
		const char *q = p;
		size_t dn, in;
		const char *dev = token(&q, end, &dn), *ino = token(&q, end, &in);

		if (dn && memchr(dev, ':', dn) && all_of(ino, in, "0123456789")) {
			m.file_offset = off; /* /proc/self/maps: offset dev inode file */
			p = q;
			t = token(&p, end, &n);
		}
	} else if (n) {
		const char *q = p;
		size_t on, bn;
		const char *o = token(&q, end, &on), *bid;

		if (on > 3 && o[0] == '(' && o[1] == '@' && o[on - 1] == ')' &&
		    hex_token(o + 2, on - 3, &m.file_offset))
			p = q;
		q = p;
		bid = token(&q, end, &bn);
		if (bn && hex_token(bid, bn, &off) &&
		    (rc = gomem_strpool_intern(&r->p->strings, bid, bn, &m.build_id)) != GOMEM_OK)
			return fail_nomem(r, rc);
	}
	if (n && (rc = expand(r, t, n, &m.filename)) != GOMEM_OK)
		return fail_nomem(r, rc);
	rc = GOMEM_GROW(r->p->mappings, r->p->mappings_cap, r->p->nmappings + 1,
			GOMEM_PROFILE_MAX_ITEMS);
	if (rc)
		return fail_nomem(r, rc);
	m.id = r->p->nmappings + 1;
	r->p->mappings[r->p->nmappings++] = m;
	return GOMEM_OK;
}

/* pprof's adjacent(): one region split over consecutive entries. */
static bool adjacent(const struct gomem_mapping *a, const struct gomem_mapping *b)
{
	if (a->filename && b->filename && a->filename != b->filename)
		return false;
	if (a->build_id && b->build_id && a->build_id != b->build_id)
		return false;
	if (a->memory_limit != b->memory_start)
		return false;
	return !(a->file_offset && b->file_offset &&
		 a->file_offset + (a->memory_limit - a->memory_start) != b->file_offset);
}

static bool is_library(const char *s)
{
	const char *so = strstr(s, ".so");

	for (; so; so = strstr(so + 1, ".so"))
		if (so[3] == '\0' || ((so[3] == '.' || so[3] == '_') && is_digit(so[4])))
			return true;
	return false;
}

/* pprof's massageMappings: one region split over consecutive entries
 * becomes one mapping. */
static void merge_adjacent(gomem_profile *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nmappings; i++) {
		struct gomem_mapping *m = &p->mappings[i], *last = n ? &p->mappings[n - 1] : NULL;

		if (last == NULL || !adjacent(last, m)) {
			p->mappings[n++] = *m;
			continue;
		}
		last->memory_limit = m->memory_limit;
		if (m->filename)
			last->filename = m->filename;
		if (m->build_id)
			last->build_id = m->build_id;
	}
	p->nmappings = n;
}

/* pprof's guess at the main binary (the first file that is no library and
 * no [vdso]) goes first, and its fixes for remapped executables. */
static void main_binary_first(gomem_profile *p)
{
	struct gomem_mapping *m = p->mappings;

	for (size_t i = 0; i < p->nmappings; i++) {
		const char *f = gomem_strpool_get(&p->strings, m[i].filename);
		struct gomem_mapping main_binary = m[i];

		if (*f == '\0' || *f == '[' || is_library(f))
			continue;
		m[i] = m[0];
		m[0] = main_binary;
		break;
	}
	if (p->nmappings > 1 && m[0].memory_limit == m[1].memory_start &&
	    strncmp(gomem_strpool_get(&p->strings, m[0].filename), "/anon_hugepage", 14) == 0)
		memmove(m, m + 1, --p->nmappings * sizeof(*m));
	if (p->nmappings > 0 && m[0].memory_start - m[0].file_offset == 0x400000) {
		m[0].memory_start = 0x400000;
		m[0].file_offset = 0;
	}
	for (size_t i = 0; i < p->nmappings; i++)
		m[i].id = i + 1;
}

/* A mapping's range, sorted by start to find the one holding an address. */
struct span {
	uint64_t start, limit;
	uint32_t index;
};

static int by_start(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The first mapping holding ADDR (index + 1, 0 for none), as pprof's linear
 * search finds it, by a binary search over the starts: a hostile map of a
 * million entries and a million locations must not take a million squared
 * steps. Overlapping entries (not seen in real maps) are looked for among
 * a few neighbours. */
static uint64_t mapping_of(const struct span *spans, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;
	uint64_t best = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (spans[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo, seen = 0; k-- > 0 && seen < 8; seen++)
		if (addr < spans[k].limit && (best == 0 || spans[k].index + 1 < best))
			best = spans[k].index + 1;
	return best;
}

/* Mappings in pprof's order, and each location's mapping (index + 1). */
static int place_mappings(gomem_heapprof_reader *r)
{
	gomem_profile *p = r->p;
	struct span *spans;

	if (p->nmappings == 0)
		return GOMEM_OK;
	merge_adjacent(p);
	main_binary_first(p);
	spans = malloc(p->nmappings * sizeof(*spans));
	if (spans == NULL)
		return fail_nomem(r, GOMEM_E_NOMEM);
	for (size_t i = 0; i < p->nmappings; i++)
		spans[i] = (struct span){p->mappings[i].memory_start, p->mappings[i].memory_limit,
					 (uint32_t)i};
	qsort(spans, p->nmappings, sizeof(*spans), by_start);
	for (size_t l = 0; l < p->nlocations; l++)
		if (p->locations[l].address != 0)
			p->locations[l].mapping = mapping_of(spans, p->nmappings,
							     p->locations[l].address);
	free(spans);
	return GOMEM_OK;
}

/* ---- lines ---------------------------------------------------------------- */

static bool is_map_sentinel(const char *p, const char *end)
{
	return contains(p, end, "--- Memory map: ---") || contains(p, end, "MAPPED_LIBRARIES:");
}

static int on_line(gomem_heapprof_reader *r, const char *line, size_t len)
{
	const char *end = line + len, *p;

	if (r->state == ST_HEADER) {
		r->state = ST_RECORDS;
		return parse_header(r, line, len);
	}
	if (r->state == ST_MAPS)
		return on_map_line(r, line, len);
	p = line;
	if (p < end && *p == '#')
		return on_comment(r, line, p, end);
	p = skip_blanks(p, end);
	if (p == end)
		return GOMEM_OK;
	if (*p == '#')
		return on_comment(r, line, p, end);
	if (is_digit(*p) || (*p == '-' && p + 1 < end && is_digit(p[1])))
		return parse_record(r, line, p, end);
	if (is_map_sentinel(p, end)) {
		r->state = ST_MAPS;
		return end_record(r);
	}
	return fail_at(r, GOMEM_E_FORMAT, line, p, "expected a record 'N: B [N: B] @ 0x...'");
}

static int drain(gomem_heapprof_reader *r)
{
	const char *line;
	size_t len;
	int rc;

	while ((rc = gomem_linebuf_next(&r->lb, &line, &len)) == 1)
		if ((rc = on_line(r, line, len)) != GOMEM_OK)
			return rc;
	if (rc < 0) {
		gomem_error_at_line(&r->err, rc, r->lb.lineno + 1, 0, "line longer than %zu bytes",
				    (size_t)MAX_LINE);
		r->rc = rc;
	}
	return rc;
}

/* ---- the API -------------------------------------------------------------- */

int gomem_heapprof_reader_new(gomem_heapprof_reader **out, const char *name)
{
	gomem_heapprof_reader *r;
	int rc;

	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return GOMEM_E_NOMEM;
	gomem_error_clear(&r->err);
	gomem_error_set_source(&r->err, name ? name : "");
	gomem_linebuf_init(&r->lb, MAX_LINE);
	r->fill = GOMEM_NONE;
	if ((rc = gomem_profile_new(&r->p)) != GOMEM_OK) {
		gomem_heapprof_reader_free(r);
		return rc;
	}
	r->p->format = GOMEM_PROFILE_LEGACY;
	*out = r;
	return GOMEM_OK;
}

int gomem_heapprof_reader_feed(gomem_heapprof_reader *r, const void *data, size_t len)
{
	if (r == NULL || (data == NULL && len > 0))
		return GOMEM_E_INVALID;
	if (r->rc)
		return r->rc;
	if (r->state == ST_DONE)
		return gomem_error_set(&r->err, GOMEM_E_INVALID, "feed after finish");
	if (len == 0)
		return GOMEM_OK;
	gomem_linebuf_feed(&r->lb, data, len);
	return drain(r);
}

int gomem_heapprof_reader_finish(gomem_profile **out, gomem_heapprof_reader *r)
{
	int rc;

	if (out != NULL)
		*out = NULL;
	if (r == NULL || out == NULL)
		return GOMEM_E_INVALID;
	if (r->rc)
		return r->rc;
	if (r->state == ST_DONE)
		return gomem_error_set(&r->err, GOMEM_E_INVALID, "finish called twice");
	gomem_linebuf_finish(&r->lb);
	if ((rc = drain(r)) != GOMEM_OK)
		return rc;
	if (r->state == ST_HEADER) {
		gomem_error_at_line(&r->err, GOMEM_E_FORMAT, 1, 1,
				    "empty input: expected 'heap profile:' header");
		return r->rc = GOMEM_E_FORMAT;
	}
	if ((rc = end_record(r)) != GOMEM_OK)
		return rc;
	if ((rc = place_mappings(r)) != GOMEM_OK)
		return rc;
	if ((rc = gomem_profile_resolve(r->p, NULL, NULL, &r->err)) != GOMEM_OK)
		return r->rc = rc;
	r->state = ST_DONE;
	*out = r->p;
	r->p = NULL;
	return GOMEM_OK;
}

const gomem_error *gomem_heapprof_reader_error(const gomem_heapprof_reader *r)
{
	return r ? &r->err : NULL;
}

void gomem_heapprof_reader_free(gomem_heapprof_reader *r)
{
	if (r == NULL)
		return;
	gomem_linebuf_free(&r->lb);
	gomem_profile_free(r->p);
	free(r->frames);
	free(r->amap);
	free(r->pcs);
	free(r->syms);
	free(r->fmap);
	for (size_t i = 0; i < r->nattrs; i++) {
		free(r->attrs[i].key);
		free(r->attrs[i].value);
	}
	free(r);
}

int gomem_heapprof_from_buffer(gomem_profile **out, const void *data, size_t len,
			       const char *name, gomem_error *err)
{
	return gomem_read_profile(out, &gomem_heapprof_reader_ops, NULL, data, len, name, err);
}

/* ---- the reader as gomem_reader_ops ----------------------------------------- */

static int ops_create(void **reader, const char *name)
{
	gomem_heapprof_reader *r;
	int rc = gomem_heapprof_reader_new(&r, name);

	*reader = r;
	return rc;
}

static int ops_feed(void *reader, const void *data, size_t len)
{
	return gomem_heapprof_reader_feed(reader, data, len);
}

static int ops_finish(gomem_profile **out, void *reader)
{
	return gomem_heapprof_reader_finish(out, reader);
}

static const gomem_error *ops_error(const void *reader)
{
	return gomem_heapprof_reader_error(reader);
}

static void ops_destroy(void *reader)
{
	gomem_heapprof_reader_free(reader);
}

const struct gomem_reader_ops gomem_heapprof_reader_ops = {
	ops_create, ops_feed, ops_finish, ops_error, ops_destroy,
};
