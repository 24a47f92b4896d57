/* SPDX-License-Identifier: Apache-2.0 */
/* check_exporter.c — gomem top --listen's pieces: the Accept negotiation,
 * the rows as metrics (live sources report, gone ones only say up 0), the
 * sched columns a stream with schedtrace gets, and the HTTP server driven
 * through the monitor's own wait and read over a real loopback socket. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gomem-internal.h"
#include "suites.h"

#define SCHED_LOG "tests/data/sched/go1.22.log"

START_TEST(negotiate)
{
	static const struct {
		const char *accept;
		gomem_metrics_flavor want;
	} cases[] = {
		{NULL, GOMEM_METRICS_PROMETHEUS},
		{"", GOMEM_METRICS_PROMETHEUS},
		{"*/*", GOMEM_METRICS_PROMETHEUS},
		{"application/openmetrics-text", GOMEM_METRICS_OPENMETRICS},
		{"Application/OpenMetrics-Text; version=1.0.0", GOMEM_METRICS_OPENMETRICS},
		/* Prometheus 2.42's own header */
		{"application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
		 "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", GOMEM_METRICS_OPENMETRICS},
		{"application/openmetrics-text;version=0.0.1", GOMEM_METRICS_PROMETHEUS},
		{"application/openmetrics-text;version=1.0.01", GOMEM_METRICS_PROMETHEUS},
		{"text/plain;q=0.9, application/openmetrics-text;q=0.3", GOMEM_METRICS_PROMETHEUS},
		{"text/plain;q=0.3, application/openmetrics-text;q=0.9", GOMEM_METRICS_OPENMETRICS},
		{"application/openmetrics-text;q=0", GOMEM_METRICS_PROMETHEUS},
		{"application/openmetrics-textual", GOMEM_METRICS_PROMETHEUS},
		{"application/json", GOMEM_METRICS_PROMETHEUS},
		{";;;,,,q=", GOMEM_METRICS_PROMETHEUS},
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(cases); i++)
		ck_assert_msg(gomem_metrics_negotiate(cases[i].accept) == cases[i].want, "case %zu: %s", i,
			      cases[i].accept ? cases[i].accept : "(null)");
}
END_TEST

/* The metrics text of M in FLAVOR, in a buffer the caller frees. */
static char *metrics_text(const gomem_monitor *m, gomem_metrics_flavor flavor)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(gomem_monitor_write_metrics(m, fp, flavor), GOMEM_OK);
	fclose(fp);
	return text;
}

static void assert_line(const char *text, const char *line)
{
	const char *p = strstr(text, line);

	ck_assert_msg(p && (p == text || p[-1] == '\n') && p[strlen(line)] == '\n', "no line '%s' in:\n%s",
		      line, text);
}

/* A log with gctrace and schedtrace lines (Go 1.22's, from schedload): the
 * row has the sched columns of the last snapshot, the gctrace counts take
 * the SCHED lines as noise, and every family reports the source. */
