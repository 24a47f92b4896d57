/* SPDX-License-Identifier: Apache-2.0 */
/* buildinfo.c — the .go.buildinfo blob and the module text in it, read the
 * way Go's debug/buildinfo and runtime/debug.ParseBuildInfo read them (so
 * that what we print equals `go version -m`): the blob at a 16-byte aligned
 * "\xff Go buildinf:" magic; from Go 1.18 (flags bit 1) two uvarint-prefixed
 * strings at offset 32, before that two pointers to string headers; the
 * module text framed by 16-byte sentinels. */
#include <stdlib.h>
#include <string.h>

#include "binary-internal.h"

#define BUILDINFO_MAGIC "\xff Go buildinf:"
#define BUILDINFO_MAGIC_LEN 14
#define BUILDINFO_ALIGN 16
#define BUILDINFO_HEADER 32
#define MODINFO_SENTINEL 16

struct bi_owner {
	gomem_buildinfo pub;
	gomem_strpool strings;
	gomem_buildinfo_module *deps;
	gomem_buildinfo_module *replaces;
	size_t nreplaces;
	gomem_buildinfo_setting *settings;
};

/* Where the blob came from, for error offsets. */
struct bi_input {
	const char *name;
	uint64_t file_offset;  /* offset of the blob's section in the file */
	gomem_error *err;
};

static const char *pool_str(struct bi_owner *o, const char *s, size_t len)
{
	uint32_t id;

	if (gomem_strpool_add(&o->strings, s, len, &id) != GOMEM_OK)
		return NULL;
	return gomem_strpool_get(&o->strings, id);
}

/* ---- Go string literals (strconv.Unquote, for build settings) ----------- */

/* One escape after a backslash at S[*i] (S[*i] is the letter). */
static int unescape(gomem_buf *b, const char *s, size_t len, size_t *i)
{
	static const char simple[] = "abfnrtv\\\"'";
	static const char value[] = "\a\b\f\n\r\t\v\\\"'";
	const char *p = strchr(simple, s[*i]);
	int digits = 0, base = 16;
	uint32_t r = 0;

	if (p != NULL && *p != '\0') {
		(*i)++;
		return gomem_buf_append(b, &value[p - simple], 1);
	}
	switch (s[*i]) {
	case 'x': digits = 2; break;
	case 'u': digits = 4; break;
	case 'U': digits = 8; break;
	default:
		if (s[*i] < '0' || s[*i] > '7')
			return GOMEM_E_FORMAT;
		digits = 3;
		base = 8;
		(*i)--;
	}
	(*i)++;
	if (len - *i < (size_t)digits)
		return GOMEM_E_FORMAT;
	for (int k = 0; k < digits; k++) {
		int v = gomem_hex_value((unsigned char)s[*i + k]);

		if (v < 0 || v >= base)
			return GOMEM_E_FORMAT;
		r = r * (uint32_t)base + (uint32_t)v;
	}
	*i += (size_t)digits;
	if (base == 8 || digits == 2) {
		char c = (char)r;

		return r > 255 ? GOMEM_E_FORMAT : gomem_buf_append(b, &c, 1);
	}
	return gomem_buf_put_utf8(b, r);
}

/* A Go string literal at the start of S ("..." or `...`): its value into B
 * and its length in *USED. GOMEM_E_FORMAT when it is not one. */
static int go_unquote_prefix(gomem_buf *b, const char *s, size_t len, size_t *used)
{
	size_t i = 1;

	if (len < 2)
		return GOMEM_E_FORMAT;
	if (s[0] == '`') {
		const char *end = memchr(s + 1, '`', len - 1);

		if (end == NULL)
			return GOMEM_E_FORMAT;
		for (const char *c = s + 1; c < end; c++)
			if (*c != '\r' && gomem_buf_append(b, c, 1) != GOMEM_OK)
				return GOMEM_E_NOMEM;
		*used = (size_t)(end - s) + 1;
		return GOMEM_OK;
	}
	if (s[0] != '"')
		return GOMEM_E_FORMAT;
	while (i < len && s[i] != '"') {
		if (s[i] == '\n')
			return GOMEM_E_FORMAT;
		if (s[i] == '\\') {
			i++;
			if (i >= len || unescape(b, s, len, &i) != GOMEM_OK)
				return GOMEM_E_FORMAT;
			continue;
		}
		if (gomem_buf_append(b, &s[i], 1) != GOMEM_OK)
			return GOMEM_E_NOMEM;
		i++;
	}
	if (i >= len)
		return GOMEM_E_FORMAT;
	*used = i + 1;
	return GOMEM_OK;
}

