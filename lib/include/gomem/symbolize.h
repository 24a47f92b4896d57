/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/symbolize.h — program counters of a Go binary into functions,
 * files and lines, with the chain of inlined calls, as the Go runtime itself
 * prints them in tracebacks and in the `#` lines of debug=1 profiles. The
 * answers come from DWARF, or from the runtime's own table (.gopclntab and
 * its inline tree, Go 1.18 and newer layouts) when the binary has no DWARF.
 * Then whole stacks (return addresses, as profiles record them), profiles
 * whose locations carry only addresses, and debug=1 texts without `#` lines
 * are symbolized the way runtime.CallersFrames does.
 *
 * Ownership: a symbolizer borrows its binary (free the symbolizer first);
 * the strings it hands out are borrowed from it and the binary and stay
 * valid until they are freed; frame arrays until the next call. */
#ifndef GOMEM_SYMBOLIZE_H
#define GOMEM_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomem/binary.h"
#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/goroutine.h"
#include "gomem/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the answers come from. */
typedef enum {
	GOMEM_SYMSRC_AUTO = 0,   /* DWARF when the binary has usable DWARF (its own or a
				  * separate debug file's), else .gopclntab (both give the
				  * same answers on Go's binaries); and where DWARF gives a
				  * PC no line (a .debug_line that cannot be read), the
				  * chain .gopclntab gives that PC */
	GOMEM_SYMSRC_DWARF = 1,
	GOMEM_SYMSRC_PCLNTAB = 2
} gomem_symsrc;

typedef struct gomem_symbolizer_options {
	unsigned int version;    /* GOMEM_SYMBOLIZER_OPTIONS_VERSION */
	gomem_symsrc source;
	/* Subtracted from every PC given: where a PIE binary was loaded minus
	 * its link address (0 for addresses already in the binary's terms).
	 * 0 for a PIE: guessed from the first stack that tells it (a stack of
	 * a dump or profile ends at runtime.goexit+1). */
	uint64_t load_bias;
} gomem_symbolizer_options;

#define GOMEM_SYMBOLIZER_OPTIONS_VERSION 1
#define GOMEM_SYMBOLIZER_OPTIONS_INIT {GOMEM_SYMBOLIZER_OPTIONS_VERSION, GOMEM_SYMSRC_AUTO, 0}

/* One frame of an inline chain. */
typedef struct gomem_sym_frame {
	const char *function;  /* "main.(*T).run", "main.Map[...]", "main.main.func1" */
	const char *file;      /* as the runtime prints it; "?" when unknown */
	int64_t line;          /* 0 when unknown */
	uint64_t entry;        /* entry PC of the physical function holding the code */
	uint64_t pc;           /* the PC the frame stands for: the PC looked up for the
				* innermost frame; for an inlined call's caller, the
				* instruction standing for the call site when the
				* tables tell it (pclntab), else the same PC */
	bool inlined;          /* an inlined call (every frame but the last of a chain) */
	bool wrapper;          /* compiler-generated (a method or go-statement wrapper):
				* tracebacks leave it out */
	const char *symbol;    /* the name in the binary's tables: "main.G[go.shape.int]"
				* from Go 1.21 where FUNCTION says "main.G[...]"; what
				* profile.proto files carry */
} gomem_sym_frame;

typedef struct gomem_symbolizer gomem_symbolizer;

/* A symbolizer over BIN. GOMEM_E_NOTFOUND when the source asked for is not
 * there (no DWARF, no .gopclntab: not a Go binary), GOMEM_E_UNSUPPORTED for
 * a pclntab layout older than Go 1.18, GOMEM_E_FORMAT for a corrupt one;
 * the detail is on gomem_binary_error(BIN). OPTS NULL means the defaults. */
GOMEM_API int gomem_symbolizer_new(gomem_symbolizer **out, gomem_binary *bin,
				   const gomem_symbolizer_options *opts);
GOMEM_API void gomem_symbolizer_free(gomem_symbolizer *s);
/* The source in use (never AUTO). */
GOMEM_API gomem_symsrc gomem_symbolizer_source(const gomem_symbolizer *s);

/* The inline chain at PC exactly (an instruction address, not a return
 * address), innermost first: *FRAMES gets *N frames, 0 when PC is in no
 * function. The array is borrowed: valid until the next call on S. GOMEM_E_FORMAT
 * when the tables are corrupt at PC (detail on the binary's error). */
GOMEM_API int gomem_symbolize_pc(gomem_symbolizer *s, uint64_t pc, const gomem_sym_frame **frames,
				 size_t *n);

/* Frames of a stack of return addresses, leaf first, as the runtime's
 * CallersFrames turns it into frames (the lookup uses pc-1 unless pc is a
 * function's entry; a PC whose inlined callers are not themselves in the
 * list, as in Go 1.21+ stacks, expands to its whole chain). ON_FRAME gets
 * each frame with the index of the PC it came from; a nonzero return stops
 * and is returned. A PC in no function gives a frame with function "". */
GOMEM_API int gomem_symbolize_stack(gomem_symbolizer *s, const uint64_t *pcs, size_t npcs,
				    int (*on_frame)(void *payload, size_t pc_index,
						    const gomem_sym_frame *frame),
				    void *payload);

/* Gives every location of P that has an address but no lines the lines
 * the runtime would print (new functions added as needed). Samples are
 * walked as stacks, so Go 1.21+ physical PCs get their inlined callers. */
GOMEM_API int gomem_symbolize_profile(gomem_symbolizer *s, gomem_profile *p);

/* Copies a debug=1 text (a goroutine profile, or a legacy heap profile)
 * from TEXT/LEN into *OUT (malloc'd, NUL-terminated, length in *OUTLEN,
 * free with gomem_free), adding after every "... @ 0x..." record that has
 * none the `#` lines the runtime prints for it. Records that have `#`
 * lines are kept as they are. */
GOMEM_API int gomem_symbolize_debug1_text(gomem_symbolizer *s, const char *text, size_t len,
					  char **out, size_t *outlen);

/* gomem_symbolize_profile with the binary at path BINARY (opened and closed
 * here); ERR gets the detail of a failure. */
GOMEM_API int gomem_symbolize_profile_with_binary(gomem_profile *p, const char *binary,
						  gomem_error *err);

/* Reads a goroutine dump from SRC as gomem_dump_read does, after giving
 * its debug=1 records without `#` lines the lines the runtime prints, or
 * the address-only locations of a debug=0 profile their lines. */
GOMEM_API int gomem_symbolize_dump_read(gomem_dump **out, gomem_source *src, gomem_symbolizer *s,
					gomem_error *err);

#ifdef __cplusplus
}
#endif
#endif
