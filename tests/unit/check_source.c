/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "gomem-internal.h"
#include "suites.h"

/* gzip LEN bytes of DATA into a new buffer. */
static uint8_t *gzip_bytes(const void *data, size_t len, size_t *out_len)
{
	z_stream z;
	size_t cap;
	uint8_t *out;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&z, len) + 64;
	out = malloc(cap);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

/* Reads everything; returns the code and the bytes in *all. */
static int drain(gomem_source *src, gomem_buf *all)
{
	const uint8_t *data;
	size_t len;
	int rc;

	gomem_buf_init(all, (size_t)1 << 30);
	while ((rc = gomem_source_read(src, &data, &len)) == GOMEM_OK && len > 0)
		ck_assert_int_eq(gomem_buf_append(all, data, len), GOMEM_OK);
	return rc;
}

START_TEST(plain_memory)
{
	gomem_source *src;
	gomem_buf all;

	ck_assert_int_eq(gomem_source_open_memory(&src, "hello", 5, "mem", NULL, NULL), GOMEM_OK);
	ck_assert_int_eq(drain(src, &all), GOMEM_OK);
	ck_assert_str_eq(all.data, "hello");
	ck_assert(!gomem_source_is_gzip(src));
	ck_assert_uint_eq(gomem_source_offset(src), 5);
	gomem_buf_free(&all);
	gomem_source_free(src);
}
END_TEST

START_TEST(gzip_members_and_peek)
{
	char text[3000];
	size_t l1, l2;
	uint8_t *g1, *g2, *both;
	gomem_source *src;
	gomem_buf all;
	const uint8_t *peek;
	size_t plen;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 26);
	g1 = gzip_bytes(text, 2000, &l1);
	g2 = gzip_bytes(text + 2000, 1000, &l2);
	both = malloc(l1 + l2);
	memcpy(both, g1, l1);
	memcpy(both + l1, g2, l2);
	ck_assert_int_eq(gomem_source_open_memory(&src, both, l1 + l2, "two.gz", NULL, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_source_peek(src, &peek, &plen, 13), GOMEM_OK);
	ck_assert_uint_eq(plen, 13);
	ck_assert(memcmp(peek, "abcdefghijklm", 13) == 0);
	ck_assert_int_eq(drain(src, &all), GOMEM_OK);
	ck_assert(gomem_source_is_gzip(src));
	ck_assert_uint_eq(all.len, 3000);
	ck_assert(memcmp(all.data, text, 3000) == 0);
	gomem_buf_free(&all);
	gomem_source_free(src);
	free(g1);
	free(g2);
	free(both);
}
END_TEST

START_TEST(gzip_truncated_and_corrupt)
{
	static char text[100000];
	size_t len;
	uint8_t *g;
	gomem_source *src;
	gomem_buf all;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)(i * 7919 % 251);
	g = gzip_bytes(text, sizeof(text), &len);
	ck_assert_int_eq(gomem_source_open_memory(&src, g, len / 2, "cut.gz", NULL, NULL), GOMEM_OK);
	ck_assert_int_eq(drain(src, &all), GOMEM_E_TRUNCATED);
	ck_assert(gomem_source_error(src)->has_offset);
	ck_assert_str_eq(gomem_source_error(src)->source, "cut.gz");
	ck_assert_str_eq(gomem_source_error(src)->message, "gzip stream is truncated");
	gomem_buf_free(&all);
	gomem_source_free(src);

	g[20] ^= 0xff;
	g[21] ^= 0x55;
	ck_assert_int_eq(gomem_source_open_memory(&src, g, len, "bad.gz", NULL, NULL), GOMEM_OK);
	ck_assert_int_eq(drain(src, &all), GOMEM_E_FORMAT);
	ck_assert(strncmp(gomem_source_error(src)->message, "gzip: ", 6) == 0);
	gomem_buf_free(&all);
	gomem_source_free(src);
	free(g);
}
END_TEST

