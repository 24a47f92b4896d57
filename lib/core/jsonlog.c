/* SPDX-License-Identifier: Apache-2.0 */
/* jsonlog.c — the message of a JSON log line (zap, logrus, slog, docker's
 * json-file, a CRI shipper's re-encoding): where a text reader (gctrace,
 * schedtrace) finds the runtime's line when a logging stack wrapped it.
 * Only the message string is decoded; the object is not validated. */
#include <string.h>

#include "gomem-internal.h"

/* Unescapes the JSON string starting after its opening quote at S into
 * OUT (at most GOMEM_JSON_LOG_MAX bytes; the rest is dropped). */
static size_t json_unescape(const char *s, const char *end, char *out)
{
	size_t len = 0;

	while (s < end && *s != '"' && len < GOMEM_JSON_LOG_MAX) {
		char c = *s++;

		if (c == '\\' && s < end) {
			c = *s++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				int v = 0;

				for (int k = 0; k < 4; k++) {
					int h = s < end ? gomem_hex_value((unsigned char)*s) : -1;

					if (h < 0)
						return len;
					v = v * 16 + h;
					s++;
				}
				c = v < 0x80 ? (char)v : '?'; /* a runtime line holds nothing past ASCII */
				break;
			}
			default: break; /* \" \\ \/ */
			}
		}
		out[len++] = c;
	}
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		len--;
	return len;
}

static const char *skip_blanks(const char *v, const char *end)
{
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	return v;
}

long gomem_json_log_message(const char *s, size_t n, char *out)
{
	static const char *const keys[] = {"\"msg\"", "\"message\"", "\"log\""};
	const char *end = s + n;

	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(keys); k++) {
		size_t kl = strlen(keys[k]);

		for (const char *p = s; p + kl <= end; p++) {
			const char *v;

			if ((p = memchr(p, '"', (size_t)(end - p))) == NULL || p + kl > end)
				break;
			if (memcmp(p, keys[k], kl) != 0)
				continue;
			v = skip_blanks(p + kl, end);
			if (v >= end || *v != ':')
				continue;
			v = skip_blanks(v + 1, end);
			if (v < end && *v == '"')
				return (long)json_unescape(v + 1, end, out);
		}
	}
	return -1;
}

bool gomem_json_log_line(const char *s, size_t n)
{
	const char *v = skip_blanks(s, s + n);

	return v < s + n && *v == '{';
}
