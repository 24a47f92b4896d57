/* SPDX-License-Identifier: Apache-2.0 */
/* binary.c — opening a Go ELF binary: libelf for the headers and sections
 * (compressed sections are inflated by libelf), libdw for DWARF when there is
 * any. Readers of build info, pclntab and DWARF build on the handle. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "binary-internal.h"

static int elf_error(gomem_binary *bin, const char *what)
{
	return gomem_error_set(&bin->err, GOMEM_E_FORMAT, "%s: %s", what, elf_errmsg(-1));
}

int gomem_binary_section(gomem_binary *bin, const char *name, gomem_section *out)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	memset(out, 0, sizeof(*out));
	if (elf_getshdrstrndx(bin->elf, &shstrndx) != 0)
		return elf_error(bin, "section names");
	while ((scn = elf_nextscn(bin->elf, scn)) != NULL) {
		GElf_Shdr shdr;
		const char *sname;
		Elf_Data *data;

		if (gelf_getshdr(scn, &shdr) == NULL)
			return elf_error(bin, "section header");
		sname = elf_strptr(bin->elf, shstrndx, shdr.sh_name);
		if (sname == NULL || strcmp(sname, name) != 0)
			continue;
		out->found = true;
		out->addr = shdr.sh_addr;
		out->offset = shdr.sh_offset;
		if (shdr.sh_type == SHT_NOBITS)
			return GOMEM_OK;
		if ((shdr.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
			return elf_error(bin, name);
		if ((data = elf_getdata(scn, NULL)) == NULL)
			return elf_error(bin, name);
		out->data = data->d_buf;
		out->size = data->d_size;
		return GOMEM_OK;
	}
	return GOMEM_E_NOTFOUND;
}

const unsigned char *gomem_binary_at(gomem_binary *bin, uint64_t addr, size_t len)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(bin->elf, scn)) != NULL) {
		GElf_Shdr shdr;
		Elf_Data *data;

		if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type != SHT_PROGBITS ||
		    !(shdr.sh_flags & SHF_ALLOC))
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

static int read_header(gomem_binary *bin)
{
	GElf_Ehdr ehdr;
	const char *ident;
	size_t n;

	if (elf_kind(bin->elf) != ELF_K_ELF || (ident = elf_getident(bin->elf, &n)) == NULL ||
	    n < EI_NIDENT)
		return gomem_error_at_byte(&bin->err, GOMEM_E_FORMAT, 0, "not an ELF file");
	if (gelf_getehdr(bin->elf, &ehdr) == NULL)
		return gomem_error_at_byte(&bin->err, GOMEM_E_FORMAT, 0, "bad ELF header: %s",
					   elf_errmsg(-1));
	/* libelf reads a cut-off file without a word: check the tables fit. */
	if (elf_rawfile(bin->elf, &n) == NULL)
		n = 0;
	if (ehdr.e_shoff > n || (uint64_t)ehdr.e_shnum * ehdr.e_shentsize > n - ehdr.e_shoff)
		return gomem_error_at_byte(&bin->err, GOMEM_E_TRUNCATED, n,
					   "truncated ELF file: its section headers (at byte %llu) "
					   "are past the end", (unsigned long long)ehdr.e_shoff);
	if (ehdr.e_phoff > n || (uint64_t)ehdr.e_phnum * ehdr.e_phentsize > n - ehdr.e_phoff)
		return gomem_error_at_byte(&bin->err, GOMEM_E_TRUNCATED, n,
					   "truncated ELF file: its program headers (at byte %llu) "
					   "are past the end", (unsigned long long)ehdr.e_phoff);
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(bin->elf, scn)) != NULL;) {
		GElf_Shdr shdr;

		if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type == SHT_NOBITS)
			continue;
		if (shdr.sh_offset > n || shdr.sh_size > n - shdr.sh_offset)
			return gomem_error_at_byte(&bin->err, GOMEM_E_TRUNCATED, n,
						   "truncated ELF file: section %zu (bytes %llu to "
						   "%llu) is past the end", elf_ndxscn(scn),
						   (unsigned long long)shdr.sh_offset,
						   (unsigned long long)(shdr.sh_offset + shdr.sh_size));
	}
	bin->info.ptr_size = ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
	bin->info.big_endian = ident[EI_DATA] == ELFDATA2MSB;
	bin->info.pie = ehdr.e_type == ET_DYN;
	bin->info.machine = ehdr.e_machine;
	return GOMEM_OK;
}

