/* SPDX-License-Identifier: Apache-2.0 */
/* check_binary.c — the binary module: opening ELF files (and refusing the
 * malformed ones of tests/data/binary/malformed with the right code and
 * position), the build info reader (blobs built here, Go string quoting,
 * every error ParseBuildInfo has), the .gopclntab reader on the synthetic
 * table of the pclntab fuzz corpus (pc-value tables, inline tree, both
 * magics), and the symbolizer on the recorded Go 1.19 and 1.22 fixtures:
 * inline chains, debug=1 texts rebuilt byte for byte, address-only heap
 * profiles, a PIE-like load bias guessed; what opening holds in memory (a
 * cap on gzip'd and piped files and on inflated sections, DWARF read only
 * when asked for), sections whose ranges wrap, separate debug files found
 * by build ID, and the per-PC fallback from DWARF without lines. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "binary/binary-internal.h"
#include "suites.h"

/* ---- helpers -------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	*len = 0;
	do {
		if (*len + 65536 > cap)
			ck_assert_ptr_nonnull(buf = realloc(buf, cap = cap * 2 + 65536));
		n = fread(buf + *len, 1, cap - *len - 1, fp);
		*len += n;
	} while (n > 0);
	fclose(fp);
	buf[*len] = '\0';
	return buf;
}

/* TEXT without its "#\t0x" lines (what a binary must give back). */
static char *strip_hash_lines(const char *text, size_t len, size_t *outlen)
{
	char *out = malloc(len + 1);
	size_t n = 0;

	ck_assert_ptr_nonnull(out);
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - text) - pos + 1 : len - pos;

		if (!(l >= 4 && memcmp(text + pos, "#\t0x", 4) == 0)) {
			memcpy(out + n, text + pos, l);
			n += l;
		}
		pos += l;
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

static gomem_binary *open_ok(const char *rel)
{
	gomem_binary *bin = NULL;
	gomem_error err = {0};

	ck_assert_msg(gomem_binary_open(test_path(rel), &bin, &err) == GOMEM_OK, "%s: %s", rel, err.message);
	return bin;
}

static size_t put_uvarint(unsigned char *p, size_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

static const char sentinel_start[] = "\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6";
static const char sentinel_end[] = "\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2";

/* A Go 1.18+ .go.buildinfo blob with VERSION and the module text MOD. */
static size_t make_blob(unsigned char *buf, const char *version, const char *mod)
{
	size_t n = 32, mlen = strlen(mod) + 32;

	memset(buf, 0, 32);
	memcpy(buf, "\xff Go buildinf:", 14);
	buf[14] = 8;
	buf[15] = 2;
	n += put_uvarint(buf + n, strlen(version));
	memcpy(buf + n, version, strlen(version));
	n += strlen(version);
	n += put_uvarint(buf + n, mlen);
	memcpy(buf + n, sentinel_start, 16);
	memcpy(buf + n + 16, mod, strlen(mod));
	memcpy(buf + n + 16 + strlen(mod), sentinel_end, 16);
	return n + mlen;
}

/* ---- opening --------------------------------------------------------------- */

START_TEST(test_open_errors)
{
	static const struct {
		const char *file;
		int code;
		int has_offset;
	} cases[] = {
		{"tests/data/binary/malformed/not-elf.txt", GOMEM_E_FORMAT, 1},
		{"tests/data/binary/malformed/truncated.elf", GOMEM_E_TRUNCATED, 1},
		{"tests/data/binary/malformed/no-such-file", GOMEM_E_IO, 0},
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(cases); i++) {
		gomem_binary *bin = (gomem_binary *)1;
		gomem_error err = {0};

		ck_assert_int_eq(gomem_binary_open(test_path(cases[i].file), &bin, &err), cases[i].code);
		ck_assert_ptr_null(bin);
		ck_assert_int_eq(err.code, cases[i].code);
		ck_assert_int_eq(err.has_offset, cases[i].has_offset);
		ck_assert_str_eq(err.source, test_path(cases[i].file));
	}
}
END_TEST

START_TEST(test_c_program_has_no_go)
{
	gomem_binary *bin = open_ok("tests/data/binary/malformed/c-program.elf");
	gomem_buildinfo *bi = NULL;
	gomem_symbolizer *s = NULL;
	const gomem_binary_info *info = gomem_binary_get_info(bin);

	ck_assert_int_eq(info->ptr_size, 8);
	ck_assert(!info->has_pclntab && !info->has_buildinfo);
	ck_assert_int_eq(gomem_buildinfo_read(&bi, bin), GOMEM_E_NOTFOUND);
	ck_assert_ptr_null(bi);
	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, NULL), GOMEM_E_NOTFOUND);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(gomem_binary_error(bin)->message, "not a Go"));
	gomem_binary_free(bin);
}
END_TEST

/* ---- build info ---------------------------------------------------------------- */

START_TEST(test_buildinfo_fixture)
{
	gomem_binary *bin = open_ok("tests/data/binary/go1.19/binsym.sections.elf.gz");
	gomem_buildinfo *bi = NULL;

	ck_assert_int_eq(gomem_buildinfo_read(&bi, bin), GOMEM_OK);
	ck_assert_str_eq(bi->go_version, "go1.19.8");
	ck_assert_str_eq(bi->path, "example.com/gomem/binsym");
	ck_assert(bi->has_main);
	ck_assert_str_eq(bi->main.path, "example.com/gomem/binsym");
	ck_assert_str_eq(bi->main.version, "(devel)");
	ck_assert_str_eq(bi->main.sum, "");
	ck_assert_uint_eq(bi->ndeps, 0);
	ck_assert_str_eq(gomem_buildinfo_setting_value(bi, "-ldflags"), "-s -w");
	ck_assert_str_eq(gomem_buildinfo_setting_value(bi, "GOARCH"), "amd64");
	ck_assert_ptr_null(gomem_buildinfo_setting_value(bi, "nope"));
	for (size_t i = 0; i < bi->nsettings; i++)
		if (strcmp(bi->settings[i].key, "-ldflags") == 0)
			ck_assert_str_eq(bi->settings[i].raw_value, "\"-s -w\"");
	gomem_buildinfo_free(bi);
	gomem_binary_free(bin);
}
END_TEST

