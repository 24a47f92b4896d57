/* SPDX-License-Identifier: Apache-2.0 */
/* layout_fuzzer.c — struct layouts from an arbitrary ELF file: the bytes go
 * to a scratch file (the binary module opens paths), which is opened and
 * read; every struct read must hold together: fields in order inside the
 * struct, padding that adds up, a better order that is a permutation and is
 * never larger. Seeds: tests/fuzz/corpus/layout (the malformed fixtures). */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gomem.h"

int layout_fuzz_one(const uint8_t *data, size_t size);

static void check_struct(const gomem_layout_struct *s)
{
	uint64_t used = 0, size;
	unsigned char *seen = calloc(s->nfields + 1, 1);

	if (seen == NULL)
		return;
	for (size_t i = 0; i < s->nfields; i++) {
		const gomem_layout_field *f = &s->fields[i];

		if (f->offset > s->size || f->size > s->size - f->offset ||
		    f->offset + f->size + f->padding > s->size || f->ptrdata > f->size)
			abort();
		if (s->optimal_order[i] >= s->nfields || seen[s->optimal_order[i]]++)
			abort();
		used += f->size;
	}
	if (used + s->padding != s->size || s->optimal_size > s->size)
		abort();
	if (gomem_layout_place(s->fields, s->nfields, s->optimal_order, &size, NULL, NULL) ==
		    GOMEM_OK &&
	    s->optimal_size != s->size && size != s->optimal_size)
		abort();
	free(seen);
}

int layout_fuzz_one(const uint8_t *data, size_t size)
{
	static char path[64];
	gomem_binary *bin = NULL;
	gomem_layout *l = NULL;
	FILE *fp;

	if (path[0] == '\0') {
		int fd;

		snprintf(path, sizeof(path), "/tmp/gomem-layout-fuzz.XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			return 0;
		close(fd);
	}
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	if (fwrite(data, 1, size, fp) != size) {
		fclose(fp);
		return 0;
	}
	fclose(fp);
	if (gomem_binary_open(path, &bin, NULL) == GOMEM_OK &&
	    gomem_layout_read(&l, bin, NULL, NULL) == GOMEM_OK) {
		for (size_t i = 0; i < gomem_layout_count(l); i++)
			check_struct(gomem_layout_get(l, i));
	}
	gomem_layout_free(l);
	gomem_binary_free(bin);
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return layout_fuzz_one(data, size);
}
#endif
