/* SPDX-License-Identifier: Apache-2.0 */
/* exporter.c — the HTTP side of gomem top --listen: a listening socket and
 * a few clients, all non-blocking, moved on from the monitor's own wait and
 * read, so the screen or the batch lines never wait for a scraper and a
 * scraper never waits for a tick. Only GET (and HEAD) of /metrics is
 * answered (404 for other paths, 405 for other methods); the body is the
 * rows of the last tick in the flavour the Accept header asks for. A
 * request must fit in 8 KiB and arrive within 10 s; each connection carries
 * one request and is closed after its answer. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor-internal.h"

#define MAX_CLIENTS 16
#define MAX_REQUEST 8192
#define CLIENT_SECONDS 10.0
#define HOST_MAX 256 /* HOST_MAX is not POSIX */
#define SERV_MAX 32

struct client {
	int fd;                 /* -1: the slot is free */
	double deadline;
	char req[MAX_REQUEST + 1];
	size_t req_len;
	char *out;              /* the answer, once the request is whole */
	size_t out_len, out_off;
};

struct gomem_exporter {
	int fd;
	char address[128];
	struct client clients[MAX_CLIENTS];
};

static int set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	       fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ? -1 : 0;
}

/* "HOST:PORT" or "[V6]:PORT" into HOST and PORT. */
static int split_address(const char *addr, char *host, size_t hsize, const char **port)
{
	const char *colon, *h = addr;
	size_t hlen;

	if (addr[0] == '[') {
		const char *close = strchr(addr, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		h = addr + 1;
		hlen = (size_t)(close - h);
		colon = close + 1;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL || memchr(addr, ':', (size_t)(colon - addr)))
			return -1;
		hlen = (size_t)(colon - addr);
	}
	if (hlen == 0 || hlen >= hsize || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) || strlen(colon + 1) > 5 ||
	    atoi(colon + 1) > 65535)
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*port = colon + 1;
	return 0;
}

/* The address bound, port 0 resolved, as HOST:PORT. */
static void bound_address(struct gomem_exporter *e)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[HOST_MAX], port[SERV_MAX];

	if (getsockname(e->fd, (struct sockaddr *)&ss, &len) != 0 ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return;
	snprintf(e->address, sizeof(e->address), ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
		 host, port);
}

static int bind_first(struct gomem_exporter *e, const struct addrinfo *ai, int *err_no)
{
	static const int one = 1;

	for (; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);

		if (fd < 0) {
			*err_no = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, MAX_CLIENTS) == 0 &&
		    set_nonblocking(fd) == 0) {
			e->fd = fd;
			return 0;
		}
		*err_no = errno;
		close(fd);
	}
	return -1;
}

int gomem_exporter_new(struct gomem_exporter **out, const char *addr, gomem_error *err)
{
	struct addrinfo hints, *ai = NULL;
	struct gomem_exporter *e;
	char host[HOST_MAX];
	const char *port;
	int rc, err_no = 0;

	*out = NULL;
	if (split_address(addr, host, sizeof(host), &port) != 0)
		return gomem_error_set(err, GOMEM_E_INVALID, "'%s' is not HOST:PORT", addr);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0)
		return gomem_error_set(err, GOMEM_E_IO, "%s: %s", addr, gai_strerror(rc));
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		freeaddrinfo(ai);
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < MAX_CLIENTS; i++)
		e->clients[i].fd = -1;
	rc = bind_first(e, ai, &err_no);
	freeaddrinfo(ai);
	if (rc != 0) {
		free(e);
		return gomem_error_set(err, GOMEM_E_IO, "%s: cannot listen: %s", addr, strerror(err_no));
	}
	bound_address(e);
	*out = e;
	return GOMEM_OK;
}

static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	c->fd = -1;
	c->out = NULL;
	c->req_len = c->out_len = c->out_off = 0;
}

void gomem_exporter_free(struct gomem_exporter *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < MAX_CLIENTS; i++)
		client_close(&e->clients[i]);
	close(e->fd);
	free(e);
}

