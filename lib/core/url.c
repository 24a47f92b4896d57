/* SPDX-License-Identifier: Apache-2.0 */
/* url.c — the one rule every tool follows to turn what the user typed into
 * the URL of a Go program's pprof endpoint, and the pprof query parameters
 * that change how long a fetch may take (seconds=N). The URL is split by
 * hand, never rebuilt from parts: what the user wrote in the authority
 * (userinfo, IPv6 brackets, port) is kept byte for byte. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gomem-internal.h"

#define PPROF_DIR "/debug/pprof"
#define DELTA_SECONDS_MAX 86400 /* seconds=N: a delta profile of at most a day */

/* Offsets into a URL: authority [auth, path), path [path, query), query with
 * its '?' [query, frag), fragment with its '#' [frag, len). */
struct url_split {
	size_t auth, path, query, frag, len;
};

static size_t http_scheme_len(const char *s)
{
	if (strncasecmp(s, "http://", 7) == 0)
		return 7;
	if (strncasecmp(s, "https://", 8) == 0)
		return 8;
	return 0;
}

int gomem_url_is_http(const char *spec)
{
	return spec != NULL && http_scheme_len(spec) > 0;
}

/* The host is what follows the last '@' of the authority. */
static size_t host_start(const char *url, const struct url_split *u)
{
	size_t host = u->auth;

	for (size_t i = u->auth; i < u->path; i++)
		if (url[i] == '@')
			host = i + 1;
	return host;
}

static int split(struct url_split *u, const char *url)
{
	size_t scheme = http_scheme_len(url);

	if (scheme == 0)
		return GOMEM_E_INVALID;
	u->len = strlen(url);
	u->auth = scheme;
	u->path = u->auth + strcspn(url + u->auth, "/?#");
	u->query = u->path + strcspn(url + u->path, "?#");
	u->frag = u->query + strcspn(url + u->query, "#");
	return host_start(url, u) < u->path ? GOMEM_OK : GOMEM_E_INVALID;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* Whether QUERY (with its '?', QLEN bytes) sets NAME ("name=..", "name&..",
 * or a bare "name" at the end). */
static const char *query_param(const char *query, size_t qlen, const char *name, size_t nlen)
{
	for (size_t i = 0; i < qlen;) {
		size_t n;

		i++; /* the '?' or '&' */
		n = strcspn(query + i, "&#");
		if (i + n > qlen)
			n = qlen - i;
		if (n >= nlen && memcmp(query + i, name, nlen) == 0 &&
		    (n == nlen || query[i + nlen] == '='))
			return query + i + nlen + (n > nlen);
		i += n;
	}
	return NULL;
}

/* The path the rule gives: a base URL gets /debug/pprof/KIND, the index of
 * a mux mounted under a prefix gets KIND, and with SIBLING a profile under
 * /debug/pprof/ is swapped for KIND; anything else is the user's. */
static int rule_path(gomem_buf *b, const char *path, size_t len, const char *kind, unsigned flags)
{
	if (len == 0 || (len == 1 && path[0] == '/'))
		return gomem_buf_printf(b, PPROF_DIR "/%s", kind);
	if (ends_with(path, len, PPROF_DIR))
		return gomem_buf_printf(b, "%.*s/%s", (int)len, path, kind);
	if (ends_with(path, len, PPROF_DIR "/"))
		return gomem_buf_printf(b, "%.*s%s", (int)len, path, kind);
	if (flags & GOMEM_PPROF_URL_SIBLING) {
		size_t name = len - (path[len - 1] == '/');

		while (name > 0 && path[name - 1] != '/')
			name--;
		if (ends_with(path, name, PPROF_DIR "/"))
			return gomem_buf_printf(b, "%.*s%s", (int)name, path, kind);
	}
	return gomem_buf_append(b, path, len);
}

int gomem_pprof_url(char **out, const char *url, const char *kind, const char *defaults,
		    unsigned flags)
{
	struct url_split u;
	gomem_buf b;
	int rc, has_query;

	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	if (url == NULL || kind == NULL || strchr(kind, '/') || split(&u, url) != GOMEM_OK)
		return GOMEM_E_INVALID;
	has_query = u.frag > u.query;
	gomem_buf_init(&b, u.len + strlen(kind) + (defaults ? strlen(defaults) : 0) + 64);
	rc = gomem_buf_append(&b, url, u.path);
	if (rc == GOMEM_OK)
		rc = rule_path(&b, url + u.path, u.query - u.path, kind, flags);
	if (rc == GOMEM_OK)
		rc = gomem_buf_append(&b, url + u.query, u.frag - u.query);
	/* Each default the query does not set is added after what is there. */
	for (const char *d = defaults; rc == GOMEM_OK && d && *d;) {
		size_t n = strcspn(d, "&"), name = strcspn(d, "=&");

		if (n > 0 && query_param(url + u.query, u.frag - u.query, d, name) == NULL) {
			rc = gomem_buf_printf(&b, "%c%.*s", has_query ? '&' : '?', (int)n, d);
			has_query = 1;
		}
		d += n + (d[n] == '&');
	}
	if (rc == GOMEM_OK)
		rc = gomem_buf_append(&b, url + u.frag, u.len - u.frag);
	if (rc != GOMEM_OK) {
		gomem_buf_free(&b);
		return GOMEM_E_NOMEM;
	}
	*out = b.data;
	return GOMEM_OK;
}

int gomem_url_name(char **out, const char *url)
{
	struct url_split u;
	size_t host;

	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	if (url == NULL || split(&u, url) != GOMEM_OK)
		return GOMEM_E_INVALID;
	host = host_start(url, &u);
	if ((*out = malloc(u.path - host + 1)) == NULL)
		return GOMEM_E_NOMEM;
	memcpy(*out, url + host, u.path - host);
	(*out)[u.path - host] = '\0';
	return GOMEM_OK;
}

int gomem_url_timeout_ms(long *out, const char *url, long timeout_ms, gomem_error *err)
{
	struct url_split u;
	const char *v;
	long secs = 0;
	size_t n;

	*out = timeout_ms;
	if (url == NULL || split(&u, url) != GOMEM_OK)
		return GOMEM_OK; /* not an http(s) URL: nothing to say about it */
	v = query_param(url + u.query, u.frag - u.query, "seconds", 7);
	if (v == NULL)
		return GOMEM_OK;
	n = strcspn(v, "&#");
	for (size_t i = 0; i < n && secs <= DELTA_SECONDS_MAX; i++)
		secs = v[i] >= '0' && v[i] <= '9' ? secs * 10 + (v[i] - '0') : LONG_MAX;
	if (n == 0 || secs < 1 || secs > DELTA_SECONDS_MAX)
		return gomem_error_set(err, GOMEM_E_INVALID,
				       "seconds=%.*s: a delta profile takes a whole number of seconds "
				       "from 1 to %d", (int)(n > 32 ? 32 : n), v, DELTA_SECONDS_MAX);
	/* The endpoint answers after SECS: the time allowed for the whole
	 * fetch grows by as much (a fetch with no time limit keeps none). */
	if (timeout_ms > 0)
		*out = timeout_ms > LONG_MAX - secs * 1000 ? LONG_MAX : timeout_ms + secs * 1000;
	return GOMEM_OK;
}
