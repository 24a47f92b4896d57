/* SPDX-License-Identifier: Apache-2.0 */
/* allocsim_fuzzer.c — the allocation-stream parser and the allocator model:
 * the bytes are fed in chunks whose size the first byte picks (to hit line
 * splits) into a model of the release the second byte picks, and replayed
 * again whole with gomem_alloc_replay; both must agree, and the model's
 * figures must add up after every event. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gomem.h"

int allocsim_fuzz_one(const uint8_t *data, size_t size);

static void check_stats(const gomem_alloc_model *m)
{
	gomem_alloc_stats st;
	gomem_alloc_model_stats(m, &st);
	if (st.heap_inuse_bytes != st.heap_objects_bytes + st.heap_unused_bytes ||
	    st.heap_mapped_bytes != st.heap_inuse_bytes + st.heap_free_bytes + st.heap_released_bytes ||
	    st.heap_objects_bytes > st.heap_inuse_bytes || st.heap_objects > st.allocs)
		abort();
}

/* Applies one event; a negative code stops the replay, as in the tool. */
static int apply(gomem_alloc_model *m, const gomem_alloc_event *ev)
{
	switch (ev->op) {
	case GOMEM_ALLOC_OP_ALLOC: return gomem_alloc_model_alloc(m, ev->id, ev->size, ev->scan);
	case GOMEM_ALLOC_OP_FREE: return gomem_alloc_model_drop(m, ev->id);
	default: return gomem_alloc_model_gc(m);
	}
}

static int replay_chunked(gomem_alloc_model *m, const uint8_t *data, size_t size, size_t chunk)
{
	gomem_alloc_stream *s;
	gomem_alloc_event ev;
	int rc = GOMEM_OK;
	if (gomem_alloc_stream_new(&s, "fuzz") != GOMEM_OK)
		return GOMEM_E_NOMEM;
	for (size_t off = 0; rc >= 0; off += chunk) {
		if (off < size)
			gomem_alloc_stream_feed(s, data + off, size - off < chunk ? size - off : chunk);
		else
			gomem_alloc_stream_finish(s);
		while ((rc = gomem_alloc_stream_next(s, &ev)) == 1) {
			if ((rc = apply(m, &ev)) < 0)
				break;
			check_stats(m);
		}
		if (rc < 0 && gomem_alloc_stream_error(s)->code == GOMEM_OK && rc == GOMEM_E_FORMAT)
			abort(); /* a parse failure always says where */
		if (off >= size)
			break;
	}
	gomem_alloc_stream_free(s);
	return rc < 0 ? rc : GOMEM_OK;
}

int allocsim_fuzz_one(const uint8_t *data, size_t size)
{
	size_t chunk = size ? (size_t)data[0] % 64 + 1 : 1;
	int minor = size > 1 ? 19 + data[1] % 6 : 23;
	gomem_alloc_model *a, *b;
	gomem_alloc_stats sa, sb;
	gomem_error err = { 0 };

	if (gomem_alloc_model_new(&a, gomem_sizeclass_for(minor)) != GOMEM_OK)
		return 0;
	if (gomem_alloc_model_new(&b, gomem_sizeclass_for(minor)) != GOMEM_OK) {
		gomem_alloc_model_free(a);
		return 0;
	}
	int rca = replay_chunked(a, data, size, chunk);
	int rcb = gomem_alloc_replay(b, NULL, data, size, "fuzz", &err);
	if (rcb < 0 && err.code == GOMEM_OK)
		abort(); /* a failed replay always says why */
	gomem_alloc_model_stats(a, &sa);
	gomem_alloc_model_stats(b, &sb);
	/* The same events reached both models (the chunked replay stops at the
	 * same event on an error the model raises; a parse error stops both). */
	if ((rca < 0) != (rcb < 0) || memcmp(&sa, &sb, sizeof(sa)) != 0)
		abort();
	int n = gomem_sizeclass_count(gomem_sizeclass_for(minor));
	uint64_t spans = 0;
	for (int cls = 0; cls < n; cls++) {
		gomem_alloc_class_stats cs;
		if (gomem_alloc_model_class_stats(a, cls, &cs) != GOMEM_OK)
			abort();
		spans += cs.spans;
	}
	if (spans != sa.spans)
		abort();
	gomem_alloc_model_free(a);
	gomem_alloc_model_free(b);
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return allocsim_fuzz_one(data, size);
}
#endif
