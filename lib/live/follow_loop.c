/* SPDX-License-Identifier: Apache-2.0 */
/* follow_loop.c — the loop every tool that follows inputs runs (gctrace's
 * --follow and -- COMMAND, and the tools after it): wait for input on the
 * pipes, poll the files by time, notice a child's exit while its stderr is
 * still held open, tick at a fixed rate, serve other descriptors (a listen
 * socket), and handle SIGINT, SIGTERM and SIGHUP — passed on to the
 * children we hold, or ending the loop when there are none. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gomem-internal.h"

#define MAX_POLLFDS 256   /* descriptors waited on; more inputs are polled by time */
#define MAX_INPUTS 65536
#define FILE_POLL_S 0.25  /* files are looked at this often */
#define CHILD_POLL_S 0.1  /* a child's exit is noticed this soon */
#define READS_PER_ROUND 64 /* per input, so one busy log cannot starve the others */

struct loop_input {
	gomem_follow *f;
	int ended;
};

struct loop_fd {
	int fd;
	short events;
	gomem_follow_fd_fn fn;
	void *payload;
};

struct gomem_follow_loop {
	gomem_follow_loop_options o;
	struct loop_input *in;
	size_t nin, in_cap, open;
	struct loop_fd *fds;
	size_t nfds, fds_cap;
	double next_tick;
	int signal;
};

/* ---- quit signals ------------------------------------------------------------ */

static volatile sig_atomic_t caught_signal;

static void on_quit_signal(int sig)
{
	caught_signal = sig;
}

int gomem_signals_catch(void)
{
	static const int quit[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_quit_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a poll or a sleep is cut short, the loop looks. */
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(quit); i++)
		if (sigaction(quit[i], &sa, NULL) != 0)
			return GOMEM_E_IO;
	return GOMEM_OK;
}

int gomem_signals_take(void)
{
	int sig = caught_signal;

	caught_signal = 0;
	return sig;
}

void gomem_signals_reraise(int sig)
{
	struct sigaction sa;
	sigset_t set;

	if (sig <= 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
}

/* ---- the loop ------------------------------------------------------------------ */

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int gomem_follow_loop_new(gomem_follow_loop **out, const gomem_follow_loop_options *opts)
{
	gomem_follow_loop *l;

	*out = NULL;
	if (opts == NULL || opts->version != GOMEM_FOLLOW_LOOP_OPTIONS_VERSION ||
	    opts->on_input == NULL || !(opts->tick >= 0))
		return GOMEM_E_INVALID;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return GOMEM_E_NOMEM;
	l->o = *opts;
	l->next_tick = mono_now() + opts->tick;
	*out = l;
	return GOMEM_OK;
}

void gomem_follow_loop_free(gomem_follow_loop *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->nin; i++)
		gomem_follow_free(l->in[i].f); /* a child still running is stopped */
	free(l->in);
	free(l->fds);
	free(l);
}

int gomem_follow_loop_add(gomem_follow_loop *l, gomem_follow *f, size_t *index)
{
	if (l == NULL || f == NULL)
		return GOMEM_E_INVALID;
	if (GOMEM_GROW(l->in, l->in_cap, l->nin + 1, MAX_INPUTS) != GOMEM_OK)
		return GOMEM_E_LIMIT;
	l->in[l->nin] = (struct loop_input){f, 0};
	if (index)
		*index = l->nin;
	l->nin++;
	l->open++;
	return GOMEM_OK;
}

int gomem_follow_loop_add_fd(gomem_follow_loop *l, int fd, short events, gomem_follow_fd_fn fn,
			     void *payload)
{
	if (l == NULL || fd < 0 || fn == NULL)
		return GOMEM_E_INVALID;
	if (GOMEM_GROW(l->fds, l->fds_cap, l->nfds + 1, MAX_POLLFDS) != GOMEM_OK)
		return GOMEM_E_LIMIT;
	l->fds[l->nfds++] = (struct loop_fd){fd, events, fn, payload};
	return GOMEM_OK;
}

gomem_follow *gomem_follow_loop_input(const gomem_follow_loop *l, size_t index)
{
	return l && index < l->nin ? l->in[index].f : NULL;
}

size_t gomem_follow_loop_open(const gomem_follow_loop *l)
{
	return l ? l->open : 0;
}

int gomem_follow_loop_signal(const gomem_follow_loop *l)
{
	return l ? l->signal : 0;
}

/* Waits up to MAX_WAIT seconds for a pipe, a child or an extra descriptor;
 * files (no descriptor to wait on) and children (whose exit no descriptor
 * tells) shorten the wait. */
