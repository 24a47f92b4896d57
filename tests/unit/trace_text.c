/* SPDX-License-Identifier: Apache-2.0 */
/* trace_text.c — the text-to-wire encoder and readers the trace suites
 * share (see trace_text.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace-internal.h"
#include "trace_text.h"

struct out {
	uint8_t *d;
	size_t n, cap;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->n + n > o->cap) {
		o->cap = (o->n + n) * 2 + 64;
		o->d = realloc(o->d, o->cap);
	}
	memcpy(o->d + o->n, p, n);
	o->n += n;
}

static void put_varint(struct out *o, uint64_t v)
{
	uint8_t b[10];
	size_t n = 0;

	while (v >= 0x80) {
		b[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b[n++] = (uint8_t)v;
	put(o, b, n);
}

static int type_of(const char *name, size_t n, int minor)
{
	for (int t = 0; t < 256; t++) {
		/* every event the table knows: the reader decides what a release has */
		const struct tr_spec *s = tr_spec(t, 99);
		(void)minor;

		if (s && strlen(s->name) == n && strncmp(s->name, name, n) == 0)
			return t;
	}
	return -1;
}

/* "key=value" tokens in order; the values. */
static int args_of(const char *p, uint64_t *v, int max)
{
	int n = 0;

	while (*p && n < max) {
		const char *eq;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			break;
		if ((eq = strchr(p, '=')) == NULL)
			return -1;
		v[n++] = strtoull(eq + 1, (char **)&p, 10);
	}
	return n;
}

/* One batch: header (with its size) then its events. */
static void flush_batch(struct out *o, const uint64_t *hdr, struct out *body, int have)
{
	if (!have)
		return;
	put(o, (uint8_t[]){TR_EV_EVENT_BATCH}, 1);
	put_varint(o, hdr[0]);
	put_varint(o, hdr[1]);
	put_varint(o, hdr[2]);
	put_varint(o, body->n);
	put(o, body->d, body->n);
	body->n = 0;
}

/* The data="..." of a String: C escapes \n, \t, \", \\. */
static void put_data(struct out *o, const char *line)
{
	const char *q = strchr(line, '"');
	struct out s = {0};

	if (q == NULL)
		return;
	for (q++; *q && *q != '"'; q++) {
		char c = *q;

		if (c == '\\' && q[1]) {
			q++;
			c = *q == 'n' ? '\n' : *q == 't' ? '\t' : *q;
		}
		put(&s, &c, 1);
	}
	put_varint(o, s.n);
	if (s.n)
		put(o, s.d, s.n);
	free(s.d);
}

int trace_text_encode(const char *text, uint8_t **out, size_t *len)
{
	struct out o = {0}, body = {0};
	uint64_t hdr[3] = {0}, v[8];
	int minor = 0, have = 0;
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n'), *p = line;
		char buf[1024];
		size_t n = end ? (size_t)(end - line) : strlen(line);
		int t, na;

		snprintf(buf, sizeof(buf), "%.*s", (int)n, line);
		line = end ? end + 1 : NULL;
		for (p = buf; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		if (strncmp(p, "Trace Go1.", 10) == 0) {
			char h[17];

			minor = atoi(p + 10);
			snprintf(h, sizeof(h), "go 1.%d trace", minor);
			put(&o, h, 13);
			put(&o, "\0\0\0", 3);
			continue;
		}
		if (strncmp(p, "data=", 5) == 0) {
			put_data(&body, p);
			continue;
		}
		if (strncmp(p, "pc=", 3) == 0) {
			na = args_of(p, v, 4);
			for (int i = 0; i < na; i++)
				put_varint(&body, v[i]);
			continue;
		}
		n = strcspn(p, " \t");
		if ((t = type_of(p, n, minor)) < 0) {
			fprintf(stderr, "trace_text: unknown event '%.*s'\n", (int)n, p);
			free(o.d);
			free(body.d);
			return -1;
		}
		na = args_of(p + n, v, 8);
		if (t == TR_EV_EVENT_BATCH) {
			flush_batch(&o, hdr, &body, have);
			hdr[0] = v[0];
			hdr[1] = v[1];
			hdr[2] = v[2];
			have = 1;
			continue;
		}
		put(&body, (uint8_t[]){(uint8_t)t}, 1);
		for (int i = 0; i < na; i++)
			put_varint(&body, v[i]);
	}
	flush_batch(&o, hdr, &body, have);
	free(body.d);
	*out = o.d;
	*len = o.n;
	return 0;
}

int trace_read_all(const uint8_t *data, size_t len, size_t chunk, char **dump, char *err, size_t errsize)
{
	gomem_trace_reader *r;
	const gomem_trace_event *ev;
	char *buf = NULL;
	size_t bufsize = 0;
	FILE *fp = open_memstream(&buf, &bufsize);
	int rc = GOMEM_OK;

	err[0] = '\0';
	if (gomem_trace_reader_new(&r, "t", NULL) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	for (size_t off = 0; rc == GOMEM_OK;) {
		size_t n = len - off < chunk ? len - off : chunk;

		int got;

		rc = n ? gomem_trace_reader_feed(r, data + off, n) : gomem_trace_reader_finish(r);
		while (rc == GOMEM_OK && (got = gomem_trace_reader_next(r, &ev)) != 0) {
			if (got < 0) {
				rc = got;
				break;
			}
			gomem_trace_event_write(fp, r, ev);
		}
		if (rc < 0 || n == 0)
			break;
		off += n;
	}
	if (rc < 0)
		gomem_error_format(err, errsize, gomem_trace_reader_error(r));
	gomem_trace_reader_free(r);
	fclose(fp);
	if (dump)
		*dump = buf;
	else
		free(buf);
	return rc < 0 ? rc : GOMEM_OK;
}

int trace_text_read(const char *text, char **dump, char *err, size_t errsize)
{
	uint8_t *data;
	size_t len;
	int rc;

	if (trace_text_encode(text, &data, &len) != 0)
		return GOMEM_E_INVALID;
	rc = trace_read_all(data, len, len + 1, dump, err, errsize);
	free(data);
	return rc;
}

gomem_trace_analysis *trace_text_analyze(const char *text, const gomem_trace_options *opts, char *err,
					 size_t errsize)
{
	gomem_trace_analysis *a = NULL;
	gomem_source *src = NULL;
	gomem_error e = {0};
	uint8_t *data;
	size_t len;

	err[0] = '\0';
	if (trace_text_encode(text, &data, &len) != 0)
		return NULL;
	if (gomem_source_open_memory(&src, data, len, "t", NULL, &e) == GOMEM_OK)
		gomem_trace_analyze(&a, src, opts, &e);
	if (a == NULL)
		gomem_error_format(err, errsize, &e);
	gomem_source_free(src);
	free(data);
	return a;
}