/* A bomb stops at the cap, one chunk past it at most. */
START_TEST(cap_stops_bomb)
{
	size_t n = (size_t)8 << 20, len;
	char *zeros = calloc(1, n);
	uint8_t *g = gzip_bytes(zeros, n, &len);
	gomem_source_options opts = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_source *src;
	const uint8_t *data;
	size_t got = 0, dlen;
	int rc;

	opts.max_input = 1 << 20;
	ck_assert_uint_lt(len, 20000);
	ck_assert_int_eq(gomem_source_open_memory(&src, g, len, "bomb.gz", &opts, NULL), GOMEM_OK);
	while ((rc = gomem_source_read(src, &data, &dlen)) == GOMEM_OK && dlen > 0)
		got += dlen;
	ck_assert_int_eq(rc, GOMEM_E_LIMIT);
	ck_assert_uint_le(got, (size_t)1 << 20);
	ck_assert(strstr(gomem_source_error(src)->message, "--max-input") != NULL);
	gomem_source_free(src);
	free(zeros);
	free(g);
}
END_TEST

START_TEST(fd_pipe_gzip)
{
	const char *text = "heap profile: 1: 2 [3: 4] @ heap/2\n";
	size_t len;
	uint8_t *g = gzip_bytes(text, strlen(text), &len);
	int fds[2];
	gomem_source *src;
	gomem_buf all;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], g, 1), 1); /* the magic split across reads */
	ck_assert_int_eq(write(fds[1], g + 1, len - 1), (ssize_t)(len - 1));
	close(fds[1]);
	ck_assert_int_eq(gomem_source_open_fd(&src, fds[0], "<pipe>", NULL, NULL), GOMEM_OK);
	ck_assert_int_eq(drain(src, &all), GOMEM_OK);
	ck_assert_str_eq(all.data, text);
	gomem_buf_free(&all);
	gomem_source_free(src);
	close(fds[0]);
	free(g);
}
END_TEST

START_TEST(missing_path_and_refused_url)
{
	gomem_source *src = (gomem_source *)1;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_source_open(&src, "/nonexistent/x.pb.gz", NULL, &err), GOMEM_E_IO);
	ck_assert_ptr_null(src);
	ck_assert_str_eq(err.source, "/nonexistent/x.pb.gz");
	ck_assert_str_eq(err.message, "No such file or directory");

	gomem_error_clear(&err);
	ck_assert_int_eq(gomem_source_open(&src, "http://127.0.0.1:1/debug/pprof/heap", NULL, &err),
			 GOMEM_E_NETWORK);
	ck_assert_ptr_null(src);
	ck_assert_str_eq(err.source, "http://127.0.0.1:1/debug/pprof/heap");
}
END_TEST


/* Bytes that arrive in two pieces (a pipe, a URL body): a peek spanning
 * both sees them in order, not the second piece over the first. */