static void wait_input(gomem_follow_loop *l, double max_wait, struct pollfd *pf, size_t *nextra)
{
	size_t n = 0;

	for (size_t i = 0; i < l->nfds && n < MAX_POLLFDS; i++)
		pf[n++] = (struct pollfd){l->fds[i].fd, l->fds[i].events, 0};
	*nextra = n;
	for (size_t i = 0; i < l->nin; i++) {
		int fd = gomem_follow_fd(l->in[i].f);

		if (l->in[i].ended)
			continue;
		if (gomem_follow_pid(l->in[i].f) > 0 && max_wait > CHILD_POLL_S)
			max_wait = CHILD_POLL_S;
		if (fd >= 0 && n < MAX_POLLFDS)
			pf[n++] = (struct pollfd){fd, POLLIN, 0};
		else if (max_wait > FILE_POLL_S)
			max_wait = FILE_POLL_S;
	}
	if (poll(pf, (nfds_t)n, (int)gomem_duration_ms(max_wait, INT_MAX)) <= 0)
		for (size_t i = 0; i < *nextra; i++)
			pf[i].revents = 0;
}

/* Reads what arrived on input I, a bounded number of chunks. */
static int pump(gomem_follow_loop *l, size_t i)
{
	struct loop_input *in = &l->in[i];
	const uint8_t *data;
	size_t len;
	unsigned ev;
	int rc;

	for (int round = 0; round < READS_PER_ROUND && !in->ended; round++) {
		rc = gomem_follow_read(in->f, &data, &len);
		ev = gomem_follow_events(in->f);
		if (rc != GOMEM_OK) { /* this input ends; gomem_follow_error says why */
			len = 0;
			ev = GOMEM_FOLLOW_EOF | GOMEM_FOLLOW_ERROR;
		}
		if ((len > 0 || (ev & ~(unsigned)GOMEM_FOLLOW_EOF)) &&
		    (rc = l->o.on_input(l->o.payload, i, data, len, ev & ~(unsigned)GOMEM_FOLLOW_EOF)) !=
			    GOMEM_OK)
			return rc;
		if (ev & GOMEM_FOLLOW_EOF) {
			in->ended = 1;
			l->open--;
			return l->o.on_input(l->o.payload, i, data, 0,
					     ev & (GOMEM_FOLLOW_EOF | GOMEM_FOLLOW_ERROR));
		}
		if (len == 0)
			break;
	}
	return GOMEM_OK;
}

int gomem_follow_loop_tick(gomem_follow_loop *l)
{
	return l->o.on_tick ? l->o.on_tick(l->o.payload, mono_now()) : GOMEM_OK;
}

int gomem_follow_loop_step(gomem_follow_loop *l, double max_wait)
{
	struct pollfd pf[MAX_POLLFDS];
	size_t nextra;
	double now = mono_now();
	int rc;

	if (l->o.tick > 0 && l->next_tick - now < max_wait)
		max_wait = l->next_tick - now;
	wait_input(l, max_wait, pf, &nextra);
	for (size_t i = 0; i < nextra; i++)
		if (pf[i].revents && (rc = l->fds[i].fn(l->fds[i].payload, pf[i].fd, pf[i].revents)) !=
				     GOMEM_OK)
			return rc;
	for (size_t i = 0; i < l->nin; i++)
		if ((rc = pump(l, i)) != GOMEM_OK)
			return rc;
	now = mono_now();
	if (l->o.tick > 0 && now >= l->next_tick) {
		/* A late tick (a slow terminal) is not made up for in a burst. */
		l->next_tick += l->o.tick * ceil((now - l->next_tick) / l->o.tick + 1e-9);
		if ((rc = gomem_follow_loop_tick(l)) != GOMEM_OK)
			return rc;
	}
	return GOMEM_OK;
}

/* A quit signal: passed on to the children we hold (SIGINT they had from
 * the terminal themselves), which end the loop by ending; 0 when there is
 * no child to wait for, so the loop ends now. */
static int pass_on(gomem_follow_loop *l, int sig)
{
	int children = 0;

	for (size_t i = 0; i < l->nin; i++) {
		if (l->in[i].ended || gomem_follow_pid(l->in[i].f) <= 0)
			continue;
		children = 1;
		if (sig != SIGINT)
			gomem_follow_kill(l->in[i].f, sig);
	}
	return children;
}

int gomem_follow_loop_run(gomem_follow_loop *l)
{
	int rc = GOMEM_OK, sig;

	while (l->open > 0 && rc == GOMEM_OK) {
		if ((sig = gomem_signals_take()) != 0 && !pass_on(l, sig)) {
			l->signal = sig;
			break;
		}
		rc = gomem_follow_loop_step(l, 1.0);
	}
	return rc;
}
