/* SPDX-License-Identifier: Apache-2.0 */
/* http.c — HTTP GETs through libcurl's multi interface, so one thread can
 * stream a body into a parser (a source read pulls it) or keep a screen
 * alive while endpoints answer (gomem top). Redirects are followed here,
 * not by libcurl: libcurl drops only Authorization and Cookie on a
 * cross-host redirect and sends every other header the user gave (an API
 * key) to wherever a server points; here the user's headers go to the
 * scheme, host and port the user named and nowhere else. A body is
 * delivered as it comes; nothing here holds a whole response. */
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config.h"
#include "gomem-internal.h"

#define MAX_REDIRECTS 5
#define MAX_WAITFDS 128
#define ERROR_BODY_MAX 200 /* of an error status's body, shown in the message */

struct gomem_http {
	CURLM *multi;
	size_t attached;      /* transfers in the multi handle */
};

struct gomem_http_get {
	gomem_http *http;
	CURL *easy;
	struct curl_slist *headers; /* the user's, for their origin only */
	char *origin;         /* the URL the user named */
	char *url;            /* this hop's */
	int hops;
	double deadline;      /* monotonic seconds; 0: none */
	gomem_http_body_fn on_body;
	void *payload;
	gomem_error err;

	/* this hop's response */
	long status;
	char *location;
	bool redirect, enough, paused, attached, done;
	char error_body[ERROR_BODY_MAX + 1];
	size_t error_body_len;
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int gomem_http_new(gomem_http **out)
{
	static bool curl_ready;
	gomem_http *h;

	*out = NULL;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return GOMEM_E_NOMEM;
		curl_ready = true;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return GOMEM_E_NOMEM;
	if ((h->multi = curl_multi_init()) == NULL) {
		free(h);
		return GOMEM_E_NOMEM;
	}
	*out = h;
	return GOMEM_OK;
}

void gomem_http_free(gomem_http *h)
{
	if (h == NULL)
		return;
	/* Transfers still attached are the caller's to free first. */
	curl_multi_cleanup(h->multi);
	free(h);
}

/* ---- origins ---------------------------------------------------------------- */

/* Scheme, host and port of URL as libcurl will connect to them: parsed by
 * libcurl itself, so no difference in reading a crafted URL can let a
 * header through. */
struct origin {
	char *scheme, *host, *port;
};

static void origin_free(struct origin *o)
{
	curl_free(o->scheme);
	curl_free(o->host);
	curl_free(o->port);
}

static int origin_of(struct origin *o, const char *url)
{
	CURLU *u = curl_url();
	int ok;

	memset(o, 0, sizeof(*o));
	if (u == NULL)
		return GOMEM_E_NOMEM;
	ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	     curl_url_get(u, CURLUPART_SCHEME, &o->scheme, 0) == CURLUE_OK &&
	     curl_url_get(u, CURLUPART_HOST, &o->host, 0) == CURLUE_OK &&
	     curl_url_get(u, CURLUPART_PORT, &o->port, CURLU_DEFAULT_PORT) == CURLUE_OK;
	curl_url_cleanup(u);
	if (!ok)
		origin_free(o);
	return ok ? GOMEM_OK : GOMEM_E_INVALID;
}

int gomem_http_same_origin(const char *a, const char *b)
{
	struct origin x, y;
	int same;

	if (origin_of(&x, a) != GOMEM_OK)
		return 0;
	if (origin_of(&y, b) != GOMEM_OK) {
		origin_free(&x);
		return 0;
	}
	same = strcasecmp(x.scheme, y.scheme) == 0 && strcasecmp(x.host, y.host) == 0 &&
	       strcmp(x.port, y.port) == 0;
	origin_free(&x);
	origin_free(&y);
	return same;
}

/* Whether URL is one libcurl reads as http(s) with a host. */
static int is_http(const char *url)
{
	struct origin o;
	int yes;

	if (origin_of(&o, url) != GOMEM_OK)
		return 0;
	yes = strcasecmp(o.scheme, "http") == 0 || strcasecmp(o.scheme, "https") == 0;
	origin_free(&o);
	return yes;
}

/* LOCATION read against BASE (relative references resolved as a browser
 * does) -> *out (curl_free), or NULL when it is no URL at all. */
static char *resolve(const char *base, const char *location)
{
	CURLU *u = curl_url();
	char *out = NULL;

	if (u == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, location, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
		out = NULL;
	curl_url_cleanup(u);
	return out;
}

/* ---- one hop's response ---------------------------------------------------- */

static int is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static size_t on_header(char *data, size_t size, size_t n, void *userdata)
{
	gomem_http_get *g = userdata;
	size_t len = size * n, vlen;
	long status = 0;

	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		/* A new response (after a 100 Continue, say): forget the last. */
		free(g->location);
		g->location = NULL;
		g->redirect = false;
		return len;
	}
	if (len <= 2 && (data[0] == '\r' || data[0] == '\n')) {
		curl_easy_getinfo(g->easy, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 200) {
			g->status = status;
			g->redirect = is_redirect(status) && g->location != NULL;
		}
		return len;
	}
	if (len > 9 && strncasecmp(data, "Location:", 9) == 0 && g->location == NULL) {
		data += 9;
		len -= 9;
		while (len > 0 && (*data == ' ' || *data == '\t'))
			data++, len--;
		for (vlen = len; vlen > 0 && (data[vlen - 1] == '\r' || data[vlen - 1] == '\n' ||
					      data[vlen - 1] == ' ' || data[vlen - 1] == '\t');)
			vlen--;
		if (vlen > 0 && (g->location = malloc(vlen + 1)) != NULL) {
			memcpy(g->location, data, vlen);
			g->location[vlen] = '\0';
		}
		return size * n;
	}
	return len;
}

/* The first line of an error status's body, printable ASCII only (it goes
 * into a message on a terminal): Go's pprof handlers say why there. */
static void keep_error_body(gomem_http_get *g, const char *data, size_t len)
{
	for (size_t i = 0; i < len && g->error_body_len < ERROR_BODY_MAX; i++) {
		if (data[i] == '\n' || data[i] == '\r') {
			g->error_body_len = ERROR_BODY_MAX; /* one line is enough */
			break;
		}
		if (data[i] >= 0x20 && data[i] < 0x7f)
			g->error_body[g->error_body_len++] = data[i];
	}
}

static size_t on_write(char *data, size_t size, size_t n, void *userdata)
{
	gomem_http_get *g = userdata;
	size_t len = size * n;
	int rc;

	/* A redirect's body is nobody's: stop reading it (it may never end). */
	if (g->redirect)
		return 0;
	if (g->status >= 300) {
		keep_error_body(g, data, len);
		return g->error_body_len >= ERROR_BODY_MAX ? 0 : len;
	}
	rc = g->on_body(g->payload, (const uint8_t *)data, len);
	if (rc == GOMEM_HTTP_PAUSE) {
		g->paused = true;
		return CURL_WRITEFUNC_PAUSE;
	}
	if (rc == GOMEM_HTTP_ENOUGH) {
		g->enough = true;
		return 0;
	}
	if (rc != GOMEM_OK) {
		gomem_error_set(&g->err, rc, "%s", gomem_strerror(rc));
		return 0;
	}
	return len;
}

/* ---- hops --------------------------------------------------------------------- */

static int hop_timeout(gomem_http_get *g, long *ms)
{
	double left;

	*ms = 0;
	if (g->deadline <= 0)
		return GOMEM_OK;
	left = g->deadline - mono_now();
	if (left <= 0)
		return GOMEM_E_NETWORK;
	*ms = gomem_duration_ms(left, LONG_MAX);
	return GOMEM_OK;
}

static int set_protocols(CURL *easy)
{
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85 replaced the bitmask option */
	return curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
#else
	return curl_easy_setopt(easy, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) ==
	       CURLE_OK;
#endif
}

/* Starts the hop to g->url: the user's headers only where the user sent us. */
static int hop_start(gomem_http_get *g)
{
	CURL *e = g->easy;
	long ms;

	if (hop_timeout(g, &ms) != GOMEM_OK)
		return gomem_error_set(&g->err, GOMEM_E_NETWORK, "timed out (--timeout)");
	g->status = 0;
	g->redirect = g->enough = g->paused = false;
	g->error_body_len = 0;
	free(g->location);
	g->location = NULL;
	curl_easy_setopt(e, CURLOPT_URL, g->url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER,
			 gomem_http_same_origin(g->origin, g->url) ? g->headers : NULL);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms);
	if (curl_multi_add_handle(g->http->multi, e) != CURLM_OK)
		return gomem_error_set(&g->err, GOMEM_E_NOMEM, "cannot start an HTTP transfer");
	g->attached = true;
	g->http->attached++;
	return GOMEM_OK;
}