START_TEST(test_buildinfo_modules_and_quoting)
{
	unsigned char blob[2048];
	gomem_buildinfo *bi = NULL;
	gomem_error err = {0};
	size_t n = make_blob(blob, "go1.21.5",
			     "path\tex.com/x\n"
			     "mod\tex.com/x\tv1.2.3\th1:main=\n"
			     "dep\tex.com/a\tv0.1.0\th1:a=\n"
			     "dep\tex.com/old\tv1.0.0\th1:old=\n"
			     "=>\t../local\t(devel)\t\n"
			     "build\t\"odd key\"=`raw value`\n"
			     "build\tesc=\"tab\\there \\u00e9\\x41\\101\\\"q\\\"\"\n"
			     "build\tempty=\n"
			     "future\tline ignored\n");
	FILE *fp;
	char text[1024] = "";

	ck_assert_int_eq(gomem_buildinfo_from_buffer(&bi, blob, n, "blob", &err), GOMEM_OK);
	ck_assert_str_eq(bi->go_version, "go1.21.5");
	ck_assert_str_eq(bi->main.sum, "h1:main=");
	ck_assert_uint_eq(bi->ndeps, 2);
	ck_assert_ptr_null(bi->deps[0].replace);
	ck_assert_ptr_nonnull(bi->deps[1].replace);
	ck_assert_str_eq(bi->deps[1].replace->path, "../local");
	ck_assert_str_eq(bi->deps[1].replace->version, "(devel)");
	ck_assert_uint_eq(bi->nsettings, 3); /* lines of no known kind are skipped, as Go does */
	ck_assert_str_eq(gomem_buildinfo_setting_value(bi, "odd key"), "raw value");
	ck_assert_str_eq(gomem_buildinfo_setting_value(bi, "esc"), "tab\there \xc3\xa9" "AA\"q\"");
	ck_assert_str_eq(gomem_buildinfo_setting_value(bi, "empty"), "");
	/* go version -m: a replaced module has no sum column; values as written. */
	ck_assert_ptr_nonnull(fp = fmemopen(text, sizeof(text) - 1, "w"));
	ck_assert_int_eq(gomem_buildinfo_write_text(bi, "f", fp), GOMEM_OK);
	fclose(fp);
	ck_assert_str_eq(text, "f: go1.21.5\n"
			       "\tpath\tex.com/x\n"
			       "\tmod\tex.com/x\tv1.2.3\th1:main=\n"
			       "\tdep\tex.com/a\tv0.1.0\th1:a=\n"
			       "\tdep\tex.com/old\tv1.0.0\n"
			       "\t=>\t../local\t(devel)\t\n"
			       "\tbuild\t\"odd key\"=`raw value`\n"
			       "\tbuild\tesc=\"tab\\there \\u00e9\\x41\\101\\\"q\\\"\"\n"
			       "\tbuild\tempty=\n");
	gomem_buildinfo_free(bi);
}
END_TEST

START_TEST(test_buildinfo_errors)
{
	static const struct {
		const char *mod;
		const char *message;
	} cases[] = {
		{"path\tx\nbuild\tnoequals\n", "line 2: build line missing '=' after key"},
		{"build\t=v\n", "line 1: build line with missing key"},
		{"build\tk=\"open\n", "line 1: invalid quoted value"},
		{"build\tk=a b\n", "line 1: unquoted value must be quoted"},
		{"build\t\"k\"x\n", "line 1: unexpected character after quoted key"},
		{"mod\tonly-one-column\n", "line 1: expected 2 or 3 columns"},
		{"dep\ta\tb\tc\td\n", "line 1: expected 2 or 3 columns"},
		{"=>\ta\tb\tc\n", "line 1: replacement with no module on previous line"},
		{"dep\ta\tv1\n=>\ta\tb\n", "line 2: expected 3 columns for replacement"},
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(cases); i++) {
		unsigned char blob[512];
		gomem_buildinfo *bi = NULL;
		gomem_error err = {0};
		size_t n = make_blob(blob, "go1.19", cases[i].mod);

		ck_assert_int_eq(gomem_buildinfo_from_buffer(&bi, blob, n, "b", &err), GOMEM_E_FORMAT);
		ck_assert_ptr_null(bi);
		ck_assert_msg(strstr(err.message, cases[i].message) != NULL, "case %zu: %s", i, err.message);
		ck_assert(err.has_offset);
	}
}
END_TEST

START_TEST(test_buildinfo_blob_shapes)
{
	unsigned char blob[256];
	gomem_buildinfo *bi = NULL;
	gomem_error err = {0};
	size_t n = make_blob(blob, "go1.20", "path\tx\n");

	/* Cut in the version: it reads "", not a Go executable (Go's rule);
	 * cut after it: a version and no module text. */
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(gomem_buildinfo_from_buffer(&bi, blob, 36, "b", &err), GOMEM_E_NOTFOUND);
	ck_assert_int_eq(gomem_buildinfo_from_buffer(&bi, blob, 40, "b", &err), GOMEM_OK);
	ck_assert_str_eq(bi->go_version, "go1.20");
	ck_assert_str_eq(bi->modinfo, "");
	gomem_buildinfo_free(bi);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(gomem_buildinfo_from_buffer(&bi, "nothing here", 12, "b", &err), GOMEM_E_NOTFOUND);
	/* Without its sentinels the module text is not shown (Go's rule). */
	blob[n - 17] = 'x';
	ck_assert_int_eq(gomem_buildinfo_from_buffer(&bi, blob, n, "b", &err), GOMEM_OK);
	ck_assert_str_eq(bi->modinfo, "");
	ck_assert_str_eq(bi->path, "");
	ck_assert(!bi->has_main);
	gomem_buildinfo_free(bi);
	/* The magic must sit on a 16-byte boundary. */
	memmove(blob + 1, blob, n);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(gomem_buildinfo_from_buffer(&bi, blob, n + 1, "b", &err), GOMEM_E_NOTFOUND);
	/* Pre-1.18 blobs point into the binary. */
	memset(blob, 0, 32);
	memcpy(blob, "\xff Go buildinf:", 14);
	blob[14] = 8;
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(gomem_buildinfo_from_buffer(&bi, blob, 32, "b", &err), GOMEM_E_UNSUPPORTED);
	blob[14] = 3;
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(gomem_buildinfo_from_buffer(&bi, blob, 32, "b", &err), GOMEM_E_FORMAT);
}
END_TEST