START_TEST(peek_across_chunks)
{
	int fds[2];
	pid_t pid;
	gomem_source *src;
	const uint8_t *peek;
	size_t plen;
	gomem_buf all;

	ck_assert_int_eq(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		if (write(fds[1], "abc", 3) != 3)
			_exit(1);
		nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
		_exit(write(fds[1], "defgh", 5) == 5 ? 0 : 1);
	}
	close(fds[1]);
	ck_assert_int_eq(gomem_source_open_fd(&src, fds[0], "<pipe>", NULL, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_source_peek(src, &peek, &plen, 8), GOMEM_OK);
	ck_assert_uint_eq(plen, 8);
	ck_assert(memcmp(peek, "abcdefgh", 8) == 0);
	ck_assert_int_eq(drain(src, &all), GOMEM_OK);
	ck_assert_str_eq(all.data, "abcdefgh");
	gomem_buf_free(&all);
	gomem_source_free(src);
	close(fds[0]);
	waitpid(pid, NULL, 0);
}
END_TEST

/* A cap of "no limit" plus one is still no limit. */
START_TEST(unlimited_buffer)
{
	gomem_buf b;

	gomem_buf_init(&b, SIZE_MAX);
	ck_assert_int_eq(gomem_buf_append(&b, "x", 1), GOMEM_OK);
	ck_assert_int_eq(gomem_buf_printf(&b, "%d", 42), GOMEM_OK);
	ck_assert_str_eq(b.data, "x42");
	gomem_buf_free(&b);
	ck_assert_uint_eq(gomem_size_add(SIZE_MAX, 1), SIZE_MAX);
	ck_assert_uint_eq(gomem_size_mul(SIZE_MAX / 2, 4), SIZE_MAX);
	ck_assert_uint_eq(gomem_size_mul(3, 4), 12);
}
END_TEST

/* ---- the URL rule --------------------------------------------------------- */

static const struct {
	const char *in, *kind, *defaults;
	unsigned flags;
	const char *out;
} url_rule_cases[] = {
	/* a base URL gets the endpoint */
	{"http://host:9090", "heap", "gc=1", 0, "http://host:9090/debug/pprof/heap?gc=1"},
	{"http://host:6060/", "heap", "gc=1", 0, "http://host:6060/debug/pprof/heap?gc=1"},
	{"HTTP://Host:6060", "goroutine", "debug=2", 0, "HTTP://Host:6060/debug/pprof/goroutine?debug=2"},
	{"http://host:6060?debug=1", "goroutine", "debug=2", 0,
	 "http://host:6060/debug/pprof/goroutine?debug=1"},
	{"https://u:p@[::1]:6060/", "heap", NULL, 0, "https://u:p@[::1]:6060/debug/pprof/heap"},
	/* the index of a mux, at the root or under a prefix */
	{"http://h/debug/pprof/", "heap", "debug=1&gc=1", 0, "http://h/debug/pprof/heap?debug=1&gc=1"},
	{"http://h/app/debug/pprof", "heap", NULL, 0, "http://h/app/debug/pprof/heap"},
	/* explicit paths and queries are the user's */
	{"http://h/debug/pprof/heap?seconds=30", "heap", "gc=1", 0,
	 "http://h/debug/pprof/heap?seconds=30&gc=1"},
	{"http://h/debug/pprof/heap?gc=0", "heap", "gc=1", 0, "http://h/debug/pprof/heap?gc=0"},
	{"http://h/custom/memprof", "heap", "gc=1", 0, "http://h/custom/memprof?gc=1"},
	{"http://h/heap#x", "heap", "gc=1", 0, "http://h/heap?gc=1#x"},
	{"http://h/heap?gc", "heap", "gc=1", 0, "http://h/heap?gc"},
	{"http://h/heap?xgc=1", "heap", "gc=1", 0, "http://h/heap?xgc=1&gc=1"},
	{"http://h/debug/pprof/goroutine", "heap", NULL, 0, "http://h/debug/pprof/goroutine"},
	/* siblings, for a tool that reads two endpoints from one URL */
	{"http://h/debug/pprof/heap?debug=1", "goroutine", "debug=1", GOMEM_PPROF_URL_SIBLING,
	 "http://h/debug/pprof/goroutine?debug=1"},
	{"http://h/x/debug/pprof/allocs/", "heap", NULL, GOMEM_PPROF_URL_SIBLING,
	 "http://h/x/debug/pprof/heap"},
	{"http://h:1/", "goroutine", "debug=1", GOMEM_PPROF_URL_SIBLING,
	 "http://h:1/debug/pprof/goroutine?debug=1"},
	{"http://h/metrics", "goroutine", NULL, GOMEM_PPROF_URL_SIBLING, "http://h/metrics"},
};

START_TEST(url_rule)
{
	char *out = NULL;

	ck_assert_int_eq(gomem_pprof_url(&out, url_rule_cases[_i].in, url_rule_cases[_i].kind,
					 url_rule_cases[_i].defaults, url_rule_cases[_i].flags),
			 GOMEM_OK);
	ck_assert_str_eq(out, url_rule_cases[_i].out);
	gomem_free(out);
}
END_TEST

START_TEST(url_rule_rejects_and_names)
{
	char *out = (char *)1;

	ck_assert_int_eq(gomem_pprof_url(&out, "ftp://h/", "heap", NULL, 0), GOMEM_E_INVALID);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(gomem_pprof_url(&out, "http://", "heap", NULL, 0), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_pprof_url(&out, "http://u@/x", "heap", NULL, 0), GOMEM_E_INVALID);
	ck_assert(gomem_url_is_http("HTTPS://x"));
	ck_assert(!gomem_url_is_http("/tmp/http://x"));
	ck_assert_int_eq(gomem_url_name(&out, "https://u:p@[::1]:6060/x?y"), GOMEM_OK);
	ck_assert_str_eq(out, "[::1]:6060");
	gomem_free(out);
	ck_assert_int_eq(gomem_url_name(&out, "http://host"), GOMEM_OK);
	ck_assert_str_eq(out, "host");
	gomem_free(out);
}
END_TEST

/* seconds=N: the limit grows by N seconds; what is not 1..86400 is refused,
 * never turned into "no limit" (0) nor overflowed. */
START_TEST(url_timeout)
{
	static const char *const bad[] = {
		"seconds=-5", "seconds=0", "seconds=", "seconds", "seconds=1e3", "seconds=86401",
		"seconds=99999999999999999999999", "seconds=5x"
	};
	gomem_error err = {0};
	char url[128];
	long ms;

	ck_assert_int_eq(gomem_url_timeout_ms(&ms, "http://h/heap?seconds=5", 1000, NULL), GOMEM_OK);
	ck_assert_int_eq(ms, 6000);
	ck_assert_int_eq(gomem_url_timeout_ms(&ms, "http://h/heap?a=1&seconds=30#x", 60000, NULL),
			 GOMEM_OK);
	ck_assert_int_eq(ms, 90000);
	ck_assert_int_eq(gomem_url_timeout_ms(&ms, "http://h/heap?seconds=5", 0, NULL), GOMEM_OK);
	ck_assert_int_eq(ms, 0);
	ck_assert_int_eq(gomem_url_timeout_ms(&ms, "http://h/heap?xseconds=-5", 1000, NULL), GOMEM_OK);
	ck_assert_int_eq(ms, 1000);
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(bad); i++) {
		snprintf(url, sizeof(url), "http://h/debug/pprof/heap?%s", bad[i]);
		gomem_error_clear(&err);
		ck_assert_int_eq(gomem_url_timeout_ms(&ms, url, 1000, &err), GOMEM_E_INVALID);
		ck_assert(strstr(err.message, "from 1 to 86400") != NULL);
	}
}
END_TEST