const char *gomem_exporter_address(const struct gomem_exporter *e)
{
	return e ? e->address : NULL;
}

static size_t clients_open(const struct gomem_exporter *e)
{
	size_t n = 0;

	for (size_t i = 0; i < MAX_CLIENTS; i++)
		n += e->clients[i].fd >= 0;
	return n;
}

size_t gomem_exporter_pollfds(const struct gomem_exporter *e, struct pollfd *pf, size_t max)
{
	size_t n = 0;

	/* A full house leaves the listener out: its backlog waits, and the
	 * wait does not spin on a connection it cannot take. */
	if (clients_open(e) < MAX_CLIENTS && n < max)
		pf[n++] = (struct pollfd){e->fd, POLLIN, 0};
	for (size_t i = 0; i < MAX_CLIENTS && n < max; i++) {
		const struct client *c = &e->clients[i];

		if (c->fd >= 0)
			pf[n++] = (struct pollfd){c->fd, c->out ? POLLOUT : POLLIN, 0};
	}
	return n;
}

/* ---- content negotiation -------------------------------------------------- */

/* The q of one media range of an Accept header ("type/sub;a=b;q=0.5"),
 * or -1 when it names a version of OpenMetrics we do not write. */
static double media_q(const char *p, size_t len, int openmetrics)
{
	double q = 1;

	for (const char *semi = memchr(p, ';', len); semi; semi = memchr(p, ';', len)) {
		len -= (size_t)(semi + 1 - p);
		p = semi + 1;
		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		if (len > 2 && strncasecmp(p, "q=", 2) == 0)
			q = strtod(p + 2, NULL);
		else if (openmetrics && len > 8 && strncasecmp(p, "version=", 8) == 0 &&
			 !(len >= 13 && strncmp(p + 8, "1.0.0", 5) == 0 &&
			   (len == 13 || p[13] == ';' || p[13] == ' ')))
			return -1;
	}
	return isnan(q) || q < 0 ? 0 : q > 1 ? 1 : q;
}

gomem_metrics_flavor gomem_metrics_negotiate(const char *accept)
{
	double om = 0, text = 0; /* the best q of each; a wildcard counts as text */

	for (const char *p = accept; p && *p;) {
		size_t len = strcspn(p, ","), tlen;
		const char *t = p;

		while (len && (*t == ' ' || *t == '\t'))
			t++, len--;
		tlen = strcspn(t, ";, \t");
		if (tlen == 28 && strncasecmp(t, "application/openmetrics-text", 28) == 0) {
			double q = media_q(t, len, 1);

			om = q > om ? q : om;
		} else if ((tlen == 10 && strncasecmp(t, "text/plain", 10) == 0) ||
			   (tlen == 3 && strncmp(t, "*/*", 3) == 0) ||
			   (tlen == 6 && strncasecmp(t, "text/*", 6) == 0)) {
			double q = media_q(t, len, 0);

			text = q > text ? q : text;
		}
		p = t + len;
		p += *p == ',';
	}
	return om > 0 && om >= text ? GOMEM_METRICS_OPENMETRICS : GOMEM_METRICS_PROMETHEUS;
}

/* ---- requests ------------------------------------------------------------- */

/* The value of header NAME in the head REQ (NUL-terminated), copied. */
static void header_value(const char *req, const char *name, char *buf, size_t size)
{
	size_t nlen = strlen(name);

	buf[0] = '\0';
	for (const char *line = strchr(req, '\n'); line; line = strchr(line, '\n')) {
		line++;
		if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			size_t vlen;

			v += strspn(v, " \t");
			vlen = strcspn(v, "\r\n");
			snprintf(buf, size, "%.*s", (int)(vlen < size ? vlen : size - 1), v);
			return;
		}
	}
}