/* ---- the module text (runtime/debug.ParseBuildInfo) ---------------------- */

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static size_t count_lines_with(const char *text, size_t len, const char *prefix)
{
	size_t n = 0;

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - text) - pos : len - pos;

		n += has_prefix(text + pos, l, prefix);
		pos += l + 1;
	}
	return n;
}

/* Splits a module line's columns (tab-separated) into M. */
static int read_module(struct bi_owner *o, gomem_buildinfo_module *m, const char *s, size_t len,
		       bool replacement)
{
	const char *col[3] = {s, NULL, NULL};
	size_t collen[3] = {len, 0, 0};
	size_t n = 1;

	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\t')
			continue;
		if (n == 3)
			return GOMEM_E_FORMAT;
		collen[n - 1] = (size_t)(s + i - col[n - 1]);
		col[n] = s + i + 1;
		collen[n] = len - i - 1;
		n++;
	}
	if (n < 2 || (replacement && n != 3))
		return GOMEM_E_FORMAT;
	m->path = pool_str(o, col[0], collen[0]);
	m->version = pool_str(o, col[1], collen[1]);
	m->sum = pool_str(o, n == 3 ? col[2] : "", n == 3 ? collen[2] : 0);
	m->replace = NULL;
	return m->path && m->version && m->sum ? GOMEM_OK : GOMEM_E_NOMEM;
}

static bool needs_quote(const char *s, size_t len, bool key)
{
	for (size_t i = 0; i < len; i++)
		if (strchr(key ? "= \t\r\n\"`" : " \t\r\n\"`", s[i]) != NULL && s[i] != '\0')
			return true;
	return key && len == 0;
}

/* "build KEY=VALUE" after "build\t": S/LEN. */
static int read_setting(struct bi_owner *o, gomem_buildinfo_setting *st, const char *s, size_t len,
			const char **why)
{
	gomem_buf key, value;
	size_t keylen, used = 0;
	const char *raw_value;
	int rc = GOMEM_E_FORMAT;

	gomem_buf_init(&key, len + 1);
	gomem_buf_init(&value, len + 1);
	*why = "build line missing '='";
	if (len == 0)
		goto out;
	if (s[0] == '=') {
		*why = "build line with missing key";
		goto out;
	}
	if (s[0] == '"' || s[0] == '`') {
		*why = "invalid quoted key in build line";
		if (go_unquote_prefix(&key, s, len, &used) != GOMEM_OK)
			goto out;
		*why = "unexpected character after quoted key";
		if (used == len || s[used] != '=')
			goto out;
		keylen = used;
	} else {
		const char *eq = memchr(s, '=', len);

		*why = "build line missing '=' after key";
		if (eq == NULL)
			goto out;
		keylen = (size_t)(eq - s);
		*why = "unquoted key must be quoted";
		if (needs_quote(s, keylen, true))
			goto out;
		if (gomem_buf_append(&key, s, keylen) != GOMEM_OK)
			goto nomem;
	}
	raw_value = s + keylen + 1;
	used = len - keylen - 1;
	if (used > 0 && (raw_value[0] == '"' || raw_value[0] == '`')) {
		size_t qlen = 0;

		*why = "invalid quoted value in build line";
		if (go_unquote_prefix(&value, raw_value, used, &qlen) != GOMEM_OK || qlen != used)
			goto out;
	} else {
		*why = "unquoted value must be quoted";
		if (needs_quote(raw_value, used, false))
			goto out;
		if (used > 0 && gomem_buf_append(&value, raw_value, used) != GOMEM_OK)
			goto nomem;
	}
	st->key = pool_str(o, key.data ? key.data : "", key.len);
	st->value = pool_str(o, value.data ? value.data : "", value.len);
	st->raw_key = pool_str(o, s, keylen);
	st->raw_value = pool_str(o, raw_value, used);
	rc = st->key && st->value && st->raw_key && st->raw_value ? GOMEM_OK : GOMEM_E_NOMEM;
	goto out;
nomem:
	rc = GOMEM_E_NOMEM;
out:
	gomem_buf_free(&key);
	gomem_buf_free(&value);
	return rc;
}

