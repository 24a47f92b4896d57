/* SPDX-License-Identifier: Apache-2.0 */
/* buildinfo_fuzzer.c — the .go.buildinfo reader under libFuzzer (and the
 * corpus replay driver): the input is a section's bytes. What parses is
 * printed as `go version -m` does and every setting looked up again, which
 * must find it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem.h"

int buildinfo_fuzz_one(const uint8_t *data, size_t size);

int buildinfo_fuzz_one(const uint8_t *data, size_t size)
{
	gomem_buildinfo *bi = NULL;
	gomem_error err = {0};
	FILE *sink;

	if (gomem_buildinfo_from_buffer(&bi, data, size, "fuzz", &err) != GOMEM_OK) {
		if (err.code == GOMEM_OK)
			abort(); /* a failure always says why */
		return 0;
	}
	if ((sink = fopen("/dev/null", "w")) != NULL) {
		gomem_buildinfo_write_text(bi, "fuzz", sink);
		fclose(sink);
	}
	for (size_t i = 0; i < bi->nsettings; i++)
		if (gomem_buildinfo_setting_value(bi, bi->settings[i].key) == NULL)
			abort();
	for (size_t i = 0; i < bi->ndeps; i++)
		if (bi->deps[i].path == NULL || bi->deps[i].version == NULL || bi->deps[i].sum == NULL)
			abort();
	gomem_buildinfo_free(bi);
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return buildinfo_fuzz_one(data, size);
}
#endif
