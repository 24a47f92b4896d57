/* SPDX-License-Identifier: Apache-2.0 */
/* error.c — error codes and the first-error-wins detail record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

const char *gomem_version(void)
{
	return GOMEM_VERSION_STRING;
}

const char *gomem_strerror(int code)
{
	switch (code) {
	case GOMEM_OK: return "success";
	case GOMEM_E_NOMEM: return "out of memory";
	case GOMEM_E_IO: return "input/output error";
	case GOMEM_E_FORMAT: return "malformed input";
	case GOMEM_E_TRUNCATED: return "input is truncated";
	case GOMEM_E_LIMIT: return "size limit exceeded";
	case GOMEM_E_INVALID: return "invalid argument";
	case GOMEM_E_NOTFOUND: return "not found";
	case GOMEM_E_NETWORK: return "network error";
	case GOMEM_E_UNSUPPORTED: return "unsupported format";
	}
	return "unknown error";
}

int gomem_error_setv(gomem_error *err, int code, const char *fmt, va_list ap)
{
	if (err == NULL || err->code != GOMEM_OK)
		return code;
	err->code = code;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	return code;
}

int gomem_error_set(gomem_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gomem_error_setv(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int gomem_error_at_line(gomem_error *err, int code, uint64_t line, uint64_t col,
			const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err->code != GOMEM_OK)
		return code;
	va_start(ap, fmt);
	gomem_error_setv(err, code, fmt, ap);
	va_end(ap);
	err->line = line;
	err->column = col;
	return code;
}

int gomem_error_at_byte(gomem_error *err, int code, uint64_t offset, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err->code != GOMEM_OK)
		return code;
	va_start(ap, fmt);
	gomem_error_setv(err, code, fmt, ap);
	va_end(ap);
	err->offset = offset;
	err->has_offset = 1;
	return code;
}

void gomem_error_set_source(gomem_error *err, const char *name)
{
	if (err == NULL)
		return;
	snprintf(err->source, sizeof(err->source), "%s", name ? name : "");
}

void gomem_free(void *ptr)
{
	free(ptr);
}

void gomem_error_clear(gomem_error *err)
{
	if (err != NULL)
		memset(err, 0, sizeof(*err));
}

void gomem_error_copy(gomem_error *dst, const gomem_error *src)
{
	if (dst == NULL || src == NULL || dst->code != GOMEM_OK || src->code == GOMEM_OK)
		return;
	*dst = *src;
}

int gomem_error_format(char *buf, size_t size, const gomem_error *err)
{
	const char *src = err->source[0] ? err->source : NULL;
	const char *msg = err->message[0] ? err->message : gomem_strerror(err->code);

	if (src && err->line > 0 && err->column > 0)
		return snprintf(buf, size, "%s:%llu:%llu: %s", src, (unsigned long long)err->line,
				(unsigned long long)err->column, msg);
	if (src && err->line > 0)
		return snprintf(buf, size, "%s:%llu: %s", src, (unsigned long long)err->line, msg);
	if (src && err->has_offset)
		return snprintf(buf, size, "%s: byte %llu: %s", src,
				(unsigned long long)err->offset, msg);
	if (src)
		return snprintf(buf, size, "%s: %s", src, msg);
	return snprintf(buf, size, "%s", msg);
}
