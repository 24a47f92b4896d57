/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gomem-internal.h"
#include "suites.h"

/* gzip LEN bytes of DATA into a new buffer. */
static uint8_t *gzip_bytes(const void *data, size_t len, size_t *out_len)
{
	z_stream z;
	size_t cap;
	uint8_t *out;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&z, len) + 64;
	out = malloc(cap);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

/* Reads everything; returns the code and the bytes in *all. */
static int drain(gomem_source *src, gomem_buf *all)
{
	const uint8_t *data;
	size_t len;
	int rc;

	gomem_buf_init(all, (size_t)1 << 30);
	while ((rc = gomem_source_read(src, &data, &len)) == GOMEM_OK && len > 0)
		ck_assert_int_eq(gomem_buf_append(all, data, len), GOMEM_OK);
	return rc;
}

START_TEST(plain_memory)
{
	gomem_source *src;
	gomem_buf all;

	ck_assert_int_eq(gomem_source_open_memory(&src, "hello", 5, "mem", NULL, NULL), GOMEM_OK);
	ck_assert_int_eq(drain(src, &all), GOMEM_OK);
	ck_assert_str_eq(all.data, "hello");
	ck_assert(!gomem_source_is_gzip(src));
	ck_assert_uint_eq(gomem_source_offset(src), 5);
	gomem_buf_free(&all);
	gomem_source_free(src);
}
END_TEST

START_TEST(gzip_members_and_peek)
{
	char text[3000];
	size_t l1, l2;
	uint8_t *g1, *g2, *both;
	gomem_source *src;
	gomem_buf all;
	const uint8_t *peek;
	size_t plen;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 26);
	g1 = gzip_bytes(text, 2000, &l1);
	g2 = gzip_bytes(text + 2000, 1000, &l2);
	both = malloc(l1 + l2);
	memcpy(both, g1, l1);
	memcpy(both + l1, g2, l2);
	ck_assert_int_eq(gomem_source_open_memory(&src, both, l1 + l2, "two.gz", NULL, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_source_peek(src, &peek, &plen, 13), GOMEM_OK);
	ck_assert_uint_eq(plen, 13);
	ck_assert(memcmp(peek, "abcdefghijklm", 13) == 0);
	ck_assert_int_eq(drain(src, &all), GOMEM_OK);
	ck_assert(gomem_source_is_gzip(src));
	ck_assert_uint_eq(all.len, 3000);
	ck_assert(memcmp(all.data, text, 3000) == 0);
	gomem_buf_free(&all);
	gomem_source_free(src);
	free(g1);
	free(g2);
	free(both);
}
END_TEST

START_TEST(gzip_truncated_and_corrupt)
{
	static char text[100000];
	size_t len;
	uint8_t *g;
	gomem_source *src;
	gomem_buf all;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)(i * 7919 % 251);
	g = gzip_bytes(text, sizeof(text), &len);
	ck_assert_int_eq(gomem_source_open_memory(&src, g, len / 2, "cut.gz", NULL, NULL), GOMEM_OK);
	ck_assert_int_eq(drain(src, &all), GOMEM_E_TRUNCATED);
	ck_assert(gomem_source_error(src)->has_offset);
	ck_assert_str_eq(gomem_source_error(src)->source, "cut.gz");
	ck_assert_str_eq(gomem_source_error(src)->message, "gzip stream is truncated");
	gomem_buf_free(&all);
	gomem_source_free(src);

	g[20] ^= 0xff;
	g[21] ^= 0x55;
	ck_assert_int_eq(gomem_source_open_memory(&src, g, len, "bad.gz", NULL, NULL), GOMEM_OK);
	ck_assert_int_eq(drain(src, &all), GOMEM_E_FORMAT);
	ck_assert(strncmp(gomem_source_error(src)->message, "gzip: ", 6) == 0);
	gomem_buf_free(&all);
	gomem_source_free(src);
	free(g);
}
END_TEST

/* A bomb stops at the cap, one chunk past it at most. */
START_TEST(cap_stops_bomb)
{
	size_t n = (size_t)8 << 20, len;
	char *zeros = calloc(1, n);
	uint8_t *g = gzip_bytes(zeros, n, &len);
	gomem_source_options opts = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_source *src;
	const uint8_t *data;
	size_t got = 0, dlen;
	int rc;

	opts.max_input = 1 << 20;
	ck_assert_uint_lt(len, 20000);
	ck_assert_int_eq(gomem_source_open_memory(&src, g, len, "bomb.gz", &opts, NULL), GOMEM_OK);
	while ((rc = gomem_source_read(src, &data, &dlen)) == GOMEM_OK && dlen > 0)
		got += dlen;
	ck_assert_int_eq(rc, GOMEM_E_LIMIT);
	ck_assert_uint_le(got, (size_t)1 << 20);
	ck_assert(strstr(gomem_source_error(src)->message, "--max-input") != NULL);
	gomem_source_free(src);
	free(zeros);
	free(g);
}
END_TEST

START_TEST(fd_pipe_gzip)
{
	const char *text = "heap profile: 1: 2 [3: 4] @ heap/2\n";
	size_t len;
	uint8_t *g = gzip_bytes(text, strlen(text), &len);
	int fds[2];
	gomem_source *src;
	gomem_buf all;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], g, 1), 1); /* the magic split across reads */
	ck_assert_int_eq(write(fds[1], g + 1, len - 1), (ssize_t)(len - 1));
	close(fds[1]);
	ck_assert_int_eq(gomem_source_open_fd(&src, fds[0], "<pipe>", NULL, NULL), GOMEM_OK);
	ck_assert_int_eq(drain(src, &all), GOMEM_OK);
	ck_assert_str_eq(all.data, text);
	gomem_buf_free(&all);
	gomem_source_free(src);
	close(fds[0]);
	free(g);
}
END_TEST

START_TEST(missing_path_and_refused_url)
{
	gomem_source *src = (gomem_source *)1;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_source_open(&src, "/nonexistent/x.pb.gz", NULL, &err), GOMEM_E_IO);
	ck_assert_ptr_null(src);
	ck_assert_str_eq(err.source, "/nonexistent/x.pb.gz");
	ck_assert_str_eq(err.message, "No such file or directory");

	gomem_error_clear(&err);
	ck_assert_int_eq(gomem_source_open(&src, "http://127.0.0.1:1/debug/pprof/heap", NULL, &err),
			 GOMEM_E_NETWORK);
	ck_assert_ptr_null(src);
	ck_assert_str_eq(err.source, "http://127.0.0.1:1/debug/pprof/heap");
}
END_TEST

Suite *suite_source(void)
{
	Suite *s = suite_create("source");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, plain_memory);
	tcase_add_test(tc, gzip_members_and_peek);
	tcase_add_test(tc, gzip_truncated_and_corrupt);
	tcase_add_test(tc, cap_stops_bomb);
	tcase_add_test(tc, fd_pipe_gzip);
	tcase_add_test(tc, missing_path_and_refused_url);
	suite_add_tcase(s, tc);
	return s;
}