START_TEST(sched_columns_and_series)
{
	gomem_monitor *m;
	const gomem_monitor_row *r;
	char *text, line[512];
	const char *path = test_path(SCHED_LOG);

	ck_assert_int_eq(gomem_monitor_new(&m, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_add(m, path), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_tick(m, 100), GOMEM_OK);
	r = gomem_monitor_row_at(m, 0);
	ck_assert_int_eq(r->state, GOMEM_MONITOR_RUNNING);
	ck_assert_int_eq(r->gcs, 5);
	ck_assert_int_eq(r->threads, 6);
	ck_assert_int_eq(r->gomaxprocs, 2);
	ck_assert_int_eq(r->runq, 0);
	ck_assert(r->runq_p99 >= 4 && r->runq_p99 <= 6); /* 1+3+1 = 5 at 261ms */
	ck_assert_uint_eq(r->lines, 22);
	ck_assert_uint_eq(r->skipped, 17); /* 12 SCHED lines and 5 of the program's */

	text = metrics_text(m, GOMEM_METRICS_PROMETHEUS);
	snprintf(line, sizeof(line), "gomem_source_up{source=\"%s\"} 1", path);
	assert_line(text, line);
	snprintf(line, sizeof(line), "gomem_gc_cycles_total{source=\"%s\"} 5", path);
	assert_line(text, line);
	snprintf(line, sizeof(line), "gomem_sched_threads{source=\"%s\"} 6", path);
	assert_line(text, line);
	snprintf(line, sizeof(line), "gomem_sched_gomaxprocs{source=\"%s\"} 2", path);
	assert_line(text, line);
	snprintf(line, sizeof(line), "gomem_gc_heap_goal_bytes{source=\"%s\"} 4194304", path);
	assert_line(text, line);
	assert_line(text, "# TYPE gomem_gc_cycles_total counter");
	ck_assert_ptr_null(strstr(text, "# EOF"));
	free(text);

	text = metrics_text(m, GOMEM_METRICS_OPENMETRICS);
	assert_line(text, "# TYPE gomem_gc_cycles counter");
	assert_line(text, "# UNIT gomem_gc_heap_live_bytes bytes");
	snprintf(line, sizeof(line), "gomem_gc_pause_seconds{source=\"%s\",quantile=\"1.0\"} 0.0057020000000000005", path);
	assert_line(text, line); /* gc 5: sweep termination 5.7 ms + mark termination 0.002 ms */
	ck_assert(strlen(text) > 7 && strcmp(text + strlen(text) - 6, "# EOF\n") == 0);
	free(text);
	gomem_monitor_free(m);
}
END_TEST

/* A log with no gc line within the window is gone: up 0 and no figures
 * (Prometheus marks them stale), instead of the last ones forever. */
START_TEST(silent_source_goes_stale)
{
	gomem_monitor_options o = GOMEM_MONITOR_OPTIONS_INIT;
	gomem_monitor *m;
	char *text, line[512];
	const char *path = test_path(SCHED_LOG);

	o.window = 60;
	ck_assert_int_eq(gomem_monitor_new(&m, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_add(m, path), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_tick(m, 100), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_tick(m, 100 + 61), GOMEM_OK);
	text = metrics_text(m, GOMEM_METRICS_PROMETHEUS);
	snprintf(line, sizeof(line), "gomem_source_up{source=\"%s\"} 0", path);
	assert_line(text, line);
	ck_assert_ptr_null(strstr(text, "gomem_gc_cycles_total{"));
	ck_assert_ptr_null(strstr(text, "gomem_sched_threads{"));
	free(text);
	gomem_monitor_free(m);
}
END_TEST

/* A source given twice is reported once: two series with one label set
 * would make the whole scrape invalid. */
START_TEST(duplicate_spec_once)
{
	gomem_monitor *m;
	char *text, *first;
	const char *path = test_path(SCHED_LOG);

	ck_assert_int_eq(gomem_monitor_new(&m, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_add(m, path), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_add(m, path), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_tick(m, 100), GOMEM_OK);
	text = metrics_text(m, GOMEM_METRICS_PROMETHEUS);
	first = strstr(text, "gomem_gc_cycles_total{");
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_null(strstr(first + 1, "gomem_gc_cycles_total{"));
	free(text);
	gomem_monitor_free(m);
}
END_TEST

/* The batch table of the rows (FORMAT), one tick, in a buffer the caller frees. */
static char *batch_text(const gomem_monitor *m, gomem_format format)
{
	gomem_monitor_batch *b;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	ck_assert_int_eq(gomem_monitor_batch_new(&b, fp, format), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_batch_tick(b, m, 1, 0), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_batch_end(b), GOMEM_OK);
	gomem_monitor_batch_free(b);
	fclose(fp);
	return text;
}

/* RUNQ and THREADS in the text table only when a source carries schedtrace;
 * in CSV always, last. */
START_TEST(batch_sched_columns)
{
	gomem_monitor *m;
	char *text;

	ck_assert_int_eq(gomem_monitor_new(&m, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_add(m, test_path("contrib/examples/gctrace.log")), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_tick(m, 100), GOMEM_OK);
	text = batch_text(m, GOMEM_FORMAT_TABLE);
	ck_assert_msg(strstr(text, "RUNQ") == NULL && strstr(text, "  AGE  NOTE\n"), "%s", text);
	free(text);
	text = batch_text(m, GOMEM_FORMAT_CSV);
	ck_assert_msg(strstr(text, ",message,spec,runq,threads\n") && strstr(text, "gctrace.log,,\n"), "%s", text);
	free(text);

	ck_assert_int_eq(gomem_monitor_add(m, test_path(SCHED_LOG)), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_tick(m, 100), GOMEM_OK);
	text = batch_text(m, GOMEM_FORMAT_TABLE);
	ck_assert_msg(strstr(text, "  AGE  RUNQ  THREADS  NOTE\n"), "%s", text);
	ck_assert_msg(strstr(text, "  0s     0        6  -\n"), "%s", text);
	free(text);
	text = batch_text(m, GOMEM_FORMAT_CSV);
	ck_assert_msg(strstr(text, "go1.22.log,0,6\n"), "%s", text);
	free(text);
	gomem_monitor_free(m);
}
END_TEST

START_TEST(listen_bad_address)
{
	static const char *const bad[] = {"", "9464", "localhost", ":9464", "127.0.0.1:", "127.0.0.1:x",
					  "127.0.0.1:65536", "[::1]9464", "[::1", "::1:9464",
					  "127.0.0.1:123456"};
	gomem_monitor *m;

	ck_assert_int_eq(gomem_monitor_new(&m, NULL), GOMEM_OK);
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(bad); i++)
		ck_assert_msg(gomem_monitor_listen(m, bad[i]) == GOMEM_E_INVALID, "'%s'", bad[i]);
	ck_assert_ptr_null(gomem_monitor_listen_address(m));
	ck_assert_int_eq(gomem_monitor_listen(m, "192.0.2.1:0"), GOMEM_E_IO); /* not ours */
	gomem_monitor_free(m);
}
END_TEST

/* One request over loopback, the monitor waited on and read until the
 * answer is whole (the server side never blocks); the answer's text. */
static char *exchange(gomem_monitor *m, const char *request)
{
	const char *addr = gomem_monitor_listen_address(m);
	struct sockaddr_in sa;
	char *answer = calloc(1, 1 << 16);
	size_t len = 0;
	int fd, port = atoi(strrchr(addr, ':') + 1);

	ck_assert_ptr_nonnull(answer);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(write(fd, request, strlen(request)), (ssize_t)strlen(request));
	for (int round = 0; round < 200; round++) {
		struct pollfd pf = {fd, POLLIN, 0};
		ssize_t n;

		ck_assert_int_eq(gomem_monitor_wait(m, NULL, 0, 0.05), GOMEM_OK);
		ck_assert_int_eq(gomem_monitor_read(m, 100), GOMEM_OK);
		if (poll(&pf, 1, 0) <= 0)
			continue;
		if ((n = read(fd, answer + len, (1 << 16) - 1 - len)) <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return answer;
}

START_TEST(serves_metrics_over_loopback)
{
	gomem_monitor *m;
	char *a;

	ck_assert_int_eq(gomem_monitor_new(&m, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_add(m, test_path(SCHED_LOG)), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_listen(m, "127.0.0.1:0"), GOMEM_OK);
	ck_assert_int_eq(strncmp(gomem_monitor_listen_address(m), "127.0.0.1:", 10), 0);
	ck_assert_int_eq(gomem_monitor_tick(m, 100), GOMEM_OK);

	a = exchange(m, "GET /metrics HTTP/1.1\r\nHost: x\r\n"
			"Accept: application/openmetrics-text; version=1.0.0\r\n\r\n");
	ck_assert_msg(strncmp(a, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", a);
	ck_assert_ptr_nonnull(strstr(a, "Content-Type: application/openmetrics-text; version=1.0.0"));
	ck_assert_ptr_nonnull(strstr(a, "\r\n\r\n# TYPE gomem_source_up gauge\n"));
	ck_assert_ptr_nonnull(strstr(a, "gomem_sched_threads{source="));
	ck_assert(strcmp(a + strlen(a) - 6, "# EOF\n") == 0);
	free(a);

	a = exchange(m, "GET /metrics HTTP/1.0\n\n");
	ck_assert_msg(strncmp(a, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4", 56) == 0, "%s", a);
	free(a);
	a = exchange(m, "HEAD /metrics HTTP/1.1\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(a, "Content-Length: "));
	ck_assert(strcmp(a + strlen(a) - 4, "\r\n\r\n") == 0); /* no body */
	free(a);
	a = exchange(m, "GET / HTTP/1.1\r\n\r\n");
	ck_assert_msg(strncmp(a, "HTTP/1.1 404 ", 13) == 0, "%s", a);
	free(a);
	a = exchange(m, "DELETE /metrics HTTP/1.1\r\n\r\n");
	ck_assert_msg(strncmp(a, "HTTP/1.1 405 ", 13) == 0, "%s", a);
	ck_assert_ptr_nonnull(strstr(a, "Allow: GET, HEAD\r\n"));
	free(a);
	a = exchange(m, "\x01\x02garbage\r\n\r\n");
	ck_assert_msg(strncmp(a, "HTTP/1.1 400 ", 13) == 0, "%s", a);
	free(a);
	ck_assert_int_eq(gomem_monitor_listen(m, "127.0.0.1:0"), GOMEM_E_INVALID); /* once */
	gomem_monitor_free(m);
}
END_TEST

Suite *suite_exporter(void)
{
	Suite *s = suite_create("exporter");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, negotiate);
	tcase_add_test(tc, sched_columns_and_series);
	tcase_add_test(tc, silent_source_goes_stale);
	tcase_add_test(tc, duplicate_spec_once);
	tcase_add_test(tc, batch_sched_columns);
	tcase_add_test(tc, listen_bad_address);
	tcase_add_test(tc, serves_metrics_over_loopback);
	suite_add_tcase(s, tc);
	return s;
}