/* Before Go 1.18 the blob points at Go string headers elsewhere. */
START_TEST(test_buildinfo_pointers)
{
	gomem_binary *bin = open_ok("tests/data/binary/malformed/go117-buildinfo.elf");
	gomem_buildinfo *bi = NULL;

	ck_assert_int_eq(gomem_buildinfo_read(&bi, bin), GOMEM_OK);
	ck_assert_str_eq(bi->go_version, "go1.17.13");
	ck_assert_str_eq(bi->path, "example.com/x");
	ck_assert_uint_eq(bi->ndeps, 2);
	ck_assert_str_eq(bi->deps[1].replace->path, "example.com/new");
	ck_assert_str_eq(gomem_buildinfo_setting_value(bi, "odd key"), "v");
	gomem_buildinfo_free(bi);
	gomem_binary_free(bin);
}
END_TEST

START_TEST(test_buildinfo_bad_file)
{
	gomem_binary *bin = open_ok("tests/data/binary/malformed/bad-buildinfo.elf");
	gomem_buildinfo *bi = NULL;
	const gomem_error *e;

	ck_assert_int_eq(gomem_buildinfo_read(&bi, bin), GOMEM_E_FORMAT);
	e = gomem_binary_error(bin);
	ck_assert(e->has_offset && e->offset > 0);
	ck_assert_ptr_nonnull(strstr(e->message, "line 2"));
	gomem_binary_free(bin);
}
END_TEST

/* ---- .gopclntab ------------------------------------------------------------------ */

/* The synthetic table of the fuzz corpus: u32 length, table, go:func.*. */
static char *synthetic(gomem_pclntab *t, const char *seed)
{
	size_t len;
	char path[256];
	char *data;
	uint32_t n;
	gomem_error err = {0};
	int rc;

	snprintf(path, sizeof(path), "tests/fuzz/corpus/pclntab/%s", seed);
	data = slurp(test_path(path), &len);
	memcpy(&n, data, 4); /* little-endian hosts only: the corpus is LE */
	ck_assert_uint_le(n, len - 4);
	rc = gomem_pclntab_init(t, (unsigned char *)data + 4, n, false, 0, 0, &err);
	ck_assert_msg(rc == GOMEM_OK, "%s", err.message);
	t->gofunc = (unsigned char *)data + 4 + n;
	t->gofunc_size = len - 4 - n;
	return data;
}