static int alloc_arrays(struct bi_owner *o, const char *text, size_t len)
{
	size_t ndeps = count_lines_with(text, len, "dep\t");
	size_t nrep = count_lines_with(text, len, "=>\t");
	size_t nset = count_lines_with(text, len, "build\t");

	o->deps = calloc(ndeps + 1, sizeof(*o->deps));
	o->replaces = calloc(nrep + 1, sizeof(*o->replaces));
	o->settings = calloc(nset + 1, sizeof(*o->settings));
	return o->deps && o->replaces && o->settings ? GOMEM_OK : GOMEM_E_NOMEM;
}

/* One line of the module text; *LAST is the module a "=>" line replaces. */
static int parse_line(struct bi_owner *o, const char *line, size_t l, gomem_buildinfo_module **last,
		      const char **why)
{
	gomem_buildinfo *bi = &o->pub;
	int rc = GOMEM_OK;

	*why = "expected 2 or 3 columns";
	if (has_prefix(line, l, "path\t")) {
		bi->path = pool_str(o, line + 5, l - 5);
		return bi->path ? GOMEM_OK : GOMEM_E_NOMEM;
	}
	if (has_prefix(line, l, "mod\t")) {
		*last = &o->pub.main;
		bi->has_main = true;
		return read_module(o, *last, line + 4, l - 4, false);
	}
	if (has_prefix(line, l, "dep\t")) {
		*last = &o->deps[bi->ndeps++];
		return read_module(o, *last, line + 4, l - 4, false);
	}
	if (has_prefix(line, l, "=>\t")) {
		gomem_buildinfo_module *r = &o->replaces[o->nreplaces];

		*why = "expected 3 columns for replacement";
		if ((rc = read_module(o, r, line + 3, l - 3, true)) != GOMEM_OK)
			return rc;
		*why = "replacement with no module on previous line";
		if (*last == NULL)
			return GOMEM_E_FORMAT;
		o->nreplaces++;
		(*last)->replace = r;
		*last = NULL;
		return GOMEM_OK;
	}
	if (has_prefix(line, l, "build\t"))
		return read_setting(o, &o->settings[bi->nsettings++], line + 6, l - 6, why);
	return GOMEM_OK; /* other lines are ignored, as Go does */
}

static int parse_modinfo(struct bi_owner *o, const char *text, size_t len, uint64_t text_offset,
			 const struct bi_input *in)
{
	gomem_buildinfo_module *last = NULL;
	uint64_t lineno = 1;
	int rc;

	if ((rc = alloc_arrays(o, text, len)) != GOMEM_OK)
		return gomem_error_set(in->err, rc, "out of memory");
	o->pub.deps = o->deps;
	o->pub.settings = o->settings;
	for (size_t pos = 0; pos < len; lineno++) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l;
		const char *why;

		if (nl == NULL)
			break; /* a last line without '\n' is dropped, as Go does */
		l = (size_t)(nl - text) - pos;
		if ((rc = parse_line(o, text + pos, l, &last, &why)) != GOMEM_OK) {
			if (rc == GOMEM_E_NOMEM)
				return gomem_error_set(in->err, rc, "out of memory");
			return gomem_error_at_byte(in->err, rc, text_offset + pos,
						   "could not parse Go build info: line %llu: %s",
						   (unsigned long long)lineno, why);
		}
		pos += l + 1;
	}
	return GOMEM_OK;
}

/* ---- the blob ------------------------------------------------------------ */

/* Go's decodeString: a uvarint length and the bytes; "" when it does not fit. */
static const unsigned char *decode_string(const unsigned char *p, const unsigned char *end,
					  const unsigned char **s, size_t *len)
{
	uint64_t v = 0;
	unsigned shift = 0;

	*s = NULL;
	*len = 0;
	for (; p < end && shift < 64; shift += 7) {
		unsigned char c = *p++;

		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			if (v > (uint64_t)(end - p))
				return NULL;
			*s = p;
			*len = (size_t)v;
			return p + v;
		}
	}
	return NULL;
}

/* A Go string through its header (pointer, length) at ADDR: pre-1.18 blobs. */
static int read_string_at(gomem_binary *bin, uint64_t addr, const unsigned char **s, size_t *len)
{
	size_t ps = (size_t)bin->info.ptr_size;
	const unsigned char *hdr = gomem_binary_at(bin, addr, 2 * ps);
	uint64_t data, n;

	*s = NULL;
	*len = 0;
	if (hdr == NULL)
		return GOMEM_OK;
	data = gomem_binary_uptr(bin, hdr);
	n = gomem_binary_uptr(bin, hdr + ps);
	if (n > SIZE_MAX || (*s = gomem_binary_at(bin, data, (size_t)n)) == NULL)
		return GOMEM_OK;
	*len = (size_t)n;
	return GOMEM_OK;
}