static int set_answer(struct client *c, const char *status, const char *type, const char *body,
		      size_t body_len, int head_only)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
			 "Connection: close\r\n\r\n",
			 status, type, body_len,
			 strncmp(status, "405", 3) == 0 ? "Allow: GET, HEAD\r\n" : "");
	size_t total = (size_t)n + (head_only ? 0 : body_len);

	if ((c->out = malloc(total)) == NULL)
		return GOMEM_E_NOMEM;
	memcpy(c->out, head, (size_t)n);
	if (!head_only)
		memcpy(c->out + n, body, body_len);
	c->out_len = total;
	c->out_off = 0;
	return GOMEM_OK;
}

static int answer_text(struct client *c, const char *status, const char *text)
{
	return set_answer(c, status, "text/plain; charset=utf-8", text, strlen(text), 0);
}

static int answer_metrics(struct client *c, const gomem_monitor *m, int head_only)
{
	char accept[1024];
	gomem_metrics_flavor flavor;
	char *body = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	header_value(c->req, "Accept", accept, sizeof(accept));
	flavor = gomem_metrics_negotiate(accept);
	if ((fp = open_memstream(&body, &len)) == NULL)
		return GOMEM_E_NOMEM;
	rc = gomem_monitor_write_metrics(m, fp, flavor);
	if (fclose(fp) != 0 && rc == GOMEM_OK)
		rc = GOMEM_E_NOMEM;
	if (rc == GOMEM_OK)
		rc = set_answer(c, "200 OK", gomem_metrics_content_type(flavor), body, len, head_only);
	else
		rc = answer_text(c, "500 Internal Server Error", "the metrics could not be written\n");
	free(body);
	return rc;
}

/* The request head is whole: its answer. */
static int answer(struct client *c, const gomem_monitor *m)
{
	char method[8], target[512], version[16];
	size_t plen;

	if (sscanf(c->req, "%7s %511s %15s", method, target, version) != 3 ||
	    strncmp(version, "HTTP/1.", 7) != 0)
		return answer_text(c, "400 Bad Request", "not an HTTP/1.x request\n");
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return answer_text(c, "405 Method Not Allowed", "only GET /metrics\n");
	plen = strcspn(target, "?#");
	if (plen != 8 || strncmp(target, "/metrics", 8) != 0)
		return answer_text(c, "404 Not Found", "only /metrics is served\n");
	return answer_metrics(c, m, strcmp(method, "HEAD") == 0);
}

/* Reads what the client sent; once the head ends, the answer is made. */
static int client_read(struct client *c, const gomem_monitor *m)
{
	for (;;) {
		ssize_t n = read(c->fd, c->req + c->req_len, MAX_REQUEST - c->req_len);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return GOMEM_OK;
		if (n <= 0) {
			client_close(c);
			return GOMEM_OK;
		}
		c->req_len += (size_t)n;
		c->req[c->req_len] = '\0';
		if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n"))
			return answer(c, m);
		if (c->req_len == MAX_REQUEST)
			return answer_text(c, "431 Request Header Fields Too Large",
					   "the request is over 8 KiB\n");
	}
}

static void client_write(struct client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		if (n <= 0)
			break;
		c->out_off += (size_t)n;
	}
	client_close(c);
}

static void accept_clients(struct gomem_exporter *e, double now)
{
	for (size_t i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &e->clients[i];
		int fd;

		if (c->fd >= 0)
			continue;
		if ((fd = accept(e->fd, NULL, NULL)) < 0)
			return; /* EAGAIN: none waiting; anything else: retried next time */
		if (set_nonblocking(fd) != 0) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->deadline = now + CLIENT_SECONDS;
	}
}

int gomem_exporter_serve(struct gomem_exporter *e, const gomem_monitor *m, double now)
{
	if (e == NULL)
		return GOMEM_OK;
	accept_clients(e, now);
	for (size_t i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &e->clients[i];

		if (c->fd >= 0 && now > c->deadline)
			client_close(c);
		if (c->fd >= 0 && c->out == NULL && client_read(c, m) != GOMEM_OK)
			return GOMEM_E_NOMEM;
		if (c->fd >= 0 && c->out)
			client_write(c);
	}
	return GOMEM_OK;
}
