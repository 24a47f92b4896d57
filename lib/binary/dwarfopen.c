/* SPDX-License-Identifier: Apache-2.0 */
/* dwarfopen.c — a binary's DWARF, opened only when a reader needs it
 * (symbolizing from DWARF, struct layouts; never build info): the file's own,
 * or, when it has none, a separate debug file found as gdb and elfutils find
 * them: by the GNU build ID (DIR/.build-id/xx/rest.debug) and by the
 * .gnu_debuglink name (beside the binary, in .debug/ there, and under
 * DIR/<the binary's directory>/), for each global debug directory DIR. A
 * candidate is taken only if its build ID matches, or its CRC-32 is the
 * debug link's, and it has DWARF. libdw inflates every compressed debug
 * section when it opens the DWARF: their headers' sizes are counted against
 * the handle's cap first, so a bomb is refused before anything is inflated. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "binary-internal.h"

#define MAX_PLACES_TEXT ((size_t)1 << 16)

bool gomem_elf_has_dwarf(Elf *elf)
{
	GElf_Shdr shdr;

	return (gomem_elf_section(elf, ".debug_info", &shdr) != NULL && shdr.sh_type != SHT_NOBITS) ||
	       (gomem_elf_section(elf, ".zdebug_info", &shdr) != NULL && shdr.sh_type != SHT_NOBITS);
}

/* ---- the cap ------------------------------------------------------------------ */

/* The size a compressed debug section inflates to, from its header: Elf_Chdr
 * for SHF_COMPRESSED, "ZLIB" and a big-endian size for .zdebug_*. False
 * when it is not compressed (or the header is unreadable: libdw then skips
 * the section). */
static bool inflated_size(Elf_Scn *scn, const GElf_Shdr *shdr, const char *name, uint64_t *size)
{
	GElf_Chdr chdr;
	Elf_Data *raw;
	const unsigned char *p;

	if (shdr->sh_flags & SHF_COMPRESSED) {
		if (gelf_getchdr(scn, &chdr) == NULL)
			return false;
		*size = chdr.ch_size;
		return true;
	}
	if (strncmp(name, ".zdebug_", 8) != 0 || (raw = elf_rawdata(scn, NULL)) == NULL ||
	    raw->d_size < 12 || memcmp(raw->d_buf, "ZLIB", 4) != 0)
		return false;
	p = (const unsigned char *)raw->d_buf + 4;
	*size = 0;
	for (int i = 0; i < 8; i++)
		*size = *size << 8 | p[i];
	return true;
}

/* Counts what libdw will inflate of ELF's debug sections against the cap. */
static int reserve_debug_sections(gomem_binary *bin, Elf *elf)
{
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return GOMEM_OK; /* libdw will not find the sections either */
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
		GElf_Shdr shdr;
		const char *name;
		uint64_t size;
		char what[96];

		if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type == SHT_NOBITS ||
		    (name = elf_strptr(elf, shstrndx, shdr.sh_name)) == NULL ||
		    (strncmp(name, ".debug_", 7) != 0 && strncmp(name, ".zdebug_", 8) != 0) ||
		    !inflated_size(scn, &shdr, name, &size))
			continue;
		snprintf(what, sizeof(what), "section %.64s inflates to", name);
		if (gomem_binary_reserve(bin, size, shdr.sh_offset, what) != GOMEM_OK)
			return GOMEM_E_LIMIT;
	}
	return GOMEM_OK;
}

static int begin_dwarf(gomem_binary *bin, Elf *elf)
{
	int rc;

	if ((rc = reserve_debug_sections(bin, elf)) != GOMEM_OK)
		return rc;
	if ((bin->dwarf = dwarf_begin_elf(elf, DWARF_C_READ, NULL)) == NULL)
		return gomem_error_set(&bin->err, GOMEM_E_FORMAT, "corrupt DWARF: %s",
				       dwarf_errmsg(-1) ? dwarf_errmsg(-1) : "libdw cannot open it");
	return GOMEM_OK;
}

/* ---- what the binary says about its debug file ---------------------------------- */

/* The GNU build ID (an NT_GNU_BUILD_ID note); false when there is none. */
static bool build_id(Elf *elf, const unsigned char **id, size_t *len)
{
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
		GElf_Shdr shdr;
		GElf_Nhdr nhdr;
		Elf_Data *data;
		size_t off = 0, next, name_off, desc_off;

		if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type != SHT_NOTE ||
		    (shdr.sh_flags & SHF_COMPRESSED) || (data = elf_getdata(scn, NULL)) == NULL)
			continue;
		while ((next = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0) {
			if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 && nhdr.n_descsz > 0 &&
			    memcmp((const char *)data->d_buf + name_off, "GNU", 4) == 0) {
				*id = (const unsigned char *)data->d_buf + desc_off;
				*len = nhdr.n_descsz;
				return true;
			}
			off = next;
		}
	}
	return false;
}