/* Durations into milliseconds: rounded up (1us must not become the 0 of
 * "no limit"), capped, and nonsense is 0. */
START_TEST(duration_ms)
{
	ck_assert_int_eq(gomem_duration_ms(1.5, 100000), 1500);
	ck_assert_int_eq(gomem_duration_ms(1e-6, 100000), 1);
	ck_assert_int_eq(gomem_duration_ms(0, 100000), 0);
	ck_assert_int_eq(gomem_duration_ms(-3, 100000), 0);
	ck_assert_int_eq(gomem_duration_ms(NAN, 100000), 0);
	ck_assert_int_eq(gomem_duration_ms(1e300, 100000), 100000);
	ck_assert_int_eq(gomem_duration_ms(INFINITY, 7), 7);
}
END_TEST

/* ---- a loopback HTTP server, forked ---------------------------------------- */

struct test_server {
	int fd, port;
	pid_t pid;
	int report[2]; /* "PATH KEY\n" per request: KEY 1 when X-Key came with it */
};

static void server_listen(struct test_server *s)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int one = 1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(s->fd, 0);
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(s->fd, 16), 0);
	ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&a, &alen), 0);
	s->port = ntohs(a.sin_port);
	ck_assert_int_eq(pipe(s->report), 0);
}

static void send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n <= 0)
			return;
		data += n;
		len -= (size_t)n;
	}
}