START_TEST(test_pclntab_synthetic)
{
	static const char *const seeds[] = {"synthetic-go120", "magic-go118"};
	gomem_pclntab t;
	gomem_pcln_frame f[8];
	gomem_error err = {0};
	size_t n;
	char *data = synthetic(&t, seeds[_i]);

	if (_i == 1)
		return free(data); /* 1.18 entries are 20 bytes: only the header is checked */
	ck_assert_uint_eq(t.text_start, 0x401000);
	ck_assert_uint_eq(t.nfunc, 2);
	/* outer: lines 10, inlined inner at [8,16) called from outer+4, then 12 */
	ck_assert_int_eq(gomem_pclntab_chain(&t, 0x401000, f, 8, &n, &err), GOMEM_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(f[0].function, "main.outer");
	ck_assert_str_eq(f[0].file, "/src/a.go");
	ck_assert_int_eq(f[0].line, 10);
	ck_assert(!f[0].inlined);
	ck_assert_int_eq(gomem_pclntab_chain(&t, 0x401009, f, 8, &n, &err), GOMEM_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(f[0].function, "main.inner");
	ck_assert_str_eq(f[0].file, "/src/b.go");
	ck_assert_int_eq(f[0].line, 20);
	ck_assert(f[0].inlined);
	ck_assert_str_eq(f[1].function, "main.outer");
	ck_assert_int_eq(f[1].line, 10);
	ck_assert_uint_eq(f[1].pc, 0x401004);
	ck_assert_int_eq(gomem_pclntab_chain(&t, 0x401010, f, 8, &n, &err), GOMEM_OK);
	ck_assert_int_eq(f[0].line, 12);
	/* max bounds the chain */
	ck_assert_int_eq(gomem_pclntab_chain(&t, 0x401009, f, 1, &n, &err), GOMEM_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(gomem_pclntab_chain(&t, 0x401021, f, 8, &n, &err), GOMEM_OK);
	ck_assert_str_eq(f[0].function, "main.G[go.shape.int]");
	ck_assert_uint_eq(f[0].entry, 0x401020);
	/* outside the text: nothing */
	ck_assert_int_eq(gomem_pclntab_chain(&t, 0x400fff, f, 8, &n, &err), GOMEM_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(gomem_pclntab_chain(&t, 0x401030, f, 8, &n, &err), GOMEM_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(gomem_pclntab_find_entry(&t, "main.G[go.shape.int]"), 0x401020);
	ck_assert_uint_eq(gomem_pclntab_find_entry(&t, "main.nope"), 0);
	ck_assert_uint_eq(gomem_pclntab_entry(&t, 0x40100f), 0x401000);
	free(data);
}
END_TEST

START_TEST(test_pclntab_errors)
{
	unsigned char hdr[72] = {0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8};
	gomem_pclntab t;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_pclntab_init(&t, hdr, 4, false, 0, 100, &err), GOMEM_E_FORMAT);
	ck_assert_uint_eq(err.offset, 100);
	memset(&err, 0, sizeof(err));
	hdr[0] = 0xfb; /* Go 1.2-1.15 */
	ck_assert_int_eq(gomem_pclntab_init(&t, hdr, sizeof(hdr), false, 0, 0, &err), GOMEM_E_UNSUPPORTED);
	memset(&err, 0, sizeof(err));
	hdr[0] = 0xf1;
	hdr[7] = 5; /* pointer size */
	ck_assert_int_eq(gomem_pclntab_init(&t, hdr, sizeof(hdr), false, 0, 0, &err), GOMEM_E_FORMAT);
	memset(&err, 0, sizeof(err));
	hdr[7] = 8;
	hdr[8] = 1; /* one function, but no room for its table at pclnOffset 68 */
	hdr[8 + 7 * 8] = 68;
	ck_assert_int_eq(gomem_pclntab_init(&t, hdr, sizeof(hdr), false, 0, 0, &err), GOMEM_E_FORMAT);
	memset(&err, 0, sizeof(err));
	hdr[8] = 0;
	hdr[8 + 3 * 8] = 200; /* funcnameOffset past the end */
	ck_assert_int_eq(gomem_pclntab_init(&t, hdr, sizeof(hdr), false, 0, 0, &err), GOMEM_E_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.message, "past the end"));
}
END_TEST

START_TEST(test_print_name)
{
	size_t o, c;

	ck_assert(gomem_go_name_brackets("main.G[go.shape.int]", &o, &c));
	ck_assert_uint_eq(o, 6);
	ck_assert_uint_eq(c, 19);
	ck_assert(gomem_go_name_brackets("main.(*T[go.shape.int]).m.func1", &o, &c));
	ck_assert(!gomem_go_name_brackets("main.G[...]", &o, &c));
	ck_assert(!gomem_go_name_brackets("main.main", &o, &c));
	ck_assert(!gomem_go_name_brackets("odd]name[", &o, &c));
}
END_TEST

/* ---- the symbolizer on recorded fixtures ------------------------------------------- */

START_TEST(test_symbolize_chain_fixture)
{
	gomem_binary *bin = open_ok("tests/data/binary/go1.19/binsym.sections.elf.gz");
	gomem_symbolizer *s = NULL;
	const gomem_sym_frame *f;
	size_t n;

	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_symbolizer_source(s), GOMEM_SYMSRC_PCLNTAB);
	/* recv inlined into relay inlined into (*pool).run */
	ck_assert_int_eq(gomem_symbolize_pc(s, 0x4b50c4, &f, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(f[0].function, "main.recv");
	ck_assert_str_eq(f[1].function, "main.relay");
	ck_assert_str_eq(f[2].function, "main.(*pool).run");
	ck_assert(f[0].inlined && f[1].inlined && !f[2].inlined);
	ck_assert_int_eq(f[0].line, 29);
	ck_assert_int_eq(f[1].line, 34);
	ck_assert_int_eq(f[2].line, 39);
	ck_assert_ptr_nonnull(strstr(f[0].file, "contrib/gen/binsym/main.go"));
	/* the cache answers the same */
	ck_assert_int_eq(gomem_symbolize_pc(s, 0x4b50c4, &f, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 3);
	/* outside every function */
	ck_assert_int_eq(gomem_symbolize_pc(s, 0x1000, &f, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 0);
	gomem_symbolizer_free(s);
	gomem_binary_free(bin);
}
END_TEST

struct collected {
	char names[16][64];
	size_t index[16];
	size_t n;
};

static int collect(void *payload, size_t i, const gomem_sym_frame *f)
{
	struct collected *c = payload;

	if (c->n < 16) {
		snprintf(c->names[c->n], sizeof(c->names[0]), "%s", f->function);
		c->index[c->n++] = i;
	}
	return 0;
}

START_TEST(test_symbolize_stack_physical_and_logical)
{
	gomem_binary *bin = open_ok("tests/data/binary/go1.19/binsym.sections.elf.gz");
	gomem_symbolizer *s = NULL;
	uint64_t logical[] = {0x4b50c5, 0x4b50b1, 0x4b50a9};
	uint64_t physical[] = {0x4b50c5};
	struct collected c = {0};

	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_symbolize_stack(s, logical, 3, collect, &c), GOMEM_OK);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_uint_eq(c.index[2], 2);
	ck_assert_str_eq(c.names[2], "main.(*pool).run");
	/* A lone physical PC (Go 1.21+ stacks) expands to the whole chain. */
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(gomem_symbolize_stack(s, physical, 1, collect, &c), GOMEM_OK);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_uint_eq(c.index[2], 0);
	ck_assert_str_eq(c.names[1], "main.relay");
	gomem_symbolizer_free(s);
	gomem_binary_free(bin);
}
END_TEST

/* The runtime's own `#` lines come back byte for byte, for both profiles
 * of Go 1.19 and 1.22 (new pclntab layout, wrappers), and with a load bias
 * added to every address (a PIE), which is guessed. */
START_TEST(test_symbolize_debug1_text)
{
	static const char *const dirs[] = {"go1.19", "go1.22"};
	static const char *const kinds[] = {"goroutine.debug1", "heap.debug1"};
	char path[256];

	for (size_t k = 0; k < 2; k++) {
		gomem_binary *bin;
		gomem_symbolizer *s = NULL;
		size_t len, slen, outlen;
		char *text, *stripped, *out = NULL;

		snprintf(path, sizeof(path), "tests/data/binary/%s/binsym.sections.elf.gz", dirs[_i]);
		bin = open_ok(path);
		ck_assert_int_eq(gomem_symbolizer_new(&s, bin, NULL), GOMEM_OK);
		snprintf(path, sizeof(path), "tests/data/binary/%s/%s", dirs[_i], kinds[k]);
		text = slurp(test_path(path), &len);
		stripped = strip_hash_lines(text, len, &slen);
		ck_assert_uint_lt(slen, len);
		ck_assert_int_eq(gomem_symbolize_debug1_text(s, stripped, slen, &out, &outlen), GOMEM_OK);
		ck_assert_uint_eq(outlen, len);
		ck_assert_msg(memcmp(out, text, len) == 0, "%s differs", path);
		/* records that keep their lines are copied as they are */
		gomem_free(out);
		ck_assert_int_eq(gomem_symbolize_debug1_text(s, text, len, &out, &outlen), GOMEM_OK);
		ck_assert_uint_eq(outlen, len);
		gomem_free(out);
		free(text);
		free(stripped);
		gomem_symbolizer_free(s);
		gomem_binary_free(bin);
	}
}
END_TEST

START_TEST(test_symbolize_heap_profile)
{
	gomem_binary *bin = open_ok("tests/data/binary/go1.21/binsym.sections.elf.gz");
	gomem_symbolizer *s = NULL;
	gomem_profile *want = NULL, *got = NULL;
	gomem_error err = {0};
	size_t len, slen;
	char *text = slurp(test_path("tests/data/binary/go1.21/heap.debug1"), &len);
	char *stripped = strip_hash_lines(text, len, &slen);

	ck_assert_int_eq(gomem_profile_from_buffer(&want, text, len, "want", &err), GOMEM_OK);
	ck_assert_int_eq(gomem_profile_from_buffer(&got, stripped, slen, "got", &err), GOMEM_OK);
	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_symbolize_profile(s, got), GOMEM_OK);
	ck_assert_uint_eq(gomem_profile_sample_count(got), gomem_profile_sample_count(want));
	/* every sample: the same frames (function, line), leaf first */
	for (size_t i = 0; i < gomem_profile_sample_count(want); i++) {
		size_t nw, ng;
		const uint32_t *lw = gomem_profile_sample_locations(want, i, &nw);
		const uint32_t *lg = gomem_profile_sample_locations(got, i, &ng);

		ck_assert_uint_eq(ng, nw);
		for (size_t j = 0; j < nw; j++) {
			size_t k = gomem_profile_location_line_count(want, lw[j]);

			ck_assert_uint_eq(gomem_profile_location_line_count(got, lg[j]), k);
			for (size_t m = 0; m < k; m++) {
				int64_t a, b;
				int64_t fw = gomem_profile_location_line(want, lw[j], m, &a);
				int64_t fg = gomem_profile_location_line(got, lg[j], m, &b);

				ck_assert_int_eq(a, b);
				ck_assert(fw >= 0 && fg >= 0);
				ck_assert_str_eq(gomem_profile_function_name(want, (size_t)fw),
						 gomem_profile_function_name(got, (size_t)fg));
				ck_assert_str_eq(gomem_profile_function_file(want, (size_t)fw),
						 gomem_profile_function_file(got, (size_t)fg));
			}
		}
	}
	gomem_profile_free(want);
	gomem_profile_free(got);
	free(text);
	free(stripped);
	gomem_symbolizer_free(s);
	gomem_binary_free(bin);
}
END_TEST

/* A protobuf profile whose locations lost their lines gets them back: each
 * location a physical PC, its Lines the whole inline chain. */
START_TEST(test_symbolize_proto_profile)
{
	static const char *const dirs[] = {"go1.19", "go1.23"};
	char path[256];
	gomem_binary *bin;
	gomem_symbolizer *s = NULL;
	gomem_profile *want = NULL, *got = NULL;
	gomem_error err = {0};
	size_t len;
	char *data;

	snprintf(path, sizeof(path), "tests/data/binary/%s/heap.pb.gz", dirs[_i]);
	data = slurp(test_path(path), &len);
	ck_assert_int_eq(gomem_profile_from_buffer(&want, data, len, "want", &err), GOMEM_OK);
	ck_assert_int_eq(gomem_profile_from_buffer(&got, data, len, "got", &err), GOMEM_OK);
	for (size_t i = 0; i < got->nlocations; i++)
		got->locations[i].nlines = 0;
	snprintf(path, sizeof(path), "tests/data/binary/%s/binsym.sections.elf.gz", dirs[_i]);
	bin = open_ok(path);
	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_symbolize_profile(s, got), GOMEM_OK);
	for (size_t loc = 0; loc < want->nlocations; loc++) {
		size_t k = gomem_profile_location_line_count(want, loc);

		ck_assert_uint_eq(gomem_profile_location_line_count(got, loc), k);
		for (size_t m = 0; m < k; m++) {
			int64_t a, b;
			int64_t fw = gomem_profile_location_line(want, loc, m, &a);
			int64_t fg = gomem_profile_location_line(got, loc, m, &b);

			ck_assert_int_eq(a, b);
			ck_assert_str_eq(gomem_profile_function_name(want, (size_t)fw),
					 gomem_profile_function_name(got, (size_t)fg));
		}
	}
	gomem_profile_free(want);
	gomem_profile_free(got);
	free(data);
	gomem_symbolizer_free(s);
	gomem_binary_free(bin);
}
END_TEST

/* gomem goroutines --binary on a debug=0 profile without lines: the same
 * stacks as with them. */
START_TEST(test_symbolize_proto_dump)
{
	gomem_binary *bin = open_ok("tests/data/binary/go1.23/binsym.sections.elf.gz");
	gomem_symbolizer *s = NULL;
	gomem_profile *p = NULL;
	gomem_dump *want = NULL, *got = NULL;
	gomem_source *src = NULL;
	gomem_error err = {0};
	char *buf = NULL;
	size_t len, size = 0;
	char *data = slurp(test_path("tests/data/binary/go1.23/heap.pb.gz"), &len);
	FILE *mem;

	ck_assert_int_eq(gomem_profile_from_buffer(&p, data, len, "p", &err), GOMEM_OK);
	/* the heap profile's stacks, counted as goroutines (other profiles are refused) */
	ck_assert_int_eq(gomem_strpool_intern(&p->strings, "goroutine", 9, &p->sample_types[0].type),
			 GOMEM_OK);
	ck_assert_ptr_nonnull(mem = open_memstream(&buf, &size));
	ck_assert_int_eq(gomem_pprof_write(p, mem, 1, &err), GOMEM_OK);
	fclose(mem);
	ck_assert_int_eq(gomem_dump_from_buffer(&want, buf, size, "want", &err), GOMEM_OK);
	free(buf);
	buf = NULL;
	size = 0;
	for (size_t i = 0; i < p->nlocations; i++)
		p->locations[i].nlines = 0;
	ck_assert_ptr_nonnull(mem = open_memstream(&buf, &size));
	ck_assert_int_eq(gomem_pprof_write(p, mem, 1, &err), GOMEM_OK);
	fclose(mem);
	ck_assert_int_eq(gomem_source_open_memory(&src, buf, size, "got", NULL, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_symbolize_dump_read(&got, src, s, &err), GOMEM_OK);
	ck_assert_uint_eq(gomem_dump_stack_count(got), gomem_dump_stack_count(want));
	for (size_t i = 0; i < gomem_dump_stack_count(want); i++) {
		gomem_goroutine_stack a, b;

		ck_assert_int_eq(gomem_dump_stack(&a, want, (uint32_t)i), GOMEM_OK);
		ck_assert_int_eq(gomem_dump_stack(&b, got, (uint32_t)i), GOMEM_OK);
		ck_assert_str_eq(a.folded, b.folded);
	}
	gomem_dump_free(want);
	gomem_dump_free(got);
	gomem_source_free(src);
	gomem_profile_free(p);
	free(buf);
	free(data);
	gomem_symbolizer_free(s);
	gomem_binary_free(bin);
}
END_TEST

START_TEST(test_symbolize_guessed_bias)
{
	gomem_binary *bin = open_ok("tests/data/binary/go1.19/binsym.sections.elf.gz");
	gomem_symbolizer *s = NULL;
	gomem_symbolizer_options o = GOMEM_SYMBOLIZER_OPTIONS_INIT;
	const char *in = "goroutine profile: total 3\n"
			 "3 @ 0x7f0000037816 0x7f000000619b 0x7f0000005cd8 0x7f00000b50c5 0x7f00000b50b1 "
			 "0x7f00000b50a9 0x7f00000611e1\n\n";
	char *out = NULL;
	size_t outlen;
	const gomem_sym_frame *f;
	size_t n;

	/* Not a PIE: an explicit bias is needed, and works. */
	o.load_bias = 0x7f0000000000 - 0x400000;
	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_symbolize_debug1_text(s, in, strlen(in), &out, &outlen), GOMEM_OK);
	ck_assert_ptr_nonnull(strstr(out, "#\t0x7f00000b50c4\tmain.recv+0x44\t"));
	ck_assert_ptr_nonnull(strstr(out, "main.(*pool).run+0x28"));
	gomem_free(out);
	ck_assert_int_eq(gomem_symbolize_pc(s, 0x7f00000b50c4, &f, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 3);
	gomem_symbolizer_free(s);
	/* The bias of a PIE is guessed from runtime.goexit+1 at the stack's end. */
	bin->info.pie = true;
	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_symbolize_debug1_text(s, in, strlen(in), &out, &outlen), GOMEM_OK);
	ck_assert_ptr_nonnull(strstr(out, "main.recv+0x44"));
	gomem_free(out);
	gomem_symbolizer_free(s);
	gomem_binary_free(bin);
}
END_TEST

START_TEST(test_symbolizer_sources)
{
	gomem_binary *bin = open_ok("tests/data/binary/malformed/bad-dwarf.elf");
	gomem_symbolizer *s = NULL;
	gomem_symbolizer_options o = GOMEM_SYMBOLIZER_OPTIONS_INIT;
	const gomem_sym_frame *f;
	size_t n;

	/* Unusable DWARF: AUTO falls back on .gopclntab; asking for it fails. */
	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_symbolizer_source(s), GOMEM_SYMSRC_PCLNTAB);
	ck_assert_int_eq(gomem_symbolize_pc(s, 0x401021, &f, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(f[0].function, "main.G[...]");
	gomem_symbolizer_free(s);
	o.source = GOMEM_SYMSRC_DWARF;
	ck_assert_int_ne(gomem_symbolizer_new(&s, bin, &o), GOMEM_OK);
	o.version = 99;
	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, &o), GOMEM_E_INVALID);
	gomem_binary_free(bin);
	bin = open_ok("tests/data/binary/malformed/bad-pclntab.elf");
	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, NULL), GOMEM_E_FORMAT);
	ck_assert(gomem_binary_error(bin)->has_offset);
	gomem_binary_free(bin);
	bin = open_ok("tests/data/binary/malformed/old-pclntab.elf");
	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, NULL), GOMEM_E_UNSUPPORTED);
	gomem_binary_free(bin);
}
END_TEST

