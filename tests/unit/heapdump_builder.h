/* SPDX-License-Identifier: Apache-2.0 */
/* heapdump_builder.h — writes small `go1.7 heap dump` files in memory for
 * the heapdump and gc suites: the records runtime/heapdump.go writes, with
 * the fields the tests need (little-endian, 8-byte pointers). */
#ifndef GOMEM_TEST_HEAPDUMP_BUILDER_H
#define GOMEM_TEST_HEAPDUMP_BUILDER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HB_ARENA 0xc000000000ull

typedef struct hb {
	uint8_t *p;
	size_t len, cap;
} hb;

static inline void hb_bytes(hb *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static inline void hb_uint(hb *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;
	while (v >= 0x80) {
		t[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	t[n++] = (uint8_t)v;
	hb_bytes(b, t, n);
}

static inline void hb_str(hb *b, const char *s)
{
	hb_uint(b, strlen(s));
	hb_bytes(b, s, strlen(s));
}

/* The header and a params record (arena [HB_ARENA, +64 MiB)). */
static inline void hb_start(hb *b)
{
	memset(b, 0, sizeof(*b));
	hb_bytes(b, "go1.7 heap dump\n", 16);
	hb_uint(b, 6);
	hb_uint(b, 0);
	hb_uint(b, 8);
	hb_uint(b, HB_ARENA);
	hb_uint(b, HB_ARENA + (64 << 20));
	hb_str(b, "amd64");
	hb_str(b, "go1.23.0");
	hb_uint(b, 4);
}

/* Contents of SIZE bytes whose words PTRS[i] hold VALS[i]; the field list. */
static inline void hb_contents(hb *b, uint64_t size, const uint64_t *words, const uint64_t *vals, size_t n)
{
	uint8_t *c = calloc(size ? size : 1, 1);
	for (size_t i = 0; i < n; i++)
		if ((words[i] + 1) * 8 <= size)
			memcpy(c + words[i] * 8, &vals[i], 8);
	hb_uint(b, size);
	hb_bytes(b, c, size);
	free(c);
	for (size_t i = 0; i < n; i++) {
		hb_uint(b, 1);
		hb_uint(b, words[i] * 8);
	}
	hb_uint(b, 0);
}

static inline void hb_object(hb *b, uint64_t addr, uint64_t size, const uint64_t *words, const uint64_t *vals,
			     size_t n)
{
	hb_uint(b, 1);
	hb_uint(b, addr);
	hb_contents(b, size, words, vals, n);
}

/* A bss segment at 0x500000 whose words hold pointers. */
static inline void hb_bss(hb *b, uint64_t size, const uint64_t *words, const uint64_t *vals, size_t n)
{
	hb_uint(b, 13);
	hb_uint(b, 0x500000);
	hb_contents(b, size, words, vals, n);
}

static inline void hb_goroutine(hb *b, uint64_t goid, const char *wait)
{
	hb_uint(b, 4);
	hb_uint(b, 0x1000 + goid); /* addr */
	hb_uint(b, 0x2000);        /* sp */
	hb_uint(b, goid);
	hb_uint(b, 0x401000);      /* gopc */
	hb_uint(b, 4);             /* waiting */
	hb_uint(b, 0);
	hb_uint(b, 0);
	hb_uint(b, 0);
	hb_str(b, wait);
	hb_uint(b, 0);
	hb_uint(b, 0);
	hb_uint(b, 0);
	hb_uint(b, 0);
}

static inline void hb_frame(hb *b, const char *fn, uint64_t size, const uint64_t *words, const uint64_t *vals,
			    size_t n)
{
	hb_uint(b, 5);
	hb_uint(b, 0x7f0000);  /* sp */
	hb_uint(b, 0);         /* depth */
	hb_uint(b, 0);         /* child sp */
	hb_uint(b, size);
	uint8_t *c = calloc(size ? size : 1, 1);
	for (size_t i = 0; i < n; i++)
		if ((words[i] + 1) * 8 <= size)
			memcpy(c + words[i] * 8, &vals[i], 8);
	hb_bytes(b, c, size);
	free(c);
	hb_uint(b, 0x401000);  /* entry */
	hb_uint(b, 0x401010);  /* pc */
	hb_uint(b, 0x401010);  /* continpc */
	hb_str(b, fn);
	for (size_t i = 0; i < n; i++) {
		hb_uint(b, 1);
		hb_uint(b, words[i] * 8);
	}
	hb_uint(b, 0);
}

static inline void hb_end(hb *b)
{
	hb_uint(b, 0);
}

#endif
