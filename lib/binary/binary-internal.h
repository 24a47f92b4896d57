/* SPDX-License-Identifier: Apache-2.0 */
/* binary-internal.h — the open binary, shared by binary.c, dwarfopen.c,
 * buildinfo.c, pclntab.c, dwarfsym.c and layout.c. */
#ifndef GOMEM_BINARY_INTERNAL_H
#define GOMEM_BINARY_INTERNAL_H

#include <elf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <libelf.h>

#include "gomem-internal.h"
#include "gomem/binary.h"
#include "gomem/symbolize.h"

/* A section's bytes as libelf gives them (decompressed when SHF_COMPRESSED). */
typedef struct gomem_section {
	const unsigned char *data;
	size_t size;
	uint64_t addr;   /* sh_addr */
	uint64_t offset; /* sh_offset in the file, for error positions */
	bool found;
} gomem_section;

struct gomem_binary {
	gomem_binary_info info;
	gomem_error err;
	char *path;
	int fd;
	unsigned char *image;  /* the file in memory when it was gzip'd or is not seekable */
	bool gzip;
	Elf *elf;
	uint64_t max_input;    /* cap on the bytes held in memory (--max-input) */
	uint64_t held;         /* the image and the sections inflated so far */
	char *debug_dirs;      /* global debug directories, ':'-separated */
	/* DWARF, opened on first use (gomem_binary_dwarf): in the file, or in a
	 * separate debug file (then debug_elf, debug_fd and debug_path). */
	bool dwarf_tried;
	int dwarf_rc;
	gomem_error dwarf_err;  /* why it cannot be had, given again on every ask */
	Dwarf *dwarf;
	Elf *debug_elf;
	int debug_fd;
	char *debug_path;
	gomem_buf places;       /* where separate debug files were looked for */
	gomem_section gopclntab, buildinfo, rodata, data, noptrdata, text, typelink;
};

/* Finds a section by name; its data is mapped by libelf (no copy), or
 * inflated under the cap when it is compressed. */
int gomem_binary_section(gomem_binary *bin, const char *name, gomem_section *out);
/* The section of ELF named NAME and its header; NULL when there is none. */
Elf_Scn *gomem_elf_section(Elf *elf, const char *name, GElf_Shdr *shdr);
/* Checks ELF's header and that every table and section lies in the file;
 * ERR gets the error, positioned. */
int gomem_elf_check(Elf *elf, gomem_error *err);
/* Counts BYTES (inflated from the file at byte AT) against the cap on what
 * the handle holds; past it, GOMEM_E_LIMIT at AT: "WHAT N bytes, over the
 * limit ...". */
int gomem_binary_reserve(gomem_binary *bin, uint64_t bytes, uint64_t at, const char *what);

/* ---- DWARF on demand (dwarfopen.c) --------------------------------------- */

/* Whether ELF has DWARF sections (.debug_info or .zdebug_info). */
bool gomem_elf_has_dwarf(Elf *elf);
/* BIN's DWARF, opened the first time it is asked for: the file's own, or a
 * separate debug file's found by build ID or .gnu_debuglink (the way gdb and
 * elfutils look). The compressed sections libdw will inflate are counted
 * against the cap first. GOMEM_E_NOTFOUND (there is none; the places looked
 * in are in gomem_binary_debug_places), GOMEM_E_LIMIT or GOMEM_E_FORMAT,
 * the error on BIN, the same every time. */
int gomem_binary_dwarf(gomem_binary *bin, Dwarf **out);
void gomem_binary_close_dwarf(gomem_binary *bin);

/* Reads the file bytes at virtual address ADDR (LEN bytes) from whichever
 * PROGBITS section holds them; NULL when out of range. */
const unsigned char *gomem_binary_at(gomem_binary *bin, uint64_t addr, size_t len);
/* Integer reads in the binary's byte order. */
uint64_t gomem_binary_u64(const gomem_binary *bin, const unsigned char *p);
uint32_t gomem_binary_u32(const gomem_binary *bin, const unsigned char *p);
uint64_t gomem_binary_uptr(const gomem_binary *bin, const unsigned char *p);

