/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/buildinfo.h — the build information the Go linker embeds in every
 * binary (.go.buildinfo): the Go version, the main package path, the main
 * module, the dependencies and the build settings — what `go version -m`
 * prints, read without Go installed. Both blob layouts are read: Go 1.18+
 * (uvarint-prefixed strings inline) and older (pointers to string headers).
 *
 * Ownership: gomem_buildinfo_read gives a gomem_buildinfo freed with
 * gomem_buildinfo_free; every string in it is borrowed from it and is never
 * NULL ("" when absent). */
#ifndef GOMEM_BUILDINFO_H
#define GOMEM_BUILDINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gomem/binary.h"
#include "gomem/common.h"
#include "gomem/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One module line ("mod", "dep") and its replacement ("=>"), if any. */
typedef struct gomem_buildinfo_module {
	const char *path;
	const char *version;   /* "(devel)" for the main module of a local build */
	const char *sum;       /* "h1:..." or "" */
	const struct gomem_buildinfo_module *replace; /* NULL when not replaced */
} gomem_buildinfo_module;

/* One "build KEY=VALUE" line: KEY and VALUE unquoted (as Go's
 * debug.BuildInfo holds them); RAW_KEY and RAW_VALUE as written in the
 * binary (quoted when they hold spaces, quotes or tabs). */
typedef struct gomem_buildinfo_setting {
	const char *key, *value;
	const char *raw_key, *raw_value;
} gomem_buildinfo_setting;

typedef struct gomem_buildinfo {
	const char *go_version;         /* "go1.19.8" */
	const char *path;               /* main package path; "" when absent */
	bool has_main;                  /* a "mod" line was there */
	gomem_buildinfo_module main;
	const gomem_buildinfo_module *deps;
	size_t ndeps;
	const gomem_buildinfo_setting *settings;
	size_t nsettings;
	const char *modinfo;            /* the module text without its sentinels; "" if none */
} gomem_buildinfo;

/* Reads BIN's build info. GOMEM_E_NOTFOUND when BIN is not a Go binary (no
 * build info blob), GOMEM_E_FORMAT (with the byte offset) when the blob or
 * the module text is malformed, as `go version -m` would refuse it; the
 * detail is on gomem_binary_error(BIN). */
GOMEM_API int gomem_buildinfo_read(gomem_buildinfo **out, gomem_binary *bin);
/* Parses a .go.buildinfo section's bytes (Go 1.18+ layout, strings inline)
 * given as DATA/LEN; NAME labels errors. For tests and fuzzing. */
GOMEM_API int gomem_buildinfo_from_buffer(gomem_buildinfo **out, const void *data, size_t len,
					  const char *name, gomem_error *err);
GOMEM_API void gomem_buildinfo_free(gomem_buildinfo *bi);
/* The value of build setting KEY ("GOARCH", "-ldflags", "vcs.revision"),
 * or NULL when it is not set. */
GOMEM_API const char *gomem_buildinfo_setting_value(const gomem_buildinfo *bi, const char *key);
/* Writes what `go version -m FILE` prints for BI, byte for byte: "FILE:
 * VERSION" then the module lines, tab-indented. GOMEM_E_IO on a write error. */
GOMEM_API int gomem_buildinfo_write_text(const gomem_buildinfo *bi, const char *file, FILE *fp);

#ifdef __cplusplus
}
#endif
#endif
