/* SPDX-License-Identifier: Apache-2.0 */
/* monitor-internal.h — what the files of the monitor module share: a
 * source (stream or endpoint) and the monitor. monitor.c owns the sources,
 * rows and order; monitor_poll.c polls the endpoints. */
#ifndef GOMEM_MONITOR_INTERNAL_H
#define GOMEM_MONITOR_INTERNAL_H

#include "gomem-internal.h"

struct url_poll; /* one poll of an endpoint in flight (monitor_poll.c) */

struct source {
	gomem_monitor_row row;
	char *name, *spec;
	char message[256];
	gomem_monitor_kind kind;

	/* streams */
	gomem_follow *follow;
	gomem_gcruns *runs;
	gomem_schedruns *sched; /* schedtrace in the same stream; NULL once it failed */
	gomem_gcstats_summary ended; /* the last run, once the input ended */
	int have_ended;
	double feed_now;       /* the time of the bytes being fed */
	int eof;
	uint8_t *buf;          /* add_buffer: the text, fed once */
	size_t buflen;
	double last_event;     /* when the last gc line arrived; NAN none */
	double last_pause;

	/* endpoints */
	char *heap_url, *goroutine_url; /* goroutine_url NULL: the URL names no sibling */
	double next_poll;
	int polled;
	struct url_poll *poll;
	double pause_last, pause_p99, cpu_pct, age_base; /* age_base: realtime of the last GC end */
	int64_t gcs, goroutines, heap_live, goal, inuse, idle, released, sys;

	/* history: a ring of points */
	gomem_monitor_point *ring;
	size_t ring_cap, ring_start, ring_len;
};

struct gomem_monitor {
	gomem_monitor_options opts;
	struct source **src;
	size_t nsrc, src_cap;
	size_t *order;
	gomem_monitor_sort_key sort_key;
	int descending;
	gomem_http *http;      /* every endpoint's fetches, moved on together */
	struct gomem_exporter *exporter; /* --listen: /metrics served from the rows; NULL none */
	gomem_error err;
};

/* monitor.c */
void gomem_monitor_push_point(struct source *s, const gomem_monitor_point *p);
void gomem_monitor_set_message(struct source *s, const gomem_error *err, const char *fallback);

/* exporter.c: the listening socket and its clients, served without blocking. */
struct gomem_exporter;
struct pollfd;
int gomem_exporter_new(struct gomem_exporter **out, const char *addr, gomem_error *err);
void gomem_exporter_free(struct gomem_exporter *e);
/* Descriptors to wait on (poll(2) style), at most MAX. */
size_t gomem_exporter_pollfds(const struct gomem_exporter *e, struct pollfd *pf, size_t max);
/* Accepts, reads requests, answers them from M's rows, drops clients past
 * their deadline; never blocks. GOMEM_E_NOMEM only: a client's trouble
 * closes that client. */
int gomem_exporter_serve(struct gomem_exporter *e, const gomem_monitor *m, double now);
const char *gomem_exporter_address(const struct gomem_exporter *e);

/* monitor_poll.c */
/* Starts a poll of S when it is due and none is in flight. */
int gomem_monitor_poll_start(gomem_monitor *m, struct source *s, double now);
/* Moves the polls in flight on; those that finished become points. */
int gomem_monitor_poll_progress(gomem_monitor *m, double now);
void gomem_monitor_poll_free(struct url_poll *p);
/* What a poll read (the heap profile and the goroutine profile's bodies),
 * taken as if fetched at NOW: the tests' way in, and the poll's way out. */
int gomem_monitor_feed_poll(gomem_monitor *m, size_t index, const char *heap, size_t heap_len,
			    const char *goroutine, size_t goroutine_len, double now);

#endif
