/* SPDX-License-Identifier: Apache-2.0 */
/* binary.c — opening a Go ELF binary through libelf: the file mapped, or
 * held in memory when it is gzip'd or cannot be mapped (a pipe), under a cap
 * that also bounds every compressed section inflated (their headers say how
 * big they will be before anything is inflated); every section's range
 * checked against the file. DWARF is opened on demand (dwarfopen.c). The
 * readers of build info, pclntab, DWARF and layouts build on the handle. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "binary-internal.h"

static int elf_error(gomem_binary *bin, const char *what)
{
	return gomem_error_set(&bin->err, GOMEM_E_FORMAT, "%s: %s", what, elf_errmsg(-1));
}

int gomem_binary_reserve(gomem_binary *bin, uint64_t bytes, uint64_t at, const char *what)
{
	if (bytes <= bin->max_input - bin->held) {
		bin->held += bytes;
		return GOMEM_OK;
	}
	if (bin->held == 0)
		return gomem_error_at_byte(&bin->err, GOMEM_E_LIMIT, at,
					   "%s %llu bytes, over the limit of %llu bytes held in "
					   "memory (--max-input)", what, (unsigned long long)bytes,
					   (unsigned long long)bin->max_input);
	return gomem_error_at_byte(&bin->err, GOMEM_E_LIMIT, at,
				   "%s %llu bytes, with %llu held already over the limit of %llu "
				   "bytes held in memory (--max-input)", what, (unsigned long long)bytes,
				   (unsigned long long)bin->held, (unsigned long long)bin->max_input);
}

Elf_Scn *gomem_elf_section(Elf *elf, const char *name, GElf_Shdr *shdr)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		const char *sname;

		if (gelf_getshdr(scn, shdr) != NULL &&
		    (sname = elf_strptr(elf, shstrndx, shdr->sh_name)) != NULL && strcmp(sname, name) == 0)
			return scn;
	}
	return NULL;
}

/* Inflates a SHF_COMPRESSED section in place (libelf keeps the result),
 * once its header has said how big it will be and the cap allows it. */
static int inflate_section(gomem_binary *bin, Elf_Scn *scn, const GElf_Shdr *shdr, const char *name)
{
	GElf_Chdr chdr;
	char what[128];

	if (gelf_getchdr(scn, &chdr) == NULL)
		return gomem_error_at_byte(&bin->err, GOMEM_E_FORMAT, shdr->sh_offset,
					   "section %s: bad compression header: %s", name, elf_errmsg(-1));
	snprintf(what, sizeof(what), "section %.64s inflates to", name);
	if (gomem_binary_reserve(bin, chdr.ch_size, shdr->sh_offset, what) != GOMEM_OK)
		return GOMEM_E_LIMIT;
	if (elf_compress(scn, 0, 0) < 0)
		return gomem_error_at_byte(&bin->err, GOMEM_E_FORMAT, shdr->sh_offset,
					   "section %s: cannot inflate it: %s", name, elf_errmsg(-1));
	return GOMEM_OK;
}

int gomem_binary_section(gomem_binary *bin, const char *name, gomem_section *out)
{
	GElf_Shdr shdr;
	Elf_Scn *scn;
	Elf_Data *data;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((scn = gomem_elf_section(bin->elf, name, &shdr)) == NULL)
		return GOMEM_E_NOTFOUND;
	out->found = true;
	out->addr = shdr.sh_addr;
	out->offset = shdr.sh_offset;
	if (shdr.sh_type == SHT_NOBITS)
		return GOMEM_OK;
	if ((shdr.sh_flags & SHF_COMPRESSED) && (rc = inflate_section(bin, scn, &shdr, name)) != GOMEM_OK)
		return rc;
	if ((data = elf_getdata(scn, NULL)) == NULL)
		return elf_error(bin, name);
	out->data = data->d_buf;
	out->size = data->d_size;
	return GOMEM_OK;
}

