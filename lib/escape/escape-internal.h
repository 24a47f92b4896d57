/* SPDX-License-Identifier: Apache-2.0 */
/* escape-internal.h — the escape set shared by escape.c (records, identity,
 * the set's view), escape_text.c (the -m/-m=2 parser), escape_json.c (the
 * -json=0 reader) and escape_source.c (reading source files, when asked).
 *
 * Verdicts are records. The explanations of -m=2 and -json are blocks: a
 * header ("x escapes to heap:", "parameter p leaks to ~r0 with derefs=0:")
 * and its flow lines. A block is never a record of its own; at finish it is
 * attached to the verdict it explains (found by position, expression and, for
 * a leak, its root), and a block whose verdict never came (the go/defer
 * wrappers -m does not report) is dropped. Everything is in flat arrays of
 * uint32 string ids (one strpool), so a 220 MB -m=2 log costs a few
 * allocations per distinct escape. */
#ifndef GOMEM_ESCAPE_INTERNAL_H
#define GOMEM_ESCAPE_INTERNAL_H

#include "gomem-internal.h"

#define ESC_DEFAULT_MAX_LINE ((size_t)1 << 20)
#define ESC_DEFAULT_MAX_RECORDS ((size_t)1 << 26)

struct esc_rec {
	uint32_t package, variant, path, file, message, expression, normalized;
	uint32_t detail;            /* as in the public view */
	uint32_t key_detail;        /* what of detail tells records apart: a leak's result
				     * name ("~r0", without "level=N"), else detail */
	uint32_t function, compiler_function, identity;
	uint32_t line, column, occurrence;
	uint32_t flow_off, nflow;   /* into set->flows, once blocks are attached */
	uint8_t kind, flags;
	uint64_t hash, input_line;
};

struct esc_flow {
	uint32_t text, dst, src, where, reason, file;
	uint32_t line, column;
	bool is_flow;
};

enum { ESC_BLOCK_ESCAPE = 1, ESC_BLOCK_LEAK = 2 };

/* One explanation: a -m=2 header and its flow lines, or one -json record. */
struct esc_block {
	uint32_t package, file, line, column;
	uint32_t expression;        /* what it explains (as printed): an expression, a
				     * variable or a parameter */
	uint32_t root;              /* leak: where it leaks to ("{heap}", "~r0", "x"); else "" */
	uint32_t derefs;            /* leak */
	uint32_t function;          /* named by the compiler (tip: "in F", "for F"), else "" */
	uint32_t flow_off, nflow;   /* into set->flows while parsing */
	uint8_t cls;                /* ESC_BLOCK_* */
};

struct esc_diag {
	uint32_t package, source, message;
	uint64_t line, column;
	bool is_compile_error;
};

struct gomem_escape_set {
	gomem_strpool sp;
	struct esc_rec *recs;
	size_t nrecs, recs_cap, max_records;
	struct esc_flow *flows;
	size_t nflows, flows_cap;
	struct esc_block *blocks;
	size_t nblocks, blocks_cap;
	struct esc_diag *diags;
	size_t ndiags, diags_cap;
	uint64_t dropped_diags, duplicates;
	uint32_t *dedup;            /* open addressing over record index+1, while building */
	size_t dedup_cap;
	uint32_t *byhash;           /* identity lookup over index+1, after finish */
	size_t byhash_cap;
	gomem_escape_flow *fviews;  /* views of flows, built by finish */
	uint32_t empty;             /* id of "" */
	bool finished;
};

/* What a message says, cut into its parts (pointers into the message). */
struct esc_verdict {
	unsigned kind;
	const char *expr, *detail, *func, *root;
	size_t elen, dlen, flen, rlen;
	uint32_t derefs;
	bool header;                /* an -m=2 explanation header (ends in ':') */
};

struct esc_pos {
	const char *path;
	size_t plen;
	uint32_t line, col;
	const char *msg;
	size_t mlen;
};

/* The parser of both inputs: the text parser feeds lines to it, the JSON
 * reader drives the same record and block code file by file. */
struct gomem_escape_parser {
	gomem_escape_set *set;
	gomem_escape_options opts;
	gomem_escape_source_options source; /* a copy of *opts.source, when given */
	gomem_linebuf lb;
	gomem_error err;
	char *name;
	uint32_t pkg, variant;      /* current section */
	bool test;
	/* cache of the last position prefix's path */
	char last_path[512];
	size_t last_path_len;
	uint32_t last_path_id, last_file_id, last_pkg;
	/* the position prefix ("path:line:col: ") of the last positioned line:
	 * an -m=2 explanation repeats it on every line */
	char prefix[512];
	size_t prefix_len, prefix_plen;
	uint32_t prefix_line, prefix_col;
	/* the open explanation block (-m=2): index + 1, 0 none */
	size_t block;
	uint32_t block_line, block_col;
	bool skip_block;            /* a header whose explanation is not kept */
	/* a message with an unbalanced raw string: the record to append to */
	size_t open_rec;            /* record index + 1 */
	gomem_buf msg;              /* the growing message */
	char *norm;                 /* scratch for normalisation */
	size_t norm_cap;
};