static void detach(gomem_http_get *g)
{
	if (!g->attached)
		return;
	curl_multi_remove_handle(g->http->multi, g->easy);
	g->attached = false;
	g->http->attached--;
}

static int follow(gomem_http_get *g)
{
	char *next = resolve(g->url, g->location);
	int rc;

	if (next == NULL)
		return gomem_error_set(&g->err, GOMEM_E_NETWORK, "redirected to '%.100s', not a URL",
				       g->location);
	if (!is_http(next)) {
		rc = gomem_error_set(&g->err, GOMEM_E_NETWORK,
				     "redirected to '%.100s': only http and https are followed", next);
		curl_free(next);
		return rc;
	}
	if (++g->hops > MAX_REDIRECTS) {
		curl_free(next);
		return gomem_error_set(&g->err, GOMEM_E_NETWORK, "more than %d redirects (a loop?)",
				       MAX_REDIRECTS);
	}
	free(g->url);
	g->url = strdup(next);
	curl_free(next);
	if (g->url == NULL)
		return gomem_error_set(&g->err, GOMEM_E_NOMEM, "out of memory");
	return hop_start(g);
}

/* The end of a hop: the GET is done, or goes on where a redirect points. */
static void hop_done(gomem_http_get *g, CURLcode cc)
{
	detach(g);
	if (g->err.code == GOMEM_OK && g->redirect && follow(g) == GOMEM_OK)
		return;
	g->done = true;
	if (g->err.code != GOMEM_OK || g->enough)
		return;
	if (g->status >= 300)
		gomem_error_set(&g->err, GOMEM_E_NETWORK, "HTTP status %ld%s%.*s", g->status,
				g->error_body_len ? ": " : "", (int)g->error_body_len, g->error_body);
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		gomem_error_set(&g->err, GOMEM_E_NETWORK, "timed out (--timeout)");
	else if (cc != CURLE_OK) /* curl's own wording; its detail buffer carries timings */
		gomem_error_set(&g->err, GOMEM_E_NETWORK, "%s", curl_easy_strerror(cc));
}

