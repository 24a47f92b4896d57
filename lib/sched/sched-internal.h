/* SPDX-License-Identifier: Apache-2.0 */
/* sched-internal.h — what the schedtrace reader's files share: the scanner
 * of one line (sched_scan.c) and the reader that builds snapshots from the
 * lines (sched.c). */
#ifndef GOMEM_SCHED_INTERNAL_H
#define GOMEM_SCHED_INTERNAL_H

#include "gomem-internal.h"

/* What a line is. */
enum sched_kind { SK_NONE = 0, SK_HEADER, SK_PROC, SK_THREAD, SK_G };

/* Keys of each kind, in print order; a key index is a bit in `seen`. */
enum { HK_GOMAXPROCS, HK_IDLEPROCS, HK_THREADS, HK_SPINNING, HK_NEEDSPINNING, HK_IDLETHREADS,
       HK_RUNQUEUE, HK_GCWAITING, HK_NMIDLELOCKED, HK_STOPWAIT, HK_SYSMONWAIT, HK_COUNT };
enum { PK_STATUS, PK_SCHEDTICK, PK_SYSCALLTICK, PK_M, PK_RUNQSIZE, PK_GFREECNT, PK_TIMERSLEN,
       PK_COUNT };
enum { MK_P, MK_CURG, MK_MALLOCING, MK_THROWING, MK_PREEMPTOFF, MK_LOCKS, MK_DYING, MK_SPINNING,
       MK_BLOCKED, MK_LOCKEDG, MK_COUNT };
enum { GK_STATUS, GK_M, GK_LOCKEDM, GK_COUNT };

#define SCHED_MAX_KEYS 11
/* A header's per-P list longer than this is not read as one. */
#define SCHED_MAX_RUNQ 4096
/* A wait reason longer than this is not the runtime's. */
#define SCHED_MAX_REASON 64

/* The scan of one line's text. On failure STOP is where the text stopped
 * being a valid start of a line of its kind (the whole text when it merely
 * ended too soon); DONE_AT > 0 once the line was read whole. */
struct sched_line {
	enum sched_kind kind;
	size_t start;          /* where the kind's text starts in the scanned text (STOP and
				* DONE_AT count from the text's start too) */
	size_t stop, done_at;
	bool eof;              /* the text ended inside a valid line */
	bool trace_text;       /* read far enough to be the runtime's text, not the program's */
	int64_t id;            /* P, M or G number; the header's T in ms */
	int64_t v[SCHED_MAX_KEYS];
	unsigned seen;         /* bits of the keys read */
	bool bools;            /* a value printed as true/false (Go 1.21+) */
	bool nils;             /* an id printed as nil (Go 1.21+) */
	const char *reason;    /* G: the wait reason, in the scanned text */
	size_t reason_len;
	int64_t *runq;         /* header: where the per-P list goes (SCHED_MAX_RUNQ) */
	size_t nrunq;
	bool has_runq;
};

/* Scans TEXT[0, N) as a schedtrace line of any kind, found after any
 * prefix (a header) or at the start after blanks (a P, M or G line).
 * RUNQ (SCHED_MAX_RUNQ slots) receives a header's per-P list. */
void sched_scan_line(struct sched_line *l, const char *text, size_t n, int64_t *runq);
/* Rescans TEXT (a pending line's pieces) as a line of KIND that starts at 0. */
void sched_scan_kind(struct sched_line *l, enum sched_kind kind, const char *text, size_t n,
		     int64_t *runq);
/* Whether REASON is a wait reason only the runtime's own goroutines wait in
 * (what runtime.NumGoroutine leaves out). */
bool sched_runtime_reason(const char *reason, size_t len);

#endif