#define ESC_LIT(s) s, sizeof(s) - 1

static inline int esc_intern(gomem_escape_set *s, const char *p, size_t len, uint32_t *id)
{
	return gomem_strpool_intern(&s->sp, p, len, id);
}

static inline const char *esc_str(const gomem_escape_set *s, uint32_t id)
{
	return gomem_strpool_get(&s->sp, id);
}

static inline bool esc_has_prefix(const char *p, size_t len, const char *lit, size_t n)
{
	return len >= n && memcmp(p, lit, n) == 0;
}

static inline bool esc_has_suffix(const char *p, size_t len, const char *lit, size_t n)
{
	return len >= n && memcmp(p + len - n, lit, n) == 0;
}

static inline bool esc_is_ident(unsigned char c)
{
	return c == '_' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c >= 0x80;
}

/* escape.c */
const char *esc_find(const char *p, size_t len, const char *lit, size_t n);
bool esc_parse_uint(const char **p, const char *end, uint32_t *v);
int esc_set_new(gomem_escape_set **out);
int esc_add_diag(gomem_escape_set *s, uint32_t pkg, const char *source, const char *msg, size_t msglen,
		 uint64_t line, uint64_t col, bool compile_error);
int esc_normalized_id(gomem_escape_parser *p, const char *e, size_t len, uint32_t *id);
int esc_normalize_path(gomem_escape_set *s, const char *pkg, size_t pkglen, const char *path,
		       size_t plen, uint32_t *id);
/* Adds R (the same record seen again is merged: *idx and 1). */
int esc_rec_merge(gomem_escape_set *s, const struct esc_rec *r, size_t *idx);
/* The key of a record of KIND where block B is (its position and expression). */
void esc_block_key(struct esc_rec *key, const gomem_escape_set *s, const struct esc_block *b, unsigned kind);
/* The record equal to R in key, or SIZE_MAX. */
size_t esc_rec_find(const gomem_escape_set *s, const struct esc_rec *r);
/* Moved and escapes share a key (-m says "moved", -json never does), and
 * so do leaking param and leaking param content (one per parameter). */
unsigned esc_kind_class(unsigned kind);
/* Whether a leak's root is an unnamed result ("~r0"): a named result
 * prints as its name, like any variable. */
bool esc_root_is_result(const char *root);
/* Attaches blocks, resolves functions, numbers occurrences, sorts, indexes. */
int esc_set_finish(gomem_escape_set *s, const gomem_escape_options *o);
int esc_parser_init(gomem_escape_parser **out, const char *name, const gomem_escape_options *opts);

/* escape_text.c */
/* "path:line:col: msg" or "path:line: msg". */
bool esc_parse_pos(const char *l, size_t len, struct esc_pos *ps);
/* Cuts an escape-analysis message (verdict or -m=2 header) into V; V->kind
 * stays 0 when it is none. */
void esc_classify_escape(const char *m, size_t len, struct esc_verdict *v);
/* "parameter p leaks to DST with derefs=N" (-m=2 adds a ':'; tip puts
 * " for F" after DST) into V: kind LEAKING_PARAM, header, root, derefs. */
bool esc_classify_leak(const char *m, size_t len, struct esc_verdict *v);
/* Adds the verdict V at PS as a record of the current section. */
int esc_add_verdict(gomem_escape_parser *p, const struct esc_pos *ps, const struct esc_verdict *v,
		    size_t *idx);
/* Opens a block for the header V at PS (its flows follow); *idx its index. */
int esc_add_block(gomem_escape_parser *p, const struct esc_pos *ps, const struct esc_verdict *v,
		  size_t *idx);
/* One flow line ("flow: DST = SRC:" or "from WHERE (WHY) at POS") of block IDX. */
int esc_add_flow(gomem_escape_parser *p, size_t idx, const char *m, size_t len, struct esc_flow **out);
bool esc_is_test_file(const char *path, size_t len);

/* escape_source.c */
struct esc_source_file {
	char *data;                 /* the whole file, NUL-terminated (malloc'd) */
	size_t len;
	char path[4096];            /* the file read, symbolic links resolved */
};

/* Reads the source file PATH (as a diagnostic printed it) under O's rules
 * (NULL: the defaults): GOMEM_OK, or GOMEM_E_NOTFOUND, GOMEM_E_INVALID
 * (outside the allowed directories, not a regular file), GOMEM_E_LIMIT
 * (over the cap), GOMEM_E_IO with *WHY saying it in words. */
int esc_source_load(struct esc_source_file *f, const gomem_escape_source_options *o, const char *path,
		    const char **why);
void esc_source_free(struct esc_source_file *f);
/* Function names from the source files (when opts->source is given), else
 * as the compiler printed them; package "main" of -json qualified by the
 * go.mod above its files (when source may be read). */
int esc_resolve_functions(gomem_escape_set *s, const gomem_escape_options *o);
int esc_qualify_main(gomem_escape_set *s, const gomem_escape_options *o);

/* escape_json.c */
int esc_read_json_dir(gomem_escape_parser *p, const char *dir, gomem_error *err);
int esc_json_buffer(gomem_escape_parser *p, const void *data, size_t len, const char *name);

#endif