/* Looks for the sections the Go readers use; absence is not an error here. */
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
	gomem_section symtab;

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
	bin->info.has_symtab = gomem_binary_section(bin, ".symtab", &symtab) == GOMEM_OK;
	return GOMEM_OK;
}

#define MAX_GZIP_IMAGE ((size_t)1 << 30)

/* A gzip-compressed binary (how the test fixtures are kept) is inflated
 * into memory for libelf. Returns 0 when the file is not gzip. */
static int inflate_image(gomem_binary *bin, size_t *size)
{
	unsigned char magic[2], chunk[65536];
	z_stream z;
	size_t cap = 0;
	int zrc = Z_OK;

	*size = 0;
	if (pread(bin->fd, magic, 2, 0) != 2 || magic[0] != 0x1f || magic[1] != 0x8b)
		return 0;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return gomem_error_set(&bin->err, GOMEM_E_NOMEM, "out of memory");
	while (zrc != Z_STREAM_END) {
		ssize_t n = read(bin->fd, chunk, sizeof(chunk));

		if (n <= 0) {
			inflateEnd(&z);
			return n < 0 ? gomem_error_set(&bin->err, GOMEM_E_IO, "%s", strerror(errno))
				     : gomem_error_at_byte(&bin->err, GOMEM_E_TRUNCATED, z.total_in,
							   "gzip: the file ends early");
		}
		z.next_in = chunk;
		z.avail_in = (uInt)n;
		while (z.avail_in > 0 && zrc != Z_STREAM_END) {
			if (GOMEM_GROW(bin->image, cap, *size + 65536, MAX_GZIP_IMAGE) != GOMEM_OK) {
				inflateEnd(&z);
				return gomem_error_set(&bin->err, GOMEM_E_LIMIT, "gzip: over 1 GiB inflated");
			}
			z.next_out = bin->image + *size;
			z.avail_out = 65536;
			zrc = inflate(&z, Z_NO_FLUSH);
			if (zrc != Z_OK && zrc != Z_STREAM_END) {
				inflateEnd(&z);
				return gomem_error_at_byte(&bin->err, GOMEM_E_FORMAT, z.total_in,
							   "gzip: corrupt data");
			}
			*size += 65536 - z.avail_out;
		}
	}
	inflateEnd(&z);
	return 0;
}

int gomem_binary_open(const char *path, gomem_binary **out, gomem_error *err)
{
	gomem_binary *bin;
	size_t image_size = 0;
	int rc;

	*out = NULL;
	if ((bin = calloc(1, sizeof(*bin))) == NULL)
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	bin->fd = -1;
	if ((bin->path = strdup(path)) == NULL) {
		free(bin);
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	}
	bin->info.path = bin->path;
	gomem_error_set_source(&bin->err, bin->path);
	elf_version(EV_CURRENT);
	if ((bin->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = gomem_error_set(&bin->err, GOMEM_E_IO, "%s", strerror(errno));
		goto fail;
	}
	if ((rc = inflate_image(bin, &image_size)) != 0)
		goto fail;
	if (bin->image != NULL)
		bin->elf = elf_memory((char *)bin->image, image_size);
	else
		bin->elf = elf_begin(bin->fd, ELF_C_READ_MMAP, NULL);
	if (bin->elf == NULL) {
		rc = gomem_error_at_byte(&bin->err, GOMEM_E_FORMAT, 0, "not an ELF file (%s)",
					 elf_errmsg(-1));
		goto fail;
	}
	if ((rc = read_header(bin)) != GOMEM_OK || (rc = find_sections(bin)) != GOMEM_OK)
		goto fail;
	/* No DWARF is fine (-ldflags=-w); the readers fall back on pclntab. */
	bin->dwarf = dwarf_begin_elf(bin->elf, DWARF_C_READ, NULL);
	bin->info.has_dwarf = bin->dwarf != NULL;
	*out = bin;
	return GOMEM_OK;
fail:
	gomem_error_copy(err, &bin->err);
	gomem_binary_free(bin);
	return rc;
}

void gomem_binary_free(gomem_binary *bin)
{
	if (bin == NULL)
		return;
	if (bin->dwarf)
		dwarf_end(bin->dwarf);
	if (bin->elf)
		elf_end(bin->elf);
	if (bin->fd >= 0)
		close(bin->fd);
	free(bin->image);
	gomem_error_clear(&bin->err);
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
