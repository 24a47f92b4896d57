/* SPDX-License-Identifier: Apache-2.0 */
/* pclntab_fuzzer.c — scaffold: to be written. */
#include <stddef.h>
#include <stdint.h>

int pclntab_fuzz_one(const uint8_t *data, size_t size);

int pclntab_fuzz_one(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
