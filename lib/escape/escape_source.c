/* SPDX-License-Identifier: Apache-2.0 */
/* escape_source.c — the source files an escape report names, read only when
 * asked (function names, --annotate, the go.mod of -json's package main)
 * and only safely: a file is read when, symbolic links resolved, it lies
 * below the source directory or a root the user added, is a regular file
 * (a FIFO or /dev/zero named in hostile input would never end) and is not
 * larger than the cap (checked before reading, and the read stops there). */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape/escape-internal.h"

#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* ---- the rules ------------------------------------------------------------------ */

/* Whether the resolved path P is DIR or below it (DIR resolved too). */
static bool below(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return true;
	return strncmp(p, dir, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

static bool allowed(const gomem_escape_source_options *o, const char *resolved)
{
	char dir[PATH_MAX];

	if (realpath(o->dir ? o->dir : ".", dir) && below(resolved, dir))
		return true;
	for (size_t i = 0; i < o->nroots; i++)
		if (o->roots[i] && realpath(o->roots[i], dir) && below(resolved, dir))
			return true;
	return false;
}

static uint64_t cap_of(const gomem_escape_source_options *o)
{
	return o->max_size ? o->max_size : GOMEM_ESCAPE_SOURCE_MAX;
}

/* Reads the regular file RESOLVED whole, at most the cap. */
static int load_file(struct esc_source_file *f, const gomem_escape_source_options *o, const char *resolved,
		     const char **why)
{
	uint64_t cap = cap_of(o);
	struct stat st;
	size_t size, got = 0;
	int fd = open(resolved, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		*why = strerror(errno);
		return GOMEM_E_IO;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = "not a regular file";
		return GOMEM_E_INVALID;
	}
	if ((uint64_t)st.st_size > cap || (uint64_t)st.st_size >= SIZE_MAX) {
		close(fd);
		*why = "larger than the --max-source cap";
		return GOMEM_E_LIMIT;
	}
	size = (size_t)st.st_size;
	if (!(f->data = malloc(size + 1))) {
		close(fd);
		return GOMEM_E_NOMEM;
	}
	/* the file may have grown since fstat: never past what was allocated */
	while (got < size) {
		ssize_t n = read(fd, f->data + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	f->data[got] = '\0';
	f->len = got;
	return GOMEM_OK;
}

/* Tries CANDIDATE: 1 when it does not exist, else the result of reading
 * it under the rules. */
static int try_candidate(struct esc_source_file *f, const gomem_escape_source_options *o, const char *candidate,
			 const char **why)
{
	char resolved[PATH_MAX];

	if (!realpath(candidate, resolved))
		return 1;
	if (!allowed(o, resolved)) {
		*why = "outside the source directory; --source-root widens it";
		return GOMEM_E_INVALID;
	}
	if (snprintf(f->path, sizeof(f->path), "%s", resolved) >= (int)sizeof(f->path)) {
		*why = "path too long";
		return GOMEM_E_INVALID;
	}
	return load_file(f, o, resolved, why);
}

int esc_source_load(struct esc_source_file *f, const gomem_escape_source_options *o, const char *path,
		    const char **why)
{
	static const gomem_escape_source_options defaults = GOMEM_ESCAPE_SOURCE_OPTIONS_INIT;
	const char *dir, *t;
	char cand[PATH_MAX];
	int rc;

	memset(f, 0, sizeof(*f));
	o = o ? o : &defaults;
	dir = o->dir ? o->dir : ".";
	*why = "not found";
	if (path[0] == '\0' || path[0] == '<')
		return GOMEM_E_NOTFOUND;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	/* as printed: an absolute path, or relative to where the build ran */
	if ((path[0] == '/' ? snprintf(cand, sizeof(cand), "%s", path)
			    : snprintf(cand, sizeof(cand), "%s/%s", dir, path)) >= (int)sizeof(cand))
		return GOMEM_E_NOTFOUND;
	if ((rc = try_candidate(f, o, cand, why)) <= 0)
		return rc;
	/* not there: a log from another machine or a stale cache replay; its
	 * ever shorter tails under the source directory */
	for (t = strchr(path + (path[0] == '/'), '/'); t; t = strchr(t, '/')) {
		while (*t == '/')
			t++;
		if (!*t || (size_t)snprintf(cand, sizeof(cand), "%s/%s", dir, t) >= sizeof(cand))
			break;
		if ((rc = try_candidate(f, o, cand, why)) <= 0)
			return rc;
	}
	*why = "not found";
	return GOMEM_E_NOTFOUND;
}

void esc_source_free(struct esc_source_file *f)
{
	free(f->data);
	f->data = NULL;
}

/* ---- function declarations --------------------------------------------------- */

struct fdecl {
	uint32_t first, last; /* lines */
	uint32_t name;
};

/* "func (r *T[K]) Name[T any](" -> "(*T).Name"; "func Name(" -> "Name". */
static int func_name(gomem_escape_set *s, const char *l, size_t len, uint32_t *id)
{
	const char *e = l + len, *q = l + 5, *n;
	char buf[512];
	int k = 0;

	if (q < e && *q == '(') {
		const char *close = memchr(q, ')', (size_t)(e - q)), *t;
		bool ptr;

		if (!close)
			return 1;
		t = close;
		while (t > q && (t[-1] == ' ' || t[-1] == ']')) {
			if (t[-1] == ']')
				while (t > q && *t != '[')
					t--;
			else
				t--;
		}
		n = t;
		while (n > q && esc_is_ident((unsigned char)n[-1]))
			n--;
		ptr = n > q && n[-1] == '*';
		k = snprintf(buf, sizeof(buf), ptr ? "(*%.*s)." : "%.*s.", (int)(t - n), n);
		q = close + 1;
		while (q < e && *q == ' ')
			q++;
	}
	n = q;
	while (q < e && esc_is_ident((unsigned char)*q))
		q++;
	if (q == n || k < 0 || (size_t)k + (size_t)(q - n) >= sizeof(buf))
		return 1;
	memcpy(buf + k, n, (size_t)(q - n));
	return esc_intern(s, buf, (size_t)k + (size_t)(q - n), id);
}

/* Whether a top-level line ends the function before it: its closing brace
 * (gofmt puts it in column 1) or another declaration. */
static bool ends_function(const char *l, size_t len)
{
	return (len >= 1 && l[0] == '}') || esc_has_prefix(l, len, ESC_LIT("var ")) ||
	       esc_has_prefix(l, len, ESC_LIT("var(")) || esc_has_prefix(l, len, ESC_LIT("const ")) ||
	       esc_has_prefix(l, len, ESC_LIT("const(")) || esc_has_prefix(l, len, ESC_LIT("type ")) ||
	       esc_has_prefix(l, len, ESC_LIT("import "));
}

/* A one-line function: "func (t T) M() {}", "func f() int { return 1 }". */
static bool one_line(const char *l, size_t len)
{
	while (len && (l[len - 1] == ' ' || l[len - 1] == '\t' || l[len - 1] == '\r'))
		len--;
	return len && l[len - 1] == '}' && memchr(l, '{', len);
}

/* The top-level functions of a Go source, each with its line range; code
 * outside them (package-level var initialisers) belongs to none. */
static int scan_funcs(gomem_escape_set *s, const char *text, size_t size, struct fdecl **out, size_t *n)
{
	const char *l = text, *end = text + size;
	uint32_t lineno = 0;
	size_t cap = 0;
	bool open = false;
	int rc;

	*out = NULL;
	*n = 0;
	for (; l < end; lineno++) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		size_t len = nl ? (size_t)(nl - l) : (size_t)(end - l);
		uint32_t name;

		if (lineno == UINT32_MAX)
			break;
		bool func = esc_has_prefix(l, len, ESC_LIT("func "));

		if (open && (func || ends_function(l, len))) {
			(*out)[*n - 1].last = lineno + (l[0] == '}');
			open = false;
		}
		if (func && (rc = func_name(s, l, len, &name)) <= 0) {
			if (rc < 0 || (rc = GOMEM_GROW(*out, cap, *n + 1, (size_t)1 << 24)) < 0)
				return rc;
			(*out)[(*n)++] = (struct fdecl){lineno + 1, UINT32_MAX, name};
			open = !one_line(l, len);
			if (!open)
				(*out)[*n - 1].last = lineno + 1;
		}
		l = nl ? nl + 1 : end;
	}
	return GOMEM_OK;
}

static uint32_t func_at(const struct fdecl *f, size_t n, uint32_t line, uint32_t none)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f[mid].first <= line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && line <= f[lo - 1].last ? f[lo - 1].name : none;
}

static int cmp_by_path(const void *a, const void *b, void *ctx)
{
	const struct esc_rec *r = ctx;
	uint32_t x = r[*(const uint32_t *)a].path, y = r[*(const uint32_t *)b].path;

	return (x > y) - (x < y);
}

/* A file not read for function names: a warning, but files outside the
 * source directory (every standard-library file in a -m log, say) are
 * counted into one at the end. Files that are not there say nothing. */
static int note_refusal(gomem_escape_set *s, const char *path, const char *why, int code, size_t *outside,
			uint32_t *first_outside)
{
	char msg[1024];
	int n;

	if (code == GOMEM_E_NOTFOUND || code == GOMEM_E_NOMEM)
		return code == GOMEM_E_NOMEM ? code : GOMEM_OK;
	if (code == GOMEM_E_INVALID && strncmp(why, "outside", 7) == 0) {
		if ((*outside)++ == 0)
			return esc_intern(s, path, strlen(path), first_outside);
		return GOMEM_OK;
	}
	n = snprintf(msg, sizeof(msg), "source not read for function names: %s", why);
	return esc_add_diag(s, s->empty, path, msg, n < 0 ? 0 : (size_t)n, 0, 0, false);
}

static int note_outside(gomem_escape_set *s, size_t outside, uint32_t first)
{
	char msg[256];
	int n;

	if (outside == 0)
		return GOMEM_OK;
	n = snprintf(msg, sizeof(msg), "source not read for function names: outside the source directory"
		     "%s%.0zu%s; --source-root widens it", outside > 1 ? " (with " : "", outside > 1 ? outside - 1 : 0,
		     outside > 1 ? " more files)" : "");
	return esc_add_diag(s, s->empty, esc_str(s, first), msg, n < 0 ? 0 : (size_t)n, 0, 0, false);
}

int esc_resolve_functions(gomem_escape_set *s, const gomem_escape_options *o)
{
	uint32_t *ix, first_outside = 0;
	size_t i, j, outside = 0;
	int rc = GOMEM_OK;

	if (!o->source) {
		for (i = 0; i < s->nrecs; i++)
			s->recs[i].function = s->recs[i].compiler_function;
		return GOMEM_OK;
	}
	if (!(ix = malloc((s->nrecs + 1) * sizeof(*ix))))
		return GOMEM_E_NOMEM;
	for (i = 0; i < s->nrecs; i++)
		ix[i] = (uint32_t)i;
	if ((rc = gomem_sort(ix, s->nrecs, sizeof(*ix), cmp_by_path, s->recs)) < 0)
		goto out;
	for (i = 0; i < s->nrecs; i = j) {
		const char *path = esc_str(s, s->recs[ix[i]].path), *why;
		struct esc_source_file f;
		struct fdecl *fd = NULL;
		size_t nf = 0;
		int lrc;

		for (j = i; j < s->nrecs && s->recs[ix[j]].path == s->recs[ix[i]].path; j++)
			;
		if ((lrc = esc_source_load(&f, o->source, path, &why)) == GOMEM_OK) {
			rc = scan_funcs(s, f.data, f.len, &fd, &nf);
			esc_source_free(&f);
		} else if (path[0] != '<') {
			rc = note_refusal(s, path, why, lrc, &outside, &first_outside);
		}
		for (size_t k = i; rc >= 0 && k < j; k++) {
			struct esc_rec *r = &s->recs[ix[k]];

			r->function = func_at(fd, nf, r->line, r->compiler_function);
		}
		free(fd);
		if (rc < 0)
			goto out;
	}
	rc = note_outside(s, outside, first_outside);
out:
	free(ix);
	return rc;
}

/* ---- main packages of -json output ------------------------------------------ */

/* The module path declared in DIR/go.mod, into MOD; false when there is none
 * that may be read. */
static bool read_module(const gomem_escape_source_options *o, const char *dir, char *mod, size_t size)
{
	struct esc_source_file f;
	char path[PATH_MAX];
	const char *why;
	bool found = false;

	if ((size_t)snprintf(path, sizeof(path), "%s/go.mod", dir) >= sizeof(path) ||
	    esc_source_load(&f, o, path, &why) != GOMEM_OK)
		return false;
	for (char *l = f.data; l && !found; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char *p = l;
		size_t n;

		if (strncmp(p, "module", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
			continue;
		for (p += 6; *p == ' ' || *p == '\t' || *p == '"'; p++)
			;
		n = strcspn(p, " \t\r\n\"");
		found = n > 0 && snprintf(mod, size, "%.*s", (int)n, p) < (int)size;
	}
	esc_source_free(&f);
	return found;
}

/* The import path of the package in directory DIR: the module path of the
 * nearest go.mod above it, plus DIR's path below that go.mod. */
static bool import_path_of(const gomem_escape_source_options *o, const char *dir, char *out, size_t size)
{
	char d[PATH_MAX], mod[1024];
	size_t len;

	if (snprintf(d, sizeof(d), "%s", dir) >= (int)sizeof(d))
		return false;
	for (len = strlen(d); len > 0;) {
		d[len] = '\0';
		if (read_module(o, d, mod, sizeof(mod)))
			return snprintf(out, size, "%s%s", mod, dir + len) < (int)size;
		while (len > 0 && d[len - 1] != '/')
			len--;
		if (len > 0)
			len--; /* drop the '/' */
	}
	return false;
}

/* The compiler's -json output names a command's package "main" and its
 * files by absolute path, where -m says the import path: so that both give
 * one identity, such records get the import path from the go.mod above
 * their source file (when source may be read). */
int esc_qualify_main(gomem_escape_set *s, const gomem_escape_options *o)
{
	char dir[PATH_MAX], pkg[2048], file[PATH_MAX];
	uint32_t last_path = UINT32_MAX, qpkg = 0, qfile = 0;
	bool ok = false;
	int rc;

	if (!o->source)
		return GOMEM_OK;
	for (size_t i = 0; i < s->nrecs; i++) {
		struct esc_rec *r = &s->recs[i];
		const char *path = esc_str(s, r->path), *slash, *why;

		if (strcmp(esc_str(s, r->package), "main") != 0 || path[0] != '/')
			continue;
		if (r->path != last_path) {
			struct esc_source_file f;

			last_path = r->path;
			ok = false;
			if (esc_source_load(&f, o->source, path, &why) != GOMEM_OK)
				continue;
			esc_source_free(&f);
			if ((slash = strrchr(f.path, '/')) == NULL ||
			    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - f.path), f.path) >= (int)sizeof(dir) ||
			    !import_path_of(o->source, dir, pkg, sizeof(pkg)) ||
			    snprintf(file, sizeof(file), "%s/%s", pkg, slash + 1) >= (int)sizeof(file))
				continue;
			if ((rc = esc_intern(s, pkg, strlen(pkg), &qpkg)) < 0 ||
			    (rc = esc_intern(s, file, strlen(file), &qfile)) < 0)
				return rc;
			ok = true;
		}
		if (ok) {
			r->package = r->variant = qpkg;
			r->file = qfile;
		}
	}
	return GOMEM_OK;
}
