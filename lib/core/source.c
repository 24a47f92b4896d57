/* SPDX-License-Identifier: Apache-2.0 */
/* source.c — inputs as a stream of decompressed chunks. Reads a file, stdin,
 * an fd, memory or an HTTP response body as it arrives; sniffs the gzip
 * magic and inflates as it goes (every gzip member, as gzip(1) does); counts
 * the bytes handed out and stops at the cap, so a gzip bomb or an endless
 * body costs a few chunks of memory, not the cap. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "config.h"
#include "gomem-internal.h"

#define RAW_CHUNK ((size_t)256 * 1024)
#define OUT_CHUNK ((size_t)256 * 1024)
#define URL_INBOX ((size_t)256 * 1024)     /* body bytes taken before the transfer pauses */
#define URL_INBOX_MAX ((size_t)4 << 20)    /* what one delivery may add past that */
#define URL_WAIT_MS 1000                   /* one wait for the network (the GET's own
					    * timeout ends a hung server) */

/* A URL's body: the transfer fills the inbox; a read hands out the inbox
 * (swapped into body, which must stay valid until the next read). */
struct url_stream {
	gomem_http *http;
	gomem_http_get *get;
	gomem_buf inbox, body;
};

struct gomem_source {
	char *name;
	gomem_error err;
	uint64_t max_input;
	uint64_t delivered;   /* decompressed bytes produced */

	int fd;               /* -1 for memory sources */
	bool own_fd;
	const uint8_t *mem;   /* memory sources: the whole raw input */
	size_t mem_len;
	struct url_stream *url; /* URL sources */

	uint8_t *raw;         /* fd sources: read buffer */
	const uint8_t *in;    /* unconsumed raw bytes */
	size_t in_len;
	uint64_t raw_offset;  /* raw bytes consumed before in */
	bool raw_eof;

	bool sniffed, gzip, z_ready, z_member_done, z_eof;
	z_stream z;
	uint8_t *out;

	/* Bytes peek produced that read has not handed out yet: the produced
	 * chunk itself, or (when peek needed several) a copy in peeked. */
	const uint8_t *pending;
	size_t pending_len;
	bool read_started;    /* peek is only for the start of the input */
	gomem_buf peeked;
};