const unsigned char *gomem_binary_at(gomem_binary *bin, uint64_t addr, size_t len)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(bin->elf, scn)) != NULL) {
		GElf_Shdr shdr;
		Elf_Data *data;

		if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type != SHT_PROGBITS ||
		    !(shdr.sh_flags & SHF_ALLOC) || (shdr.sh_flags & SHF_COMPRESSED))
			continue;
		if (addr < shdr.sh_addr || addr - shdr.sh_addr > shdr.sh_size ||
		    len > shdr.sh_size - (addr - shdr.sh_addr))
			continue;
		if ((data = elf_getdata(scn, NULL)) == NULL || data->d_buf == NULL ||
		    data->d_size != shdr.sh_size)
			return NULL;
		return (const unsigned char *)data->d_buf + (addr - shdr.sh_addr);
	}
	return NULL;
}

uint64_t gomem_binary_u64(const gomem_binary *bin, const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[bin->info.big_endian ? 7 - i : i] << (8 * i);
	return v;
}

uint32_t gomem_binary_u32(const gomem_binary *bin, const unsigned char *p)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)p[bin->info.big_endian ? 3 - i : i] << (8 * i);
	return v;
}

uint64_t gomem_binary_uptr(const gomem_binary *bin, const unsigned char *p)
{
	return bin->info.ptr_size == 8 ? gomem_binary_u64(bin, p) : gomem_binary_u32(bin, p);
}

/* The name of a section for messages ("?" when the names are unusable). */
static const char *section_name(Elf *elf, const GElf_Shdr *shdr)
{
	size_t shstrndx;
	const char *name = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx) == 0)
		name = elf_strptr(elf, shstrndx, shdr->sh_name);
	return name ? name : "?";
}

/* Every section's bytes lie in the file. OFFSET + SIZE is never computed
 * before it is known not to wrap, and never printed. */
static int check_section_ranges(Elf *elf, uint64_t n, uint64_t shoff, uint64_t shentsize,
				gomem_error *err)
{
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
		size_t i = elf_ndxscn(scn);
		uint64_t at = shoff + (uint64_t)i * shentsize;
		GElf_Shdr shdr;

		if (gelf_getshdr(scn, &shdr) == NULL)
			return gomem_error_at_byte(err, GOMEM_E_FORMAT, at, "section %zu: bad header: %s",
						   i, elf_errmsg(-1));
		if (shdr.sh_type == SHT_NOBITS)
			continue;
		if (shdr.sh_offset > n)
			return gomem_error_at_byte(err, GOMEM_E_FORMAT, at,
						   "section %zu (%s) starts at offset %#llx, past the end "
						   "of the %llu-byte file", i, section_name(elf, &shdr),
						   (unsigned long long)shdr.sh_offset, (unsigned long long)n);
		/* A range that wraps around is corrupt; one that does not may be cut off. */
		if (shdr.sh_size > n - shdr.sh_offset)
			return gomem_error_at_byte(err, shdr.sh_size > UINT64_MAX - shdr.sh_offset
							     ? GOMEM_E_FORMAT : GOMEM_E_TRUNCATED, at,
						   "section %zu (%s): offset %#llx and size %#llx run "
						   "past the end of the %llu-byte file", i,
						   section_name(elf, &shdr), (unsigned long long)shdr.sh_offset,
						   (unsigned long long)shdr.sh_size, (unsigned long long)n);
	}
	return GOMEM_OK;
}

int gomem_elf_check(Elf *elf, gomem_error *err)
{
	GElf_Ehdr ehdr;
	const char *ident;
	size_t n;

	if (elf_kind(elf) != ELF_K_ELF || (ident = elf_getident(elf, &n)) == NULL || n < EI_NIDENT)
		return gomem_error_at_byte(err, GOMEM_E_FORMAT, 0, "not an ELF file");
	if (gelf_getehdr(elf, &ehdr) == NULL)
		return gomem_error_at_byte(err, GOMEM_E_FORMAT, 0, "bad ELF header: %s",
					   elf_errmsg(-1));
	/* libelf reads a cut-off file without a word: check the tables fit. */
	if (elf_rawfile(elf, &n) == NULL)
		n = 0;
	if (ehdr.e_shoff > n || (uint64_t)ehdr.e_shnum * ehdr.e_shentsize > n - ehdr.e_shoff)
		return gomem_error_at_byte(err, GOMEM_E_TRUNCATED, n,
					   "truncated ELF file: its section headers (at byte %llu) "
					   "are past the end", (unsigned long long)ehdr.e_shoff);
	if (ehdr.e_phoff > n || (uint64_t)ehdr.e_phnum * ehdr.e_phentsize > n - ehdr.e_phoff)
		return gomem_error_at_byte(err, GOMEM_E_TRUNCATED, n,
					   "truncated ELF file: its program headers (at byte %llu) "
					   "are past the end", (unsigned long long)ehdr.e_phoff);
	return check_section_ranges(elf, n, ehdr.e_shoff, ehdr.e_shentsize, err);
}