/* ---- what opening holds, and refuses ------------------------------------------------ */

static gomem_binary *open_with(const char *rel, uint64_t max_input, const char *debug_dir)
{
	gomem_binary_options o = GOMEM_BINARY_OPTIONS_INIT;
	gomem_binary *bin = NULL;
	gomem_error err = {0};

	o.max_input = max_input;
	o.debug_dir = debug_dir;
	ck_assert_msg(gomem_binary_open_ext(&bin, test_path(rel), &o, &err) == GOMEM_OK, "%s: %s", rel,
		      err.message);
	return bin;
}

static int open_code(const char *path, uint64_t max_input, gomem_error *err)
{
	gomem_binary_options o = GOMEM_BINARY_OPTIONS_INIT;
	gomem_binary *bin = (gomem_binary *)1;
	int rc;

	o.max_input = max_input;
	memset(err, 0, sizeof(*err));
	rc = gomem_binary_open_ext(&bin, path, &o, err);
	ck_assert_int_eq(rc != GOMEM_OK, bin == NULL);
	gomem_binary_free(bin);
	return rc;
}

START_TEST(test_open_not_files)
{
	gomem_binary_options o = GOMEM_BINARY_OPTIONS_INIT;
	gomem_binary *bin = NULL;
	gomem_error err;

	/* A directory says so; a character device is read as a stream, and
	 * refused at its first bytes (never "invalid file descriptor"). */
	ck_assert_int_eq(open_code(test_path("tests/data/binary"), 0, &err), GOMEM_E_IO);
	ck_assert_str_eq(err.message, "Is a directory");
	ck_assert_int_eq(open_code("/dev/zero", 0, &err), GOMEM_E_FORMAT);
	ck_assert(err.has_offset && err.offset == 0);
	ck_assert_str_eq(err.message, "not an ELF file");
	ck_assert_int_eq(open_code("/dev/null", 0, &err), GOMEM_E_FORMAT);
	o.version = 99;
	ck_assert_int_eq(gomem_binary_open_ext(&bin, test_path("tests/data/binary/malformed/c-program.elf"),
					       &o, &err), GOMEM_E_INVALID);
	ck_assert_ptr_null(bin);
}
END_TEST

