/* SPDX-License-Identifier: Apache-2.0 */
/* whatif_fuzzer.c — libFuzzer harness for gomem gctrace --whatif: the first
 * line of the input is the --whatif text (gomem_pacer_settings_parse), the
 * rest a gctrace log whose gc events the pacer model is fitted to; every
 * scenario is then predicted and the report written in every format. Any
 * input must give finite, non-negative figures or a clean error, in bounded
 * time (the simulation has a ceiling on cycles). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

int whatif_fuzz_one(const uint8_t *data, size_t size);

#define MAX_EVENTS 4096

static size_t read_events(const uint8_t *data, size_t size, gomem_gctrace_event *ev)
{
	gomem_gctrace_parser *p;
	const gomem_gctrace_event *e;
	size_t n = 0;

	if (gomem_gctrace_parser_new(&p, "fuzz") != GOMEM_OK)
		abort();
	if (gomem_gctrace_feed(p, data, size) != GOMEM_OK)
		abort();
	while (gomem_gctrace_next(p, &e) == 1)
		if (n < MAX_EVENTS)
			ev[n++] = *e;
	if (gomem_gctrace_finish(p) != GOMEM_OK)
		abort();
	while (gomem_gctrace_next(p, &e) == 1)
		if (n < MAX_EVENTS)
			ev[n++] = *e;
	gomem_gctrace_parser_free(p);
	return n;
}

static void check_outcome(const gomem_pacer_outcome *o)
{
	if (!(o->gc_count >= 0) || !isfinite(o->gc_count) || !(o->peak_heap >= 0) ||
	    !(o->gc_cpu_pct >= 0) || !(o->error_pct >= 0))
		abort();
}

static void write_all(const gomem_pacer_model *m, const gomem_pacer_setting *s, size_t n)
{
	static const gomem_format formats[] = {GOMEM_FORMAT_TABLE, GOMEM_FORMAT_CSV, GOMEM_FORMAT_JSON};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(formats); i++) {
		char *buf = NULL;
		size_t len = 0;
		gomem_error err = {0};
		FILE *fp = open_memstream(&buf, &len);

		if (fp == NULL)
			abort();
		if (gomem_whatif_write(fp, "fuzz", m, s, n, formats[i], &err) != GOMEM_OK)
			abort();
		fclose(fp);
		free(buf);
	}
}

int whatif_fuzz_one(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t head = nl ? (size_t)(nl - data) : size;
	char text[256];
	gomem_pacer_setting *s = NULL;
	gomem_pacer_model *m = NULL;
	gomem_gctrace_event *ev;
	gomem_pacer_config cfg = GOMEM_PACER_CONFIG_INIT;
	gomem_error err = {0};
	size_t n = 0, nev;

	if (head >= sizeof(text))
		head = sizeof(text) - 1;
	memcpy(text, data, head);
	text[head] = '\0';
	if (gomem_pacer_settings_parse(&s, &n, text, &err) != GOMEM_OK) {
		if (s != NULL || n != 0 || err.message[0] == '\0')
			abort();
		return 0;
	}
	if ((ev = calloc(MAX_EVENTS, sizeof(*ev))) == NULL)
		abort();
	nev = nl ? read_events(nl + 1, size - head - 1, ev) : 0;
	cfg.go_minor = 19 + (int)(size % 5);
	if (gomem_pacer_model_fit(&m, ev, nev, &cfg, &err) == GOMEM_OK) {
		gomem_pacer_outcome o;

		gomem_pacer_model_observed(m, &o);
		for (size_t i = 0; i < n; i++) {
			if (gomem_pacer_model_whatif(m, &s[i], &o) != GOMEM_OK)
				abort();
			check_outcome(&o);
		}
		write_all(m, s, n);
		gomem_pacer_model_free(m);
	} else if (m != NULL || err.message[0] == '\0') {
		abort();
	}
	free(ev);
	gomem_free(s);
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return whatif_fuzz_one(data, size);
}
#endif