static int read_header(gomem_binary *bin)
{
	GElf_Ehdr ehdr;
	const char *ident;
	size_t n;
	int rc;

	if ((rc = gomem_elf_check(bin->elf, &bin->err)) != GOMEM_OK)
		return rc;
	ident = elf_getident(bin->elf, &n);
	gelf_getehdr(bin->elf, &ehdr);
	bin->info.ptr_size = ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
	bin->info.big_endian = ident[EI_DATA] == ELFDATA2MSB;
	bin->info.pie = ehdr.e_type == ET_DYN;
	bin->info.machine = ehdr.e_machine;
	return GOMEM_OK;
}

/* Looks for the sections the Go readers use; absence is not an error here.
 * DWARF is not read now (gomem_binary_dwarf does, for the readers that need it). */
static int find_sections(gomem_binary *bin)
{
	static const struct {
		const char *name;
		size_t off;
	} wanted[] = {
		{".gopclntab", offsetof(gomem_binary, gopclntab)},
		{".go.buildinfo", offsetof(gomem_binary, buildinfo)},
		{".rodata", offsetof(gomem_binary, rodata)},
		{".data", offsetof(gomem_binary, data)},
		{".noptrdata", offsetof(gomem_binary, noptrdata)},
		{".text", offsetof(gomem_binary, text)},
		{".typelink", offsetof(gomem_binary, typelink)},
	};
	GElf_Shdr shdr;

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(wanted); i++) {
		gomem_section *s = (gomem_section *)((char *)bin + wanted[i].off);
		int rc = gomem_binary_section(bin, wanted[i].name, s);

		if (rc != GOMEM_OK && rc != GOMEM_E_NOTFOUND)
			return rc;
	}
	/* PIE binaries keep the table in .data.rel.ro.gopclntab (relocated). */
	if (!bin->gopclntab.found) {
		int rc = gomem_binary_section(bin, ".data.rel.ro.gopclntab", &bin->gopclntab);

		if (rc != GOMEM_OK && rc != GOMEM_E_NOTFOUND)
			return rc;
	}
	bin->info.has_pclntab = bin->gopclntab.found;
	bin->info.has_buildinfo = bin->buildinfo.found;
	bin->info.has_symtab = gomem_elf_section(bin->elf, ".symtab", &shdr) != NULL;
	bin->info.has_dwarf = gomem_elf_has_dwarf(bin->elf);
	return GOMEM_OK;
}

/* ---- the bytes of the file ------------------------------------------------ */

#define CHUNK 65536

static bool is_elf_magic(const unsigned char *p, size_t n)
{
	return n >= 4 && memcmp(p, ELFMAG, 4) == 0;
}

/* Appends P/N to the image, under the cap, and refuses the input as soon
 * as its first bytes are not ELF's magic: what cannot be a binary is not
 * read (or inflated) any further. */
static int hold(gomem_binary *bin, size_t *cap, size_t *size, const unsigned char *p, size_t n,
		const char *what)
{
	size_t old = *size;

	if (n == 0)
		return GOMEM_OK; /* an inflate step with no output: the image may still be NULL */
	if (n > bin->max_input - bin->held)
		return gomem_error_at_byte(&bin->err, GOMEM_E_LIMIT, old,
					   "%s past the limit of %llu bytes held in memory "
					   "(--max-input)", what, (unsigned long long)bin->max_input);
	if (GOMEM_GROW(bin->image, *cap, old + n, SIZE_MAX) != GOMEM_OK)
		return gomem_error_set(&bin->err, GOMEM_E_NOMEM, "out of memory (%s)", what);
	memcpy(bin->image + old, p, n);
	*size = old + n;
	bin->held += n;
	if (old < 4 && *size >= 4 && !is_elf_magic(bin->image, *size))
		return gomem_error_at_byte(&bin->err, GOMEM_E_FORMAT, 0, "not an ELF file%s",
					   bin->gzip ? " (gzip'd data that does not start with ELF's magic)"
						     : "");
	return GOMEM_OK;
}