/* A gzip file of N zero bytes at PATH. */
static void write_gzip_zeros(const char *path, size_t n)
{
	static unsigned char zeros[65536];
	gzFile gz = gzopen(path, "wb9");

	ck_assert_ptr_nonnull(gz);
	for (size_t done = 0; done < n; done += sizeof(zeros))
		ck_assert_int_gt(gzwrite(gz, zeros, sizeof(zeros)), 0);
	ck_assert_int_eq(gzclose(gz), Z_OK);
}

START_TEST(test_open_gzip_capped)
{
	char path[] = "/tmp/gomem-check-binary-XXXXXX";
	int fd = mkstemp(path);
	gomem_error err;

	ck_assert_int_ge(fd, 0);
	close(fd);
	/* 64 MiB of zeros under a 1 MiB cap: refused as not ELF at byte 0, not
	 * as over the cap: the magic is checked before more is inflated. */
	write_gzip_zeros(path, (size_t)64 << 20);
	ck_assert_int_eq(open_code(path, (uint64_t)1 << 20, &err), GOMEM_E_FORMAT);
	ck_assert(err.has_offset && err.offset == 0);
	ck_assert_ptr_nonnull(strstr(err.message, "not an ELF file"));
	unlink(path);
	/* A gzip'd ELF inflating past the cap. */
	ck_assert_int_eq(open_code(test_path("tests/data/binary/go1.19/binsym.sections.elf.gz"), 65536, &err),
			 GOMEM_E_LIMIT);
	ck_assert(err.has_offset);
	ck_assert_ptr_nonnull(strstr(err.message, "--max-input"));
}
END_TEST

