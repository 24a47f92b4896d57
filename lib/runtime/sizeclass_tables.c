/* SPDX-License-Identifier: Apache-2.0 */
/* sizeclass_tables.c — the runtime's size-class tables, per Go release.
 *
 * The arrays are printed by contrib/gen/allocmeasure/mktables.sh from
 * runtime/sizeclasses.go (class_to_size, class_to_allocnpages) of the Debian
 * source packages: /usr/lib/go-1.19/src, /usr/share/go-1.21/src,
 * /usr/share/go-1.22/src and /usr/share/go-1.23/src. All four print the
 * same arrays (1.21 only added the constant maxObjsPerSpan, 1.23
 * minHeapAlign), so the releases share them. What differs is mallocgc:
 *   - 1.19..1.21: a request is small while size <= maxSmallSize (32768);
 *     no per-object type information lives in the object.
 *   - 1.22, 1.23 (GOEXPERIMENT=allocheaders, on by default): a pointerful
 *     object over minSizeForMallocHeader (512 B) carries an 8-byte type
 *     pointer at its start (msize_allocheaders.go, mbitmap_allocheaders.go),
 *     and a request is small only while size <= maxSmallSize -
 *     mallocHeaderSize (32760) for every object, pointerful or not; large
 *     pointerful objects keep their type in the span (span.largeType).
 * Go 1.20 is not installed here: its arrays lie between two identical
 * releases and allocation headers came with 1.22, so 1.20 uses the 1.19
 * rules (an inference, not read from 1.20's source). */
#include "sizeclass_tables.h"

static const uint16_t class_bytes[68] = {
	0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144,
	160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416,
	448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408,
	1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144,
	6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384,
	18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768
};
static const uint8_t class_pages[68] = {
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2,
	1, 2, 1, 2, 1, 3, 2, 3, 1, 3, 2, 3,
	4, 5, 6, 1, 7, 6, 5, 4, 3, 5, 7, 2,
	9, 7, 5, 8, 3, 10, 7, 4
};

#define NCLASSES ((int)(sizeof(class_bytes) / sizeof(class_bytes[0])))

/* Oldest first; gomem_sizeclass_for() picks the newest entry whose minor is
 * not above the one asked for. */
const struct gomem_sizeclass_table gomem_sizeclass_tables[] = {
	{ "go1.19", 19, class_bytes, class_pages, NCLASSES, 32768, 0, 0 },
	{ "go1.20", 20, class_bytes, class_pages, NCLASSES, 32768, 0, 0 },
	{ "go1.21", 21, class_bytes, class_pages, NCLASSES, 32768, 0, 0 },
	{ "go1.22", 22, class_bytes, class_pages, NCLASSES, 32760, 8, 512 },
	{ "go1.23", 23, class_bytes, class_pages, NCLASSES, 32760, 8, 512 },
};

const size_t gomem_sizeclass_ntables = sizeof(gomem_sizeclass_tables) / sizeof(gomem_sizeclass_tables[0]);