/* The rest of a gzip stream whose first bytes (FIRST/NFIRST) were read
 * already, inflated into the image. */
static int inflate_image(gomem_binary *bin, const unsigned char *first, size_t nfirst, size_t *size)
{
	unsigned char in[CHUNK], out[CHUNK];
	size_t cap = 0;
	z_stream z;
	int zrc = Z_OK, rc = GOMEM_OK;
	ssize_t n = (ssize_t)nfirst;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return gomem_error_set(&bin->err, GOMEM_E_NOMEM, "out of memory");
	memcpy(in, first, nfirst);
	while (zrc != Z_STREAM_END && rc == GOMEM_OK) {
		if (n == 0 && (n = read(bin->fd, in, sizeof(in))) <= 0) {
			rc = n < 0 ? gomem_error_set(&bin->err, GOMEM_E_IO, "%s", strerror(errno))
				   : gomem_error_at_byte(&bin->err, GOMEM_E_TRUNCATED, z.total_in,
							 "gzip: the file ends early");
			break;
		}
		z.next_in = in;
		z.avail_in = (uInt)n;
		while (z.avail_in > 0 && zrc != Z_STREAM_END && rc == GOMEM_OK) {
			z.next_out = out;
			z.avail_out = sizeof(out);
			zrc = inflate(&z, Z_NO_FLUSH);
			if (zrc != Z_OK && zrc != Z_STREAM_END)
				rc = gomem_error_at_byte(&bin->err, GOMEM_E_FORMAT, z.total_in,
							 "gzip: corrupt data");
			else
				rc = hold(bin, &cap, size, out, sizeof(out) - z.avail_out,
					  "the gzip'd file inflates");
		}
		n = 0;
	}
	inflateEnd(&z);
	if (rc == GOMEM_OK && *size < 4)
		rc = gomem_error_at_byte(&bin->err, GOMEM_E_FORMAT, 0, "not an ELF file (%zu bytes "
					 "once inflated)", *size);
	return rc;
}

/* A file that cannot be mapped (a FIFO, a terminal, a character device) is
 * read into memory, under the cap. */