START_TEST(test_open_wrapped_sections)
{
	static const struct {
		const char *file, *says;
		int code;
	} cases[] = {
		{"tests/data/binary/malformed/wrapped-offset.elf", "offset 0xffffffffffff0000, past the end",
		 GOMEM_E_FORMAT},
		{"tests/data/binary/malformed/wrapped-size.elf", "offset 0x3010 and size 0xffffffffffffe000",
		 GOMEM_E_FORMAT},
		{"tests/data/binary/malformed/truncated.elf", "its section headers", GOMEM_E_TRUNCATED},
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(cases); i++) {
		gomem_error err;

		ck_assert_int_eq(open_code(test_path(cases[i].file), 0, &err), cases[i].code);
		ck_assert_msg(strstr(err.message, cases[i].says) != NULL, "%s", err.message);
		/* No offset+size that wrapped is ever printed. */
		ck_assert_ptr_null(strstr(err.message, "18446744073709"));
		ck_assert(err.has_offset);
	}
}
END_TEST

/* DWARF is read only when asked for, and its compressed sections are
 * counted against the cap from their headers, before libdw inflates them. */
START_TEST(test_dwarf_on_demand_and_capped)
{
	const char *good = "tests/data/layout/malformed/dwarf-zlib-good.elf";
	gomem_binary *bin = open_with(good, 0, NULL);
	gomem_buildinfo *bi = NULL;
	Dwarf *dw;

	ck_assert(gomem_binary_get_info(bin)->has_dwarf);
	ck_assert(!bin->dwarf_tried);
	ck_assert_uint_eq(bin->held, 0);
	gomem_buildinfo_read(&bi, bin);
	ck_assert(!bin->dwarf_tried);
	ck_assert_int_eq(gomem_binary_dwarf(bin, &dw), GOMEM_OK);
	ck_assert_ptr_nonnull(dw);
	ck_assert_uint_eq(bin->held, 56 + 153); /* .debug_abbrev and .debug_info, inflated */
	ck_assert_ptr_null(gomem_binary_debug_file(bin));
	ck_assert_str_eq(gomem_binary_debug_places(bin), "");
	gomem_binary_free(bin);

	bin = open_with(good, 100, NULL);
	ck_assert_int_eq(gomem_binary_dwarf(bin, &dw), GOMEM_E_LIMIT);
	ck_assert_ptr_null(dw);
	ck_assert(gomem_binary_error(bin)->has_offset);
	ck_assert_uint_eq(gomem_binary_error(bin)->offset, 143); /* .debug_info's header */
	ck_assert_ptr_nonnull(strstr(gomem_binary_error(bin)->message, ".debug_info inflates to 153 bytes"));
	/* Asked again: the same answer, nothing more held. */
	ck_assert_int_eq(gomem_binary_dwarf(bin, &dw), GOMEM_E_LIMIT);
	ck_assert_uint_eq(bin->held, 56);
	gomem_binary_free(bin);
}
END_TEST

/* ---- separate debug files ----------------------------------------------------------- */

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *data = slurp(from, &len);
	FILE *fp = fopen(to, "wb");

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
	free(data);
}

/* go-synthetic.elf has no DWARF and the build ID of the C program it was
 * made from; dwarf-bad-line.elf has the same build ID, and DWARF. */
