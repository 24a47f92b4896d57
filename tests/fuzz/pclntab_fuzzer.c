/* SPDX-License-Identifier: Apache-2.0 */
/* pclntab_fuzzer.c — the .gopclntab reader under libFuzzer (and the corpus
 * replay driver). Input: a little-endian u32 N, N bytes of .gopclntab, then
 * the bytes of go:func.* (where the inline trees live). Every PC of the
 * first 4 KiB of text is looked up (function table, pc-value tables, inline
 * chain), and a function is searched by name; nothing may read out of the
 * buffer (the sanitizers watch) or loop for ever. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "binary/binary-internal.h"

int pclntab_fuzz_one(const uint8_t *data, size_t size);

int pclntab_fuzz_one(const uint8_t *data, size_t size)
{
	gomem_pclntab t;
	gomem_pcln_frame frames[32];
	gomem_error err = {0};
	size_t n;
	uint32_t len;

	if (size < 4)
		return 0;
	len = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
	if (len > size - 4)
		len = (uint32_t)(size - 4);
	if (gomem_pclntab_init(&t, data + 4, len, false, 0x401000, 0, &err) != GOMEM_OK)
		return 0;
	if (size - 4 > len) {
		t.gofunc = data + 4 + len;
		t.gofunc_size = size - 4 - len;
	}
	for (uint64_t pc = t.text_start; pc < t.text_start + 4096; pc++) {
		memset(&err, 0, sizeof(err));
		if (gomem_pclntab_chain(&t, pc, frames, 32, &n, &err) != GOMEM_OK && err.code == GOMEM_OK)
			abort(); /* a failure always says why */
		if (n > 32)
			abort();
		gomem_pclntab_entry(&t, pc);
	}
	gomem_pclntab_find_entry(&t, "main.main");
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return pclntab_fuzz_one(data, size);
}
#endif