/* ---- .gopclntab (pclntab.c) ---------------------------------------------- */

/* The runtime's function table, Go 1.18+ layouts (magic 0xfffffff0 for Go
 * 1.18/1.19, 0xfffffff1 from 1.20). Every offset read from it is checked
 * against the section before use. */
typedef struct gomem_pclntab {
	const unsigned char *data;   /* the section */
	size_t size;
	uint64_t file_offset;        /* for error positions */
	bool big_endian;
	int ptr_size, quantum;
	bool go120;                  /* 0xfffffff1: startLine in _func, 16-byte inline entries */
	uint64_t nfunc, text_start;
	size_t funcnametab, cutab, filetab, pctab, pcln; /* offsets into data */
	/* go:func.* (funcdata lives there): the bytes from its start to the end
	 * of the section holding it; NULL when not found (no inline chains). */
	const unsigned char *gofunc;
	size_t gofunc_size;
	/* FuncIDWrapper's value: 21 up to Go 1.21, 22 from 1.22 (corostart). */
	int wrapper_id;
} gomem_pclntab;

/* One logical frame as the pclntab reader produces it; strings point into
 * the section (NUL-terminated there). */
typedef struct gomem_pcln_frame {
	const char *function, *file;
	int64_t line;
	uint64_t entry, pc;
	bool inlined;
	bool wrapper;                /* FuncIDWrapper: compiler-generated */
} gomem_pcln_frame;

int gomem_pclntab_init(gomem_pclntab *t, const unsigned char *data, size_t size, bool big_endian,
		       uint64_t text_addr, uint64_t file_offset, gomem_error *err);
/* Finds go:func.* in BIN (symbol table, else the moduledata) for T. */
void gomem_pclntab_find_gofunc(gomem_pclntab *t, gomem_binary *bin, uint64_t pclntab_addr);
/* The inline chain at PC, innermost first, into FRAMES (room for MAX);
 * the count in *N (0 when PC is in no function). GOMEM_E_FORMAT when the
 * tables are corrupt (ERR gets the byte offset). */
int gomem_pclntab_chain(const gomem_pclntab *t, uint64_t pc, gomem_pcln_frame *frames, size_t max,
			size_t *n, gomem_error *err);
/* The entry of the function holding PC, 0 when none. */
uint64_t gomem_pclntab_entry(const gomem_pclntab *t, uint64_t pc);
/* The entry of the function named NAME (a linear search), 0 when none. */
uint64_t gomem_pclntab_find_entry(const gomem_pclntab *t, const char *name);
/* A PIE's load bias guessed from a stack of return addresses (its last is
 * runtime.goexit+1 in goroutine and heap stacks): set on S when found. */
void gomem_symbolizer_guess_bias(gomem_symbolizer *s, const uint64_t *pcs, size_t npcs);

/* ---- DWARF (dwarfsym.c) ------------------------------------------------- */

typedef struct gomem_dwarfsym gomem_dwarfsym;

int gomem_dwarfsym_new(gomem_dwarfsym **out, gomem_binary *bin);
void gomem_dwarfsym_free(gomem_dwarfsym *d);
/* As gomem_pclntab_chain, from DWARF; strings are libdw's or interned. */
int gomem_dwarfsym_chain(gomem_dwarfsym *d, uint64_t pc, gomem_pcln_frame *frames, size_t max,
			 size_t *n, gomem_error *err);

/* Frames of a stack, as gomem_symbolize_stack; RETURN_ADDRESSES false for
 * PCs already backed up into their call (profile location addresses). */
int gomem_symbolize_walk(gomem_symbolizer *s, const uint64_t *pcs, size_t npcs, bool return_addresses,
			 int (*on_frame)(void *payload, size_t pc_index, const gomem_sym_frame *frame),
			 void *payload);

/* The runtime prints a generic instantiation "F[go.shape.int]" as "F[...]"
 * (funcNameForPrint): true when NAME needs it, with the positions of the
 * first '[' and the last ']' in *OPEN and *CLOSE. */
bool gomem_go_name_brackets(const char *name, size_t *open, size_t *close);

#endif