/* .gnu_debuglink: a file name (NUL-terminated, a plain name: one with a
 * '/' is refused), padded to 4 bytes, then the CRC-32 of that file. */
static bool debug_link(gomem_binary *bin, const char **name, uint32_t *crc)
{
	GElf_Shdr shdr;
	Elf_Scn *scn = gomem_elf_section(bin->elf, ".gnu_debuglink", &shdr);
	Elf_Data *data;
	const unsigned char *p, *nul;
	size_t off;

	if (scn == NULL || shdr.sh_type == SHT_NOBITS || (shdr.sh_flags & SHF_COMPRESSED) ||
	    (data = elf_getdata(scn, NULL)) == NULL || data->d_buf == NULL)
		return false;
	p = data->d_buf;
	if ((nul = memchr(p, '\0', data->d_size)) == NULL || nul == p || memchr(p, '/', (size_t)(nul - p)))
		return false;
	off = ((size_t)(nul - p) + 4) & ~(size_t)3;
	if (off > data->d_size || data->d_size - off < 4)
		return false;
	*crc = (uint32_t)gomem_binary_u32(bin, p + off);
	*name = (const char *)p;
	return true;
}

/* ---- candidates ------------------------------------------------------------------- */

struct wanted {
	const unsigned char *id;  /* the build ID a candidate must have, or NULL */
	size_t id_len;
	bool check_crc;           /* or the CRC-32 it must have */
	uint32_t crc;
	struct stat self;         /* the binary: never its own debug file */
};

static int note_place(gomem_binary *bin, const char *path, const char *why)
{
	int rc = gomem_buf_printf(&bin->places, "%s%s%s%s%s", bin->places.len ? ", " : "", path,
				  why ? " (" : "", why ? why : "", why ? ")" : "");

	return rc == GOMEM_E_LIMIT ? GOMEM_OK : rc; /* a list that long is cut short */
}

static bool crc_matches(int fd, uint32_t want)
{
	unsigned char buf[65536];
	uLong crc = crc32(0, Z_NULL, 0);
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		crc = crc32(crc, buf, (uInt)n);
	}
	return (uint32_t)crc == want;
}

/* Why the ELF file ELF at FD is not the debug file wanted; NULL when it is. */
static const char *reject(Elf *elf, int fd, const struct wanted *w)
{
	gomem_error check = {0};
	const unsigned char *id;
	size_t len;

	if (elf == NULL || elf_kind(elf) != ELF_K_ELF)
		return "not ELF";
	if (gomem_elf_check(elf, &check) != GOMEM_OK)
		return check.code == GOMEM_E_TRUNCATED ? "truncated" : "corrupt";
	if (w->id != NULL && (!build_id(elf, &id, &len) || len != w->id_len || memcmp(id, w->id, len) != 0))
		return "build ID differs";
	if (w->id == NULL && w->check_crc && !crc_matches(fd, w->crc))
		return "CRC differs";
	if (!gomem_elf_has_dwarf(elf))
		return "no DWARF in it";
	return NULL;
}

/* Takes PATH as the debug file if it is the one wanted: 1 taken, 0 not
 * (noted in the places), or an error code. */
static int try_file(gomem_binary *bin, const char *path, const struct wanted *w)
{
	struct stat st;
	const char *why;
	Elf *elf;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return note_place(bin, path, errno == ENOENT ? NULL : strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return note_place(bin, path, "not a regular file");
	}
	if (st.st_dev == w->self.st_dev && st.st_ino == w->self.st_ino) {
		close(fd);
		return note_place(bin, path, "the binary itself");
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if ((why = reject(elf, fd, w)) != NULL) {
		if (elf != NULL)
			elf_end(elf);
		close(fd);
		return note_place(bin, path, why);
	}
	if ((bin->debug_path = strdup(path)) == NULL) {
		elf_end(elf);
		close(fd);
		return GOMEM_E_NOMEM;
	}
	bin->debug_elf = elf;
	bin->debug_fd = fd;
	return 1;
}

/* DIR/.build-id/xx/rest.debug, for each global debug directory DIR. */
static int by_build_id(gomem_binary *bin, const struct wanted *w)
{
	char hex[2 * 64 + 2], path[PATH_MAX];
	const char *dirs = bin->debug_dirs;
	size_t n = w->id_len < 64 ? w->id_len : 64;
	int rc = 0;

	if (w->id == NULL || w->id_len < 2)
		return 0;
	for (size_t i = 0, k = 0; i < n; i++) {
		k += (size_t)snprintf(hex + k, sizeof(hex) - k, "%s%02x", i == 1 ? "/" : "", w->id[i]);
	}
	while (rc == 0 && *dirs) {
		size_t len = strcspn(dirs, ":");

		if (len > 0 && (size_t)snprintf(path, sizeof(path), "%.*s/.build-id/%s.debug", (int)len,
						 dirs, hex) < sizeof(path))
			rc = try_file(bin, path, w);
		dirs += len + (dirs[len] == ':');
	}
	return rc;
}

/* The directory of the binary, absolute when it can be had (symbolic links
 * resolved, as gdb does), into DIR. */
static void binary_dir(const gomem_binary *bin, char *dir, size_t size)
{
	char *slash;

	if (realpath(bin->path, dir) == NULL)
		snprintf(dir, size, "%s", bin->path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, size, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
}

/* NAME beside the binary, in .debug/ there, and under each global debug
 * directory followed by the binary's absolute directory. */
static int by_debug_link(gomem_binary *bin, const char *name, const struct wanted *w)
{
	char dir[PATH_MAX], path[PATH_MAX];
	const char *dirs = bin->debug_dirs;
	int rc = 0;

	binary_dir(bin, dir, sizeof(dir));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) < sizeof(path))
		rc = try_file(bin, path, w);
	if (rc == 0 && (size_t)snprintf(path, sizeof(path), "%s/.debug/%s", dir, name) < sizeof(path))
		rc = try_file(bin, path, w);
	while (rc == 0 && *dirs && dir[0] == '/') {
		size_t len = strcspn(dirs, ":");

		if (len > 0 && (size_t)snprintf(path, sizeof(path), "%.*s%s/%s", (int)len, dirs,
						 strcmp(dir, "/") ? dir : "", name) < sizeof(path))
			rc = try_file(bin, path, w);
		dirs += len + (dirs[len] == ':');
	}
	return rc;
}