static int read_stream(gomem_binary *bin, const unsigned char *first, size_t nfirst, size_t *size)
{
	unsigned char chunk[CHUNK];
	size_t cap = 0;
	ssize_t n;
	int rc = hold(bin, &cap, size, first, nfirst, "the file (not seekable: read into memory) runs");

	while (rc == GOMEM_OK && (n = read(bin->fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return gomem_error_set(&bin->err, GOMEM_E_IO, "%s", strerror(errno));
		rc = hold(bin, &cap, size, chunk, (size_t)n, "the file (not seekable: read into memory) runs");
	}
	if (rc == GOMEM_OK && *size < 4)
		rc = gomem_error_at_byte(&bin->err, GOMEM_E_FORMAT, 0, "not an ELF file (%zu bytes)",
					 *size);
	return rc;
}

/* Up to 4 bytes from the start (fewer only at the end of the input). */
static ssize_t read_head(int fd, unsigned char *p)
{
	size_t got = 0;

	while (got < 4) {
		ssize_t n = read(fd, p + got, 4 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* The ELF handle: the mapped file, or the image in memory when the file
 * is gzip'd (how test fixtures are kept) or cannot be mapped (a pipe). */
static int open_elf(gomem_binary *bin)
{
	unsigned char head[4];
	struct stat st;
	size_t size = 0;
	ssize_t n;
	int rc;

	if (fstat(bin->fd, &st) != 0)
		return gomem_error_set(&bin->err, GOMEM_E_IO, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return gomem_error_set(&bin->err, GOMEM_E_IO, "%s", strerror(EISDIR));
	if ((n = read_head(bin->fd, head)) < 0)
		return gomem_error_set(&bin->err, GOMEM_E_IO, "%s", strerror(errno));
	bin->gzip = n >= 2 && head[0] == 0x1f && head[1] == 0x8b;
	if (!bin->gzip && !S_ISREG(st.st_mode))
		rc = read_stream(bin, head, (size_t)n, &size);
	else if (bin->gzip)
		rc = inflate_image(bin, head, (size_t)n, &size);
	else if (!is_elf_magic(head, (size_t)n))
		return gomem_error_at_byte(&bin->err, GOMEM_E_FORMAT, 0, "not an ELF file");
	else
		rc = GOMEM_OK;
	if (rc != GOMEM_OK)
		return rc;
	if (bin->image != NULL)
		bin->elf = elf_memory((char *)bin->image, size);
	else
		bin->elf = elf_begin(bin->fd, ELF_C_READ_MMAP, NULL);
	if (bin->elf == NULL)
		return gomem_error_at_byte(&bin->err, GOMEM_E_FORMAT, 0, "not an ELF file (%s)",
					   elf_errmsg(-1));
	return GOMEM_OK;
}

static int set_options(gomem_binary *bin, const gomem_binary_options *opts)
{
	const char *dirs = opts ? opts->debug_dir : NULL;

	if (opts != NULL && opts->version != GOMEM_BINARY_OPTIONS_VERSION)
		return gomem_error_set(&bin->err, GOMEM_E_INVALID, "binary options version %u not known",
				       opts->version);
	bin->max_input = opts && opts->max_input ? opts->max_input : GOMEM_BINARY_DEFAULT_MAX_INPUT;
	if (dirs == NULL && (dirs = getenv("GOMEM_DEBUG_DIR")) != NULL && dirs[0] == '\0')
		dirs = NULL;
	if ((bin->debug_dirs = strdup(dirs ? dirs : GOMEM_BINARY_DEFAULT_DEBUG_DIR)) == NULL)
		return gomem_error_set(&bin->err, GOMEM_E_NOMEM, "out of memory");
	return GOMEM_OK;
}

int gomem_binary_open_ext(gomem_binary **out, const char *path, const gomem_binary_options *opts,
			  gomem_error *err)
{
	gomem_binary *bin;
	int rc;

	*out = NULL;
	if ((bin = calloc(1, sizeof(*bin))) == NULL)
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	bin->fd = -1;
	bin->debug_fd = -1;
	if ((bin->path = strdup(path)) == NULL) {
		free(bin);
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	}
	bin->info.path = bin->path;
	gomem_error_set_source(&bin->err, bin->path);
	elf_version(EV_CURRENT);
	if ((rc = set_options(bin, opts)) != GOMEM_OK)
		goto fail;
	if ((bin->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = gomem_error_set(&bin->err, GOMEM_E_IO, "%s", strerror(errno));
		goto fail;
	}
	if ((rc = open_elf(bin)) != GOMEM_OK || (rc = read_header(bin)) != GOMEM_OK ||
	    (rc = find_sections(bin)) != GOMEM_OK)
		goto fail;
	*out = bin;
	return GOMEM_OK;
fail:
	gomem_error_copy(err, &bin->err);
	gomem_binary_free(bin);
	return rc;
}

int gomem_binary_open(const char *path, gomem_binary **out, gomem_error *err)
{
	return gomem_binary_open_ext(out, path, NULL, err);
}

void gomem_binary_free(gomem_binary *bin)
{
	if (bin == NULL)
		return;
	gomem_binary_close_dwarf(bin);
	if (bin->elf)
		elf_end(bin->elf);
	if (bin->fd >= 0)
		close(bin->fd);
	free(bin->image);
	gomem_error_clear(&bin->err);
	free(bin->debug_dirs);
	free(bin->path);
	free(bin);
}

const gomem_binary_info *gomem_binary_get_info(const gomem_binary *bin)
{
	return &bin->info;
}

const gomem_error *gomem_binary_error(const gomem_binary *bin)
{
	return &bin->err;
}