/* The blob at its aligned magic inside DATA/LEN: offset in *AT, or not found. */
static bool find_blob(const unsigned char *data, size_t len, size_t *at)
{
	for (size_t i = 0; i + BUILDINFO_HEADER <= len; i += BUILDINFO_ALIGN) {
		if (memcmp(data + i, BUILDINFO_MAGIC, BUILDINFO_MAGIC_LEN) == 0) {
			*at = i;
			return true;
		}
	}
	return false;
}

static int finish(struct bi_owner *o, const unsigned char *vers, size_t vlen,
		  const unsigned char *mod, size_t mlen, uint64_t mod_offset, const struct bi_input *in)
{
	int rc;

	if (vers == NULL || vlen == 0)
		return gomem_error_set(in->err, GOMEM_E_NOTFOUND, "not a Go executable (no Go version "
					"in the build info)");
	o->pub.go_version = pool_str(o, (const char *)vers, vlen);
	o->pub.path = pool_str(o, "", 0);
	o->pub.modinfo = o->pub.path;
	/* The module text is framed by sentinels; without them Go shows none. */
	if (mod != NULL && mlen >= 2 * MODINFO_SENTINEL + 1 && mod[mlen - 17] == '\n') {
		mod += MODINFO_SENTINEL;
		mlen -= 2 * MODINFO_SENTINEL;
		o->pub.modinfo = pool_str(o, (const char *)mod, mlen);
		if (o->pub.modinfo == NULL)
			return gomem_error_set(in->err, GOMEM_E_NOMEM, "out of memory");
		if ((rc = parse_modinfo(o, o->pub.modinfo, mlen, mod_offset + MODINFO_SENTINEL, in)) !=
		    GOMEM_OK)
			return rc;
	}
	if (o->pub.go_version == NULL || o->pub.path == NULL)
		return gomem_error_set(in->err, GOMEM_E_NOMEM, "out of memory");
	if (o->pub.deps == NULL && alloc_arrays(o, "", 0) == GOMEM_OK) {
		o->pub.deps = o->deps;
		o->pub.settings = o->settings;
	}
	if (!o->pub.has_main)
		o->pub.main.path = o->pub.main.version = o->pub.main.sum = o->pub.path;
	return o->pub.deps ? GOMEM_OK : gomem_error_set(in->err, GOMEM_E_NOMEM, "out of memory");
}

/* Decodes the blob in DATA/LEN (a section's bytes); BIN (NULL when fuzzing)
 * resolves the pointers of pre-1.18 blobs. */
static int decode_blob(struct bi_owner *o, gomem_binary *bin, const unsigned char *data, size_t len,
		       const struct bi_input *in)
{
	const unsigned char *vers = NULL, *mod = NULL, *p, *end = data + len;
	size_t at, vlen = 0, mlen = 0;
	uint64_t mod_offset = in->file_offset;

	if (!find_blob(data, len, &at))
		return gomem_error_set(in->err, GOMEM_E_NOTFOUND, "not a Go executable (no build info)");
	p = data + at;
	if (p[15] & 2) {
		const unsigned char *next = decode_string(p + BUILDINFO_HEADER, end, &vers, &vlen);

		if (next != NULL) {
			mod_offset = in->file_offset + (uint64_t)(next - data);
			if (decode_string(next, end, &mod, &mlen) != NULL)
				mod_offset += (uint64_t)(mod - next);
		}
	} else {
		int ps = p[14];

		if (ps != 4 && ps != 8)
			return gomem_error_at_byte(in->err, GOMEM_E_FORMAT, in->file_offset + at + 14,
						   "build info: pointer size %d is not 4 or 8", ps);
		if (bin == NULL)
			return gomem_error_at_byte(in->err, GOMEM_E_UNSUPPORTED, in->file_offset + at,
						   "build info before Go 1.18 needs the binary");
		read_string_at(bin, ps == 8 ? gomem_binary_u64(bin, p + 16) : gomem_binary_u32(bin, p + 16),
			       &vers, &vlen);
		read_string_at(bin, ps == 8 ? gomem_binary_u64(bin, p + 16 + 8)
					    : gomem_binary_u32(bin, p + 16 + 4), &mod, &mlen);
		mod_offset = 0;
	}
	return finish(o, vers, vlen, mod, mlen, mod_offset, in);
}

