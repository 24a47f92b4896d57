/* SPDX-License-Identifier: Apache-2.0 */
/* profile_load.c — a profile by name: a path, "-" or a URL. A gzipped
 * regular file, what Go and pprof write, is read and inflated whole with
 * libdeflate, two to three times zlib's speed on whole buffers, and the
 * decoder then takes one buffer without framing fields across chunks.
 * Everything else (stdin, URLs, uncompressed files, and any gzip file the
 * fast way does not take) streams through the source with zlib, which also
 * gives the canonical error for whatever is wrong with it. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS (MAP_ANON on the BSDs) */
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gomem-internal.h"

#if !defined(MAP_ANONYMOUS) && defined(MAP_ANON)
#define MAP_ANONYMOUS MAP_ANON
#endif
#ifdef MAP_POPULATE
#define MAP_POPULATE_IF_ANY MAP_POPULATE
#else
#define MAP_POPULATE_IF_ANY 0
#endif

/* The whole way is for profiles, not for what only a stream should see: a
 * size the gzip trailer gives past this, or more than RATIO times the
 * compressed size (protobuf profiles inflate about 6x, text about 10x; a
 * gzip bomb about 1000x), streams instead, with memory bounded by a chunk. */
#define WHOLE_MAX ((uint64_t)512 << 20)
#define WHOLE_RATIO 64

static bool is_url(const char *spec)
{
	return strncmp(spec, "http://", 7) == 0 || strncmp(spec, "https://", 8) == 0;
}

/* The two whole buffers are mapped, not malloc'd: freeing a large malloc
 * block raises glibc's mmap threshold to its size, and the model's arrays
 * that grow afterwards would then be copied on every realloc instead of
 * moved by mremap (a quarter of the reading time on a wide profile). */
static uint8_t *map_bytes(size_t n)
{
	/* every byte is written at once: fault the pages in in one go */
	void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE_IF_ANY, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void unmap_bytes(uint8_t *p, size_t n)
{
	if (p != NULL)
		munmap(p, n ? n : 1);
}

/* The regular file PATH whole into *DATA, when it is one of at most MAX
 * bytes that starts with the gzip magic; false otherwise (the caller
 * streams it). */
/* Reads all of FD's SIZE bytes into BUF; false when fewer came. */
static bool read_all(int fd, uint8_t *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

static bool read_gzip_file(const char *path, uint64_t max, uint8_t **data, size_t *len)
{
	uint8_t magic[2], *buf = NULL;
	struct stat st;
	size_t size;
	int fd;

	/* Only a regular file is opened here: opening a FIFO would wake its
	 * writer, and closing it again would cost the writer its reader.
	 * Anything else is the source's to open. */
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	/* the magic first: a text profile of 70 MB streams, unread here */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 18 &&
	    (uint64_t)st.st_size <= max && read_all(fd, magic, 2) && magic[0] == 0x1f &&
	    magic[1] == 0x8b && (buf = map_bytes((size = (size_t)st.st_size))) != NULL) {
		memcpy(buf, magic, 2);
		if (!read_all(fd, buf + 2, size - 2)) {
			unmap_bytes(buf, size);
			buf = NULL;
		}
	}
	close(fd);
	if (buf == NULL)
		return false;
	*data = buf;
	*len = size;
	return true;
}

/* Inflates the one gzip member IN holds into *OUT (its size from the
 * trailer, if believable); false when it is not exactly that. */
static bool inflate_whole(const uint8_t *in, size_t len, uint64_t max, uint8_t **out, size_t *out_len)
{
	uint64_t isize = (uint64_t)in[len - 4] | (uint64_t)in[len - 3] << 8 |
			 (uint64_t)in[len - 2] << 16 | (uint64_t)in[len - 1] << 24;
	struct libdeflate_decompressor *z;
	size_t used = 0, produced = 0;
	enum libdeflate_result res;
	uint8_t *buf;

	if (isize == 0 || isize > max || isize > WHOLE_MAX || isize / WHOLE_RATIO > len)
		return false;
	if ((buf = map_bytes((size_t)isize)) == NULL)
		return false;
	if ((z = libdeflate_alloc_decompressor()) == NULL) {
		unmap_bytes(buf, (size_t)isize);
		return false;
	}
	res = libdeflate_gzip_decompress_ex(z, in, len, buf, (size_t)isize, &used, &produced);
	libdeflate_free_decompressor(z);
	/* a second member or trailing bytes: the stream reader handles those */
	if (res != LIBDEFLATE_SUCCESS || used != len || produced != isize) {
		unmap_bytes(buf, (size_t)isize);
		return false;
	}
	*out = buf;
	*out_len = produced;
	return true;
}

int gomem_profile_load(gomem_profile **out, const char *spec, const gomem_source_options *opts,
		       gomem_error *err)
{
	uint64_t max = opts && opts->max_input ? opts->max_input : GOMEM_SOURCE_DEFAULT_MAX_INPUT;
	uint8_t *gz = NULL, *raw = NULL;
	gomem_source *src = NULL;
	size_t gz_len, raw_len;
	bool whole;
	int rc;

	*out = NULL;
	whole = strcmp(spec, "-") != 0 && !is_url(spec) && read_gzip_file(spec, max, &gz, &gz_len);
	if (whole) {
		whole = inflate_whole(gz, gz_len, max, &raw, &raw_len);
		unmap_bytes(gz, gz_len);
	}
	if (whole) {
		rc = gomem_source_open_memory(&src, raw, raw_len, spec, opts, err);
		if (rc == GOMEM_OK)
			rc = gomem_profile_read_as(out, src, true, err);
		gomem_source_free(src);
		unmap_bytes(raw, raw_len);
		return rc;
	}
	if ((rc = gomem_source_open(&src, spec, opts, err)) == GOMEM_OK)
		rc = gomem_profile_read(out, src, err);
	gomem_source_free(src);
	return rc;
}