static int fail(gomem_source *src, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(gomem_source *src, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gomem_error_setv(&src->err, code, fmt, ap);
	va_end(ap);
	return src->err.code;
}

static const gomem_source_options default_options = GOMEM_SOURCE_OPTIONS_INIT;

static int new_source(gomem_source **out, const char *name, const gomem_source_options *opts)
{
	gomem_source *src;

	*out = NULL;
	if (opts && opts->version != GOMEM_SOURCE_OPTIONS_VERSION)
		return GOMEM_E_INVALID;
	src = calloc(1, sizeof(*src));
	if (src == NULL || (src->name = strdup(name)) == NULL) {
		free(src);
		return GOMEM_E_NOMEM;
	}
	src->fd = -1;
	src->max_input = opts && opts->max_input ? opts->max_input : GOMEM_SOURCE_DEFAULT_MAX_INPUT;
	gomem_error_set_source(&src->err, name);
	gomem_buf_init(&src->peeked, OUT_CHUNK * 4);
	*out = src;
	return GOMEM_OK;
}

/* Failure before a handle exists: report through ERR. */
static int open_failed(gomem_source **out, gomem_error *err, int code)
{
	if (*out) {
		gomem_error_copy(err, &(*out)->err);
		gomem_source_free(*out);
		*out = NULL;
	}
	if (err && err->code == GOMEM_OK)
		err->code = code;
	return code;
}

int gomem_source_open_fd(gomem_source **out, int fd, const char *name,
			 const gomem_source_options *opts, gomem_error *err)
{
	int rc = new_source(out, name, opts);

	if (rc)
		return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	(*out)->fd = fd;
	(*out)->raw = malloc(RAW_CHUNK);
	if ((*out)->raw == NULL)
		return open_failed(out, err, GOMEM_E_NOMEM);
#ifdef HAVE_POSIX_FADVISE
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	return GOMEM_OK;
}

int gomem_source_open_path(gomem_source **out, const char *path,
			   const gomem_source_options *opts, gomem_error *err)
{
	int fd, rc;

	*out = NULL;
	if (strcmp(path, "-") == 0)
		return gomem_source_open_fd(out, STDIN_FILENO, "<stdin>", opts, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		gomem_error_set_source(err, path);
		return gomem_error_set(err, GOMEM_E_IO, "%s", strerror(errno));
	}
	rc = gomem_source_open_fd(out, fd, path, opts, err);
	if (rc) {
		close(fd);
		return rc;
	}
	(*out)->own_fd = true;
	return GOMEM_OK;
}

int gomem_source_open_memory(gomem_source **out, const void *data, size_t len, const char *name,
			     const gomem_source_options *opts, gomem_error *err)
{
	int rc = new_source(out, name, opts);

	if (rc)
		return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	(*out)->mem = data;
	(*out)->mem_len = len;
	return GOMEM_OK;
}

/* ---- URL bodies ------------------------------------------------------------- */

static int url_on_body(void *payload, const uint8_t *data, size_t len)
{
	gomem_source *src = payload;

	if (src->url->inbox.len >= URL_INBOX)
		return GOMEM_HTTP_PAUSE; /* the reader is behind: the server waits */
	return gomem_buf_append(&src->url->inbox, data, len);
}

/* Moves the transfer on until the inbox holds MIN bytes or the body ended;
 * an inbox left empty by a failed GET is the GET's error. */
static int url_wait(gomem_source *src, size_t min)
{
	struct url_stream *u = src->url;
	const gomem_error *e;

	while (u->inbox.len < min && !gomem_http_get_done(u->get)) {
		gomem_http_get_resume(u->get);
		if (gomem_http_perform(u->http) != GOMEM_OK)
			return fail(src, GOMEM_E_NOMEM, "out of memory");
		if (u->inbox.len >= min || gomem_http_get_done(u->get))
			break;
		if (gomem_http_wait(u->http, NULL, 0, URL_WAIT_MS) != GOMEM_OK)
			return fail(src, GOMEM_E_IO, "%s", strerror(errno));
	}
	e = gomem_http_get_error(u->get);
	if (u->inbox.len == 0 && e->code != GOMEM_OK) {
		gomem_error_copy(&src->err, e);
		return e->code;
	}
	return GOMEM_OK;
}

/* Hands out what the inbox holds (appended to what is unconsumed, when
 * KEEP: the gzip magic split across two deliveries). */
static int url_fill(gomem_source *src, bool keep)
{
	struct url_stream *u = src->url;
	gomem_buf t;
	int rc = url_wait(src, 1);

	if (rc != GOMEM_OK)
		return rc;
	if (u->inbox.len == 0) {
		src->raw_eof = true;
		return GOMEM_OK;
	}
	if (keep && src->in_len > 0) {
		memmove(u->body.data, src->in, src->in_len);
		u->body.len = src->in_len;
		if ((rc = gomem_buf_append(&u->body, u->inbox.data, u->inbox.len)) != GOMEM_OK)
			return fail(src, rc, "out of memory");
		u->inbox.len = 0;
	} else {
		t = u->body;
		u->body = u->inbox;
		u->inbox = t;
		u->inbox.len = 0;
	}
	src->in = (const uint8_t *)u->body.data;
	src->in_len = u->body.len;
	return GOMEM_OK;
}

int gomem_source_open_url(gomem_source **out, const char *url, const gomem_source_options *opts,
			  gomem_error *err)
{
	gomem_http_request req = {0};
	struct url_stream *u;
	int rc = new_source(out, url, opts);

	if (rc)
		return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	if (opts == NULL)
		opts = &default_options;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return open_failed(out, err, GOMEM_E_NOMEM);
	(*out)->url = u;
	gomem_buf_init(&u->inbox, URL_INBOX_MAX);
	gomem_buf_init(&u->body, URL_INBOX_MAX);
	req.url = url;
	req.headers = opts->headers;
	req.nheaders = opts->nheaders;
	req.on_body = url_on_body;
	req.payload = *out;
	if ((rc = gomem_url_timeout_ms(&req.timeout_ms, url, opts->timeout_ms, &(*out)->err)) !=
	    GOMEM_OK)
		return open_failed(out, err, rc);
	if (gomem_http_new(&u->http) != GOMEM_OK || gomem_http_start(u->http, &u->get, &req) != GOMEM_OK)
		return open_failed(out, err, fail(*out, GOMEM_E_NOMEM, "cannot start an HTTP client"));
	/* Up to the first byte of the body: a refused connection or an
	 * error status is an error of the open, as for a missing file. */
	if ((rc = url_wait(*out, 1)) != GOMEM_OK)
		return open_failed(out, err, rc);
	return GOMEM_OK;
}

int gomem_source_open(gomem_source **out, const char *spec, const gomem_source_options *opts,
		      gomem_error *err)
{
	if (gomem_url_is_http(spec))
		return gomem_source_open_url(out, spec, opts, err);
	return gomem_source_open_path(out, spec, opts, err);
}

/* Makes unconsumed raw bytes available in src->in, unless at the end. */
static int raw_fill(gomem_source *src)
{
	ssize_t n;

	if (src->in_len > 0 || src->raw_eof)
		return GOMEM_OK;
	if (src->url)
		return url_fill(src, false);
	if (src->fd < 0) {
		if (src->in == NULL && src->mem_len > 0) {
			src->in = src->mem;
			src->in_len = src->mem_len;
		} else {
			src->raw_eof = true;
		}
		return GOMEM_OK;
	}
	do
		n = read(src->fd, src->raw, RAW_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(src, GOMEM_E_IO, "%s", strerror(errno));
	if (n == 0)
		src->raw_eof = true;
	src->in = src->raw;
	src->in_len = (size_t)n;
	return GOMEM_OK;
}

static void raw_consume(gomem_source *src, size_t n)
{
	if (n == 0)
		return; /* in may be NULL before the first byte */
	src->in += n;
	src->in_len -= n;
	src->raw_offset += n;
}

/* The gzip magic may straddle two reads of a pipe; look at whole bytes only. */
static int sniff(gomem_source *src)
{
	int rc = raw_fill(src);

	if (rc)
		return rc;
	src->sniffed = true;
	if (src->in_len == 1 && src->in[0] == 0x1f && src->url && (rc = url_fill(src, true)) != GOMEM_OK)
		return rc;
	if (src->in_len == 1 && src->in[0] == 0x1f && src->fd >= 0) {
		uint8_t b;
		ssize_t n;

		do
			n = read(src->fd, &b, 1);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return fail(src, GOMEM_E_IO, "%s", strerror(errno));
		if (n == 1) {
			src->raw[1] = b;
			src->in_len = 2;
		}
	}
	src->gzip = src->in_len >= 2 && src->in[0] == 0x1f && src->in[1] == 0x8b;
	if (!src->gzip)
		return GOMEM_OK;
	src->out = malloc(OUT_CHUNK);
	if (src->out == NULL)
		return fail(src, GOMEM_E_NOMEM, "out of memory");
	if (inflateInit2(&src->z, 16 + MAX_WBITS) != Z_OK)
		return fail(src, GOMEM_E_NOMEM, "cannot start gzip decompression");
	src->z_ready = true;
	return GOMEM_OK;
}

/* Counts N more bytes handed out; a chunk that would pass the cap is not
 * handed out at all. */
static int count(gomem_source *src, size_t n)
{
	if (n > src->max_input - src->delivered)
		return fail(src, GOMEM_E_LIMIT,
			    "input exceeds the limit of %llu bytes%s (--max-input)",
			    (unsigned long long)src->max_input,
			    src->gzip ? " after decompression" : "");
	src->delivered += n;
	return GOMEM_OK;
}

/* A member ended: another may follow (gzip -c a b > c); trailing zero
 * padding (tar-style) is not a member. */
static int next_member(gomem_source *src, bool *done)
{
	int rc = raw_fill(src);

	if (rc)
		return rc;
	/* Anything after the last member that is not another member (zero
	 * padding, as tar leaves) is ignored, as gzip -d does with a warning. */
	*done = src->in_len == 0 || src->in[0] != 0x1f;
	if (*done) {
		src->z_eof = true;
		return GOMEM_OK;
	}
	if (inflateReset(&src->z) != Z_OK)
		return fail(src, GOMEM_E_FORMAT, "gzip: cannot reset decompressor");
	src->z_member_done = false;
	return GOMEM_OK;
}

static int inflate_chunk(gomem_source *src, const uint8_t **data, size_t *len)
{
	size_t produced = 0;

	while (produced < OUT_CHUNK && !src->z_eof) {
		int zrc, rc;

		if (src->z_member_done) {
			bool done;

			rc = next_member(src, &done);
			if (rc)
				return rc;
			if (done)
				break;
		}
		rc = raw_fill(src);
		if (rc)
			return rc;
		if (src->in_len == 0) {
			if (produced > 0)
				break;
			return gomem_error_at_byte(&src->err, GOMEM_E_TRUNCATED, src->raw_offset,
						   "gzip stream is truncated");
		}
		src->z.next_in = (Bytef *)src->in;
		src->z.avail_in = (uInt)(src->in_len > UINT32_MAX ? UINT32_MAX : src->in_len);
		src->z.next_out = src->out + produced;
		src->z.avail_out = (uInt)(OUT_CHUNK - produced);
		zrc = inflate(&src->z, Z_NO_FLUSH);
		raw_consume(src, (size_t)(src->z.next_in - src->in));
		produced = (size_t)(src->z.next_out - src->out);
		if (zrc == Z_STREAM_END)
			src->z_member_done = true;
		else if (zrc == Z_MEM_ERROR)
			return fail(src, GOMEM_E_NOMEM, "out of memory");
		else if (zrc != Z_OK && zrc != Z_BUF_ERROR)
			return gomem_error_at_byte(&src->err, GOMEM_E_FORMAT, src->raw_offset,
						   "gzip: %s", src->z.msg ? src->z.msg : "corrupt data");
	}
	*data = src->out;
	*len = produced;
	return count(src, produced);
}

static int produce(gomem_source *src, const uint8_t **data, size_t *len)
{
	int rc;

	*data = NULL;
	*len = 0;
	if (src->err.code)
		return src->err.code;
	if (!src->sniffed && (rc = sniff(src)) != GOMEM_OK)
		return rc;
	if (src->gzip)
		return inflate_chunk(src, data, len);
	if ((rc = raw_fill(src)) != GOMEM_OK)
		return rc;
	*data = src->in;
	*len = src->in_len;
	raw_consume(src, src->in_len);
	return count(src, *len);
}

int gomem_source_read(gomem_source *src, const uint8_t **data, size_t *len)
{
	src->read_started = true;
	if (src->pending_len > 0) {
		*data = src->pending;
		*len = src->pending_len;
		src->pending_len = 0;
		return GOMEM_OK;
	}
	return produce(src, data, len);
}

/* Usually the first chunk holds the WANT bytes and is kept as it is; only
 * when chunks are smaller (a pipe) are they copied together. */
int gomem_source_peek(gomem_source *src, const uint8_t **data, size_t *len, size_t want)
{
	if (src->read_started)
		return fail(src, GOMEM_E_INVALID, "peek after read");
	while (src->pending_len < want) {
		const uint8_t *chunk;
		size_t n;
		int rc;

		/* The next chunk may reuse the buffer the pending bytes are in
		 * (a pipe's read buffer, a URL's body): copy them out first. */
		if (src->pending_len > 0 && src->pending != (const uint8_t *)src->peeked.data &&
		    (rc = gomem_buf_append(&src->peeked, src->pending, src->pending_len)) != GOMEM_OK)
			return fail(src, rc, "cannot buffer the start of the input");
		if (src->pending_len > 0)
			src->pending = (const uint8_t *)src->peeked.data;
		if ((rc = produce(src, &chunk, &n)) != GOMEM_OK)
			return rc;
		if (n == 0)
			break;
		if (src->pending_len == 0) {
			src->pending = chunk;
			src->pending_len = n;
			continue;
		}
		if ((rc = gomem_buf_append(&src->peeked, chunk, n)) != GOMEM_OK)
			return fail(src, rc, "cannot buffer the start of the input");
		src->pending = (const uint8_t *)src->peeked.data;
		src->pending_len = src->peeked.len;
	}
	*data = src->pending;
	*len = src->pending_len < want ? src->pending_len : want;
	return GOMEM_OK;
}

const char *gomem_source_name(const gomem_source *src)
{
	return src->name;
}

uint64_t gomem_source_offset(const gomem_source *src)
{
	return src->delivered - src->pending_len;
}

int gomem_source_is_gzip(const gomem_source *src)
{
	return src->gzip;
}

const gomem_error *gomem_source_error(const gomem_source *src)
{
	return &src->err;
}

void gomem_source_free(gomem_source *src)
{
	if (src == NULL)
		return;
	if (src->z_ready)
		inflateEnd(&src->z);
	if (src->own_fd)
		close(src->fd);
	free(src->raw);
	free(src->out);
	gomem_buf_free(&src->peeked);
	if (src->url) {
		gomem_http_get_free(src->url->get);
		gomem_http_free(src->url->http);
		gomem_buf_free(&src->url->inbox);
		gomem_buf_free(&src->url->body);
		free(src->url);
	}
	free(src->name);
	free(src);
}
