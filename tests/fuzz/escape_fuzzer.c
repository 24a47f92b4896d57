/* SPDX-License-Identifier: Apache-2.0 */
/* escape_fuzzer.c — the -m/-m=2 text parser (fed in chunks whose size the
 * first byte picks, to hit line splits), the -json=0 file reader and the
 * baseline reader, on the same bytes; then identity lookup and a diff of the
 * set with itself, which must be empty. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "gomem.h"

int escape_fuzz_one(const uint8_t *data, size_t size);

static void check_set(gomem_escape_set *s)
{
	gomem_escape_diff *d;
	gomem_escape_group *g;
	size_t n;

	for (size_t i = 0; i < gomem_escape_set_count(s); i++) {
		gomem_escape_record r;

		if (gomem_escape_set_get(&r, s, i) == GOMEM_OK &&
		    gomem_escape_set_find(s, r.identity) == SIZE_MAX)
			abort();
	}
	if (gomem_escape_diff_new(&d, s, s, NULL) == GOMEM_OK) {
		if (gomem_escape_diff_count(d) != 0)
			abort();
		gomem_escape_diff_free(d);
	}
	if (gomem_escape_groups(&g, &n, s, GOMEM_ESCAPE_BY_FUNCTION, NULL) == GOMEM_OK)
		gomem_escape_groups_free(g);
}

int escape_fuzz_one(const uint8_t *data, size_t size)
{
	gomem_escape_options o = GOMEM_ESCAPE_OPTIONS_INIT;
	gomem_escape_parser *p;
	gomem_escape_set *s = NULL;
	gomem_escape_baseline *b;
	size_t chunk = size ? (size_t)data[0] % 64 + 1 : 1;
	int rc = GOMEM_OK;

	o.keep_non_escape = size && (data[0] & 0x80);
	o.max_line = 4096;
	if (gomem_escape_parser_new(&p, "fuzz", &o) != GOMEM_OK)
		return 0;
	for (size_t off = 0; off < size && rc == GOMEM_OK; off += chunk)
		rc = gomem_escape_parser_feed(p, data + off, size - off < chunk ? size - off : chunk);
	if (rc == GOMEM_OK && gomem_escape_parser_finish(&s, p) == GOMEM_OK)
		check_set(s);
	gomem_escape_set_free(s);
	gomem_escape_parser_free(p);

	if (gomem_escape_json_from_buffer(&s, data, size, "fuzz.json", &o, NULL) == GOMEM_OK)
		check_set(s);
	gomem_escape_set_free(s);
	if (gomem_escape_baseline_from_buffer(&b, data, size, "fuzz", NULL) == GOMEM_OK)
		gomem_escape_baseline_free(b);
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return escape_fuzz_one(data, size);
}
#endif