/* In the child: answers requests until killed. /big is BIG_BYTES of 'x'
 * written in pieces; /to-other redirects to OTHER's /end, /to-self to this
 * server's /end (a relative Location); /end says "ok". */
#define BIG_BYTES ((size_t)3 << 20)

static void serve(const struct test_server *s, int other_port)
{
	static char piece[65536];
	char req[8192], head[256], path[128];

	memset(piece, 'x', sizeof(piece));
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		int c = accept(s->fd, NULL, NULL);
		size_t got = 0;
		ssize_t n;
		int key;

		if (c < 0)
			continue;
		while (got < sizeof(req) - 1 && (n = read(c, req + got, sizeof(req) - 1 - got)) > 0) {
			got += (size_t)n;
			req[got] = '\0';
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		req[got] = '\0';
		if (sscanf(req, "GET %127s", path) != 1)
			strcpy(path, "?");
		key = strstr(req, "\r\nX-Key:") != NULL || strstr(req, "\r\nx-key:") != NULL;
		snprintf(head, sizeof(head), "%s %d\n", path, key);
		send_all(s->report[1], head, strlen(head));
		if (strcmp(path, "/big") == 0) {
			snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
				 "Connection: close\r\n\r\n", BIG_BYTES);
			send_all(c, head, strlen(head));
			for (size_t left = BIG_BYTES; left > 0; left -= left < sizeof(piece) ? left : sizeof(piece))
				send_all(c, piece, left < sizeof(piece) ? left : sizeof(piece));
		} else if (strcmp(path, "/to-other") == 0 || strcmp(path, "/to-self") == 0) {
			if (path[4] == 'o')
				snprintf(head, sizeof(head), "HTTP/1.1 302 Found\r\nLocation: "
					 "http://127.0.0.1:%d/end\r\nContent-Length: 0\r\n"
					 "Connection: close\r\n\r\n", other_port);
			else
				snprintf(head, sizeof(head), "HTTP/1.1 302 Found\r\nLocation: /end\r\n"
					 "Content-Length: 0\r\nConnection: close\r\n\r\n");
			send_all(c, head, strlen(head));
		} else {
			snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
				 "Connection: close\r\n\r\nok");
			send_all(c, head, strlen(head));
		}
		close(c);
	}
}

static void server_start(struct test_server *s, int other_port)
{
	if ((s->pid = fork()) == 0) {
		close(s->report[0]);
		serve(s, other_port);
		_exit(0);
	}
	close(s->report[1]);
	close(s->fd);
}

static void server_stop(struct test_server *s)
{
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	close(s->report[0]);
}

/* The next "PATH KEY" line the server reported. */
static void server_saw(struct test_server *s, char *line, size_t size)
{
	size_t n = 0;
	char ch;

	while (n + 1 < size && read(s->report[0], &ch, 1) == 1 && ch != '\n')
		line[n++] = ch;
	line[n] = '\0';
}

static int fetch_all(const char *url, const gomem_source_options *opts, gomem_buf *all)
{
	gomem_source *src;
	gomem_error err = {0};
	int rc = gomem_source_open(&src, url, opts, &err);

	if (rc != GOMEM_OK)
		return rc;
	rc = drain(src, all);
	gomem_source_free(src);
	return rc;
}

/* An unlimited --max-input (UINT64_MAX) streams a body of any size; the
 * body is never held whole. */