#define SYNTH_ID_DIR ".build-id/e3"
#define SYNTH_ID_FILE SYNTH_ID_DIR "/ffbb5a4ab58c5001020666b67e5b2ba20736d0.debug"

START_TEST(test_debug_file_by_build_id)
{
	char dir[] = "/tmp/gomem-debug-XXXXXX", path[256], both[600], want[300];
	gomem_binary *bin;
	Dwarf *dw;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/.build-id", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/" SYNTH_ID_DIR, dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(both, sizeof(both), "/nonexistent-gomem:%s", dir);

	/* Nothing there yet: NOTFOUND, and the places looked in, in order. */
	bin = open_with("tests/data/binary/malformed/go-synthetic.elf", 0, both);
	ck_assert(!gomem_binary_get_info(bin)->has_dwarf);
	ck_assert_int_eq(gomem_binary_dwarf(bin, &dw), GOMEM_E_NOTFOUND);
	snprintf(want, sizeof(want), "/nonexistent-gomem/" SYNTH_ID_FILE ", %s/" SYNTH_ID_FILE, dir);
	ck_assert_str_eq(gomem_binary_debug_places(bin), want);
	ck_assert_ptr_nonnull(strstr(gomem_binary_error(bin)->message, "no separate debug file found"));
	gomem_binary_free(bin);

	/* A file whose build ID differs is not taken. */
	snprintf(path, sizeof(path), "%s/" SYNTH_ID_FILE, dir);
	copy_file(test_path("tests/data/layout/malformed/good.elf"), path);
	bin = open_with("tests/data/binary/malformed/go-synthetic.elf", 0, dir);
	ck_assert_int_eq(gomem_binary_dwarf(bin, &dw), GOMEM_E_NOTFOUND);
	snprintf(want, sizeof(want), "%s (build ID differs)", path);
	ck_assert_str_eq(gomem_binary_debug_places(bin), want);
	gomem_binary_free(bin);

	/* The right one is, and symbolizing from DWARF reads it. */
	copy_file(test_path("tests/data/binary/malformed/dwarf-bad-line.elf"), path);
	bin = open_with("tests/data/binary/malformed/go-synthetic.elf", 0, both);
	ck_assert_int_eq(gomem_binary_dwarf(bin, &dw), GOMEM_OK);
	ck_assert_str_eq(gomem_binary_debug_file(bin), path);
	gomem_binary_free(bin);
	unlink(path);
	snprintf(path, sizeof(path), "%s/" SYNTH_ID_DIR, dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/.build-id", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

/* A .debug_line that cannot be inflated: libdw opens the DWARF and has no
 * line for any PC; AUTO answers from .gopclntab for those PCs, PC by PC. */
START_TEST(test_symbolize_falls_back_per_pc)
{
	gomem_binary *bin = open_ok("tests/data/binary/malformed/dwarf-bad-line.elf");
	gomem_symbolizer_options o = GOMEM_SYMBOLIZER_OPTIONS_INIT;
	gomem_symbolizer *s = NULL;
	const gomem_sym_frame *f;
	size_t n;

	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_symbolizer_source(s), GOMEM_SYMSRC_DWARF);
	ck_assert_int_eq(gomem_symbolize_pc(s, 0x401009, &f, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(f[0].function, "main.outer");
	ck_assert_str_eq(f[0].file, "/src/b.go");
	ck_assert_int_eq(f[0].line, 20);
	/* A function DWARF does not know at all. */
	ck_assert_int_eq(gomem_symbolize_pc(s, 0x401020, &f, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(f[0].function, "main.G[...]");
	gomem_symbolizer_free(s);
	/* Asked for DWARF alone, DWARF's answer stands. */
	o.source = GOMEM_SYMSRC_DWARF;
	ck_assert_int_eq(gomem_symbolizer_new(&s, bin, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_symbolize_pc(s, 0x401009, &f, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(f[0].file, "?");
	ck_assert_int_eq(f[0].line, 0);
	ck_assert_int_eq(gomem_symbolize_pc(s, 0x401020, &f, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 0);
	gomem_symbolizer_free(s);
	gomem_binary_free(bin);
}
END_TEST

Suite *suite_binary(void)
{
	Suite *s = suite_create("binary");
	TCase *tc = tcase_create("open");

	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_c_program_has_no_go);
	tcase_add_test(tc, test_open_not_files);
	tcase_add_test(tc, test_open_gzip_capped);
	tcase_add_test(tc, test_open_wrapped_sections);
	tcase_add_test(tc, test_dwarf_on_demand_and_capped);
	tcase_add_test(tc, test_debug_file_by_build_id);
	suite_add_tcase(s, tc);
	tc = tcase_create("buildinfo");
	tcase_add_test(tc, test_buildinfo_fixture);
	tcase_add_test(tc, test_buildinfo_modules_and_quoting);
	tcase_add_test(tc, test_buildinfo_errors);
	tcase_add_test(tc, test_buildinfo_blob_shapes);
	tcase_add_test(tc, test_buildinfo_pointers);
	tcase_add_test(tc, test_buildinfo_bad_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("pclntab");
	tcase_add_loop_test(tc, test_pclntab_synthetic, 0, 2);
	tcase_add_test(tc, test_pclntab_errors);
	tcase_add_test(tc, test_print_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("symbolize");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_symbolize_chain_fixture);
	tcase_add_test(tc, test_symbolize_stack_physical_and_logical);
	tcase_add_loop_test(tc, test_symbolize_debug1_text, 0, 2);
	tcase_add_test(tc, test_symbolize_heap_profile);
	tcase_add_loop_test(tc, test_symbolize_proto_profile, 0, 2);
	tcase_add_test(tc, test_symbolize_proto_dump);
	tcase_add_test(tc, test_symbolize_guessed_bias);
	tcase_add_test(tc, test_symbolizer_sources);
	tcase_add_test(tc, test_symbolize_falls_back_per_pc);
	suite_add_tcase(s, tc);
	return s;
}