/* The separate debug file, if one is found: 1, 0 (none), or an error. */
static int find_debug_file(gomem_binary *bin, bool *had_hint)
{
	struct wanted w = {0};
	const char *link = NULL;
	int rc;

	if (fstat(bin->fd, &w.self) != 0)
		memset(&w.self, 0, sizeof(w.self));
	w.check_crc = debug_link(bin, &link, &w.crc);
	build_id(bin->elf, &w.id, &w.id_len);
	*had_hint = w.id != NULL || link != NULL;
	if ((rc = by_build_id(bin, &w)) != 0)
		return rc;
	if (link == NULL)
		return 0;
	/* A debug link names a file by its CRC; the build ID, when the binary
	 * has one, is the stronger check, and it stays. */
	return by_debug_link(bin, link, &w);
}

/* ---- the DWARF ------------------------------------------------------------------------- */

static int open_dwarf(gomem_binary *bin)
{
	bool had_hint = false;
	int rc;

	if (bin->info.has_dwarf)
		return begin_dwarf(bin, bin->elf);
	if ((rc = find_debug_file(bin, &had_hint)) < 0)
		return gomem_error_set(&bin->err, rc, "out of memory");
	if (rc == 1) {
		gomem_error_set_source(&bin->err, bin->debug_path);
		return begin_dwarf(bin, bin->debug_elf);
	}
	if (!had_hint)
		return gomem_error_set(&bin->err, GOMEM_E_NOTFOUND,
				       "no DWARF (built with -ldflags=-w or -s, or stripped), and "
				       "no build ID or .gnu_debuglink to find a separate debug file by");
	return gomem_error_set(&bin->err, GOMEM_E_NOTFOUND,
			       "no DWARF (built with -ldflags=-w or -s, or stripped), and no "
			       "separate debug file found");
}

int gomem_binary_dwarf(gomem_binary *bin, Dwarf **out)
{
	gomem_error before = bin->err;

	*out = NULL;
	if (!bin->dwarf_tried) {
		bin->dwarf_tried = true;
		gomem_buf_init(&bin->places, MAX_PLACES_TEXT);
		gomem_error_clear(&bin->err);
		gomem_error_set_source(&bin->err, bin->path);
		bin->dwarf_rc = open_dwarf(bin);
		bin->dwarf_err = bin->err;
		bin->err = before;
	}
	if (bin->dwarf_rc != GOMEM_OK) {
		gomem_error_copy(&bin->err, &bin->dwarf_err);
		return bin->dwarf_rc;
	}
	*out = bin->dwarf;
	return GOMEM_OK;
}

void gomem_binary_close_dwarf(gomem_binary *bin)
{
	if (bin->dwarf != NULL)
		dwarf_end(bin->dwarf);
	if (bin->debug_elf != NULL)
		elf_end(bin->debug_elf);
	if (bin->debug_fd >= 0)
		close(bin->debug_fd);
	free(bin->debug_path);
	gomem_buf_free(&bin->places);
	bin->dwarf = NULL;
	bin->debug_elf = NULL;
	bin->debug_fd = -1;
	bin->debug_path = NULL;
}

const char *gomem_binary_debug_file(const gomem_binary *bin)
{
	return bin->dwarf != NULL ? bin->debug_path : NULL;
}

const char *gomem_binary_debug_places(const gomem_binary *bin)
{
	return bin->places.data ? bin->places.data : "";
}