static struct bi_owner *owner_new(void)
{
	struct bi_owner *o = calloc(1, sizeof(*o));

	if (o != NULL)
		gomem_strpool_init(&o->strings);
	return o;
}

void gomem_buildinfo_free(gomem_buildinfo *bi)
{
	struct bi_owner *o = (struct bi_owner *)bi;

	if (o == NULL)
		return;
	gomem_strpool_free(&o->strings);
	free(o->deps);
	free(o->replaces);
	free(o->settings);
	free(o);
}

int gomem_buildinfo_from_buffer(gomem_buildinfo **out, const void *data, size_t len,
				const char *name, gomem_error *err)
{
	struct bi_owner *o;
	struct bi_input in = {name, 0, err};
	int rc;

	*out = NULL;
	if (err != NULL)
		gomem_error_set_source(err, name);
	if ((o = owner_new()) == NULL)
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	if ((rc = decode_blob(o, NULL, data, len, &in)) != GOMEM_OK) {
		gomem_buildinfo_free(&o->pub);
		return rc;
	}
	*out = &o->pub;
	return GOMEM_OK;
}

int gomem_buildinfo_read(gomem_buildinfo **out, gomem_binary *bin)
{
	const gomem_section *s = &bin->buildinfo;
	gomem_section data;
	struct bi_input in = {bin->path, 0, &bin->err};
	struct bi_owner *o;
	int rc;

	*out = NULL;
	/* Before .go.buildinfo had its own section (Go < 1.13? and some
	 * linkers), the blob sits at the start of the data segment. */
	if (!s->found || s->data == NULL) {
		rc = gomem_binary_section(bin, ".data", &data);
		if (rc != GOMEM_OK && rc != GOMEM_E_NOTFOUND)
			return rc;
		s = &data;
		if (!data.found || data.data == NULL)
			return gomem_error_set(&bin->err, GOMEM_E_NOTFOUND,
					       "not a Go executable (no .go.buildinfo section)");
	}
	in.file_offset = s->offset;
	if ((o = owner_new()) == NULL)
		return gomem_error_set(&bin->err, GOMEM_E_NOMEM, "out of memory");
	if ((rc = decode_blob(o, bin, s->data, s->size, &in)) != GOMEM_OK) {
		gomem_buildinfo_free(&o->pub);
		return rc;
	}
	*out = &o->pub;
	return GOMEM_OK;
}

const char *gomem_buildinfo_setting_value(const gomem_buildinfo *bi, const char *key)
{
	for (size_t i = 0; i < bi->nsettings; i++)
		if (strcmp(bi->settings[i].key, key) == 0)
			return bi->settings[i].value;
	return NULL;
}

/* ---- `go version -m` ------------------------------------------------------ */

/* Written by the people's text rule (gomem_text_write): module paths and
 * settings come from a binary nobody vetted. */

static void write_module(FILE *fp, const char *word, const gomem_buildinfo_module *m)
{
	gomem_text_printf(fp, "\t%s\t%s\t%s", word, m->path, m->version);
	if (m->replace == NULL) {
		gomem_text_printf(fp, "\t%s\n", m->sum);
		return;
	}
	fputc('\n', fp);
	write_module(fp, "=>", m->replace);
}

int gomem_buildinfo_write_text(const gomem_buildinfo *bi, const char *file, FILE *fp)
{
	bool main_set = bi->has_main && (bi->main.path[0] || bi->main.version[0] ||
					 bi->main.sum[0] || bi->main.replace);

	gomem_text_printf(fp, "%s: %s\n", file, bi->go_version);
	if (bi->path[0])
		gomem_text_printf(fp, "\tpath\t%s\n", bi->path);
	if (main_set)
		write_module(fp, "mod", &bi->main);
	for (size_t i = 0; i < bi->ndeps; i++)
		write_module(fp, "dep", &bi->deps[i]);
	/* Go unquotes and re-quotes with strconv.Quote, which is how the
	 * linker wrote them: a value that needs quotes prints as written. */
	for (size_t i = 0; i < bi->nsettings; i++) {
		const gomem_buildinfo_setting *st = &bi->settings[i];
		bool qk = needs_quote(st->key, strlen(st->key), true);
		bool qv = needs_quote(st->value, strlen(st->value), false);

		gomem_text_printf(fp, "\tbuild\t%s=%s\n", qk ? st->raw_key : st->key, qv ? st->raw_value : st->value);
	}
	return ferror(fp) ? GOMEM_E_IO : GOMEM_OK;
}