int gomem_http_start(gomem_http *h, gomem_http_get **out, const gomem_http_request *req)
{
	gomem_http_get *g;
	int rc = GOMEM_OK;

	*out = NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return GOMEM_E_NOMEM;
	*out = g;
	g->http = h;
	g->on_body = req->on_body;
	g->payload = req->payload;
	gomem_error_set_source(&g->err, req->url);
	if (req->timeout_ms > 0)
		g->deadline = mono_now() + (double)req->timeout_ms / 1000.0;
	g->origin = strdup(req->url);
	g->url = strdup(req->url);
	g->easy = curl_easy_init();
	if (g->origin == NULL || g->url == NULL || g->easy == NULL)
		return gomem_error_set(&g->err, GOMEM_E_NOMEM, "cannot start an HTTP client");
	for (size_t i = 0; i < req->nheaders && rc == GOMEM_OK; i++) {
		struct curl_slist *l = curl_slist_append(g->headers, req->headers[i]);

		if (l == NULL)
			rc = gomem_error_set(&g->err, GOMEM_E_NOMEM, "out of memory");
		g->headers = l ? l : g->headers;
	}
	curl_easy_setopt(g->easy, CURLOPT_PRIVATE, g);
	curl_easy_setopt(g->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(g->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(g->easy, CURLOPT_USERAGENT, "gomem/" GOMEM_VERSION_STRING);
	curl_easy_setopt(g->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(g->easy, CURLOPT_HEADERDATA, g);
	curl_easy_setopt(g->easy, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(g->easy, CURLOPT_WRITEDATA, g);
	if (rc == GOMEM_OK && !set_protocols(g->easy))
		rc = gomem_error_set(&g->err, GOMEM_E_NETWORK, "http and https are not supported here");
	if (rc == GOMEM_OK && !is_http(req->url))
		rc = gomem_error_set(&g->err, GOMEM_E_INVALID, "not an http(s) URL with a host");
	if (rc == GOMEM_OK)
		rc = hop_start(g);
	if (rc != GOMEM_OK)
		g->done = true;
	return GOMEM_OK;
}

int gomem_http_perform(gomem_http *h)
{
	CURLMsg *msg;
	int running, left, again = 1;

	/* A redirect starts a new hop: move it on in the same call. */
	while (again) {
		again = 0;
		if (curl_multi_perform(h->multi, &running) != CURLM_OK)
			return GOMEM_E_NOMEM;
		while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
			gomem_http_get *g = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&g);
			if (g == NULL)
				continue;
			hop_done(g, msg->data.result);
			again |= !g->done;
		}
	}
	return GOMEM_OK;
}

int gomem_http_wait(gomem_http *h, struct pollfd *extra, size_t nextra, int timeout_ms)
{
	struct curl_waitfd w[MAX_WAITFDS];
	int numfds = 0;
	CURLMcode mc;

	if (h == NULL || h->attached == 0) {
		int n = poll(extra, (nfds_t)nextra, timeout_ms);

		return n < 0 && errno != EINTR ? GOMEM_E_IO : GOMEM_OK;
	}
	if (nextra > MAX_WAITFDS)
		nextra = MAX_WAITFDS;
	for (size_t i = 0; i < nextra; i++) {
		w[i].fd = extra[i].fd;
		w[i].events = (short)(((extra[i].events & POLLIN) ? CURL_WAIT_POLLIN : 0) |
				      ((extra[i].events & POLLOUT) ? CURL_WAIT_POLLOUT : 0));
		w[i].revents = 0;
	}
#if LIBCURL_VERSION_NUM >= 0x074200 /* 7.66: curl_multi_poll waits even with nothing to do */
	mc = curl_multi_poll(h->multi, w, (unsigned)nextra, timeout_ms, &numfds);
#else
	mc = curl_multi_wait(h->multi, w, (unsigned)nextra, timeout_ms, &numfds);
#endif
	for (size_t i = 0; i < nextra; i++)
		extra[i].revents = (short)(((w[i].revents & CURL_WAIT_POLLIN) ? POLLIN : 0) |
					   ((w[i].revents & CURL_WAIT_POLLOUT) ? POLLOUT : 0));
	return mc == CURLM_OK ? GOMEM_OK : GOMEM_E_IO;
}

int gomem_http_running(const gomem_http *h)
{
	return h != NULL && h->attached > 0;
}

int gomem_http_get_done(const gomem_http_get *g)
{
	return g == NULL || g->done;
}

const gomem_error *gomem_http_get_error(const gomem_http_get *g)
{
	return &g->err;
}

void gomem_http_get_resume(gomem_http_get *g)
{
	if (g == NULL || !g->paused || !g->attached)
		return;
	g->paused = false;
	curl_easy_pause(g->easy, CURLPAUSE_CONT);
}

void gomem_http_get_free(gomem_http_get *g)
{
	if (g == NULL)
		return;
	detach(g);
	if (g->easy)
		curl_easy_cleanup(g->easy);
	curl_slist_free_all(g->headers);
	free(g->location);
	free(g->origin);
	free(g->url);
	free(g);
}