START_TEST(url_unlimited_streamed)
{
	gomem_source_options opts = GOMEM_SOURCE_OPTIONS_INIT;
	struct test_server a;
	char url[64], seen[160];
	gomem_buf all;

	server_listen(&a);
	server_start(&a, 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/big", a.port);
	opts.max_input = UINT64_MAX;
	ck_assert_int_eq(fetch_all(url, &opts, &all), GOMEM_OK);
	ck_assert_uint_eq(all.len, BIG_BYTES);
	gomem_buf_free(&all);
	server_saw(&a, seen, sizeof(seen));
	ck_assert_str_eq(seen, "/big 0");
	server_stop(&a);
}
END_TEST

/* Fetches PATH of A, which ends at THEN's /end: each says what it saw. */
static void fetch_via(struct test_server *a, struct test_server *then, const char *path,
		      const gomem_source_options *opts, const char *a_saw, const char *then_saw)
{
	char url[64], seen[160];
	gomem_buf all;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", a->port, path);
	ck_assert_int_eq(fetch_all(url, opts, &all), GOMEM_OK);
	ck_assert_str_eq(all.data, "ok");
	gomem_buf_free(&all);
	server_saw(a, seen, sizeof(seen));
	ck_assert_str_eq(seen, a_saw);
	server_saw(then, seen, sizeof(seen));
	ck_assert_str_eq(seen, then_saw);
}

/* The user's headers reach the origin the user named, through redirects
 * there, and never another port that a redirect points to. */
START_TEST(url_headers_stay_home)
{
	static const char *const headers[] = {"X-Key: secret"};
	gomem_source_options opts = GOMEM_SOURCE_OPTIONS_INIT;
	struct test_server a, b;

	server_listen(&a);
	server_listen(&b);
	server_start(&b, 0);
	server_start(&a, b.port);
	opts.headers = headers;
	opts.nheaders = 1;
	fetch_via(&a, &a, "/to-self", &opts, "/to-self 1", "/end 1");
	fetch_via(&a, &b, "/to-other", &opts, "/to-other 1", "/end 0");
	server_stop(&a);
	server_stop(&b);
}
END_TEST

START_TEST(same_origin)
{
	ck_assert(gomem_http_same_origin("http://h:80/a", "HTTP://H/b?c"));
	ck_assert(gomem_http_same_origin("https://h/", "https://h:443/x"));
	ck_assert(!gomem_http_same_origin("http://h/", "https://h/"));
	ck_assert(!gomem_http_same_origin("http://h:6060/", "http://h:6061/"));
	ck_assert(!gomem_http_same_origin("http://h/", "http://h.evil/"));
	ck_assert(!gomem_http_same_origin("http://h/", "http://h@evil/"));
	ck_assert(!gomem_http_same_origin("http://h/", "not a url"));
}
END_TEST

Suite *suite_source(void)
{
	Suite *s = suite_create("source");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, plain_memory);
	tcase_add_test(tc, gzip_members_and_peek);
	tcase_add_test(tc, gzip_truncated_and_corrupt);
	tcase_add_test(tc, cap_stops_bomb);
	tcase_add_test(tc, fd_pipe_gzip);
	tcase_add_test(tc, missing_path_and_refused_url);
	tcase_add_test(tc, peek_across_chunks);
	tcase_add_test(tc, unlimited_buffer);
	tcase_add_loop_test(tc, url_rule, 0, (int)GOMEM_ARRAY_SIZE(url_rule_cases));
	tcase_add_test(tc, url_rule_rejects_and_names);
	tcase_add_test(tc, url_timeout);
	tcase_add_test(tc, duration_ms);
	tcase_add_test(tc, same_origin);
	suite_add_tcase(s, tc);
	tc = tcase_create("http");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, url_unlimited_streamed);
	tcase_add_test(tc, url_headers_stay_home);
	suite_add_tcase(s, tc);
	return s;
}
