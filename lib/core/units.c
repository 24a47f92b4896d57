/* SPDX-License-Identifier: Apache-2.0 */
/* units.c — human units for the text table, and the parsers behind every
 * size and duration option. Numbers are formatted with integer arithmetic
 * and parsed by hand, never through printf("%f") or strtod: a frontend that
 * calls setlocale() (ncurses wants one) must not start printing "1,50MiB"
 * or rejecting "1.5GB". */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gomem-internal.h"

/* An empty string where there is room for one: a failed call leaves no
 * half-written text behind. */
static void clear(char *buf, size_t size)
{
	if (buf != NULL && size > 0)
		buf[0] = '\0';
}

/* Copies the formatted text into BUF, or fails without writing past it. */
static int emit(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int emit(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (buf == NULL || size == 0)
		return GOMEM_E_INVALID;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		clear(buf, size);
		return GOMEM_E_INVALID;
	}
	return n;
}

/* X rounded half up to an integer; X is known to be in [0, 2^63). */
static uint64_t round_u64(double x)
{
	return (uint64_t)(x + 0.5);
}

/* Writes V (>= 0) with three significant digits ("1.50", "12.3", "123") into
 * OUT, unless rounding takes its integer part to LIMIT or past it: then it
 * belongs in the next unit and the answer is 0. From 1000 up to LIMIT the
 * integer is written whole ("1023"), like ls -h. */
static int sig3(char *out, size_t size, double v, unsigned limit)
{
	uint64_t r;

	if (v * 100 < 999.5) {
		r = round_u64(v * 100);
		return emit(out, size, "%u.%02u", (unsigned)(r / 100), (unsigned)(r % 100));
	}
	if (v * 10 < 999.5) {
		r = round_u64(v * 10);
		if (r / 10 >= limit)
			return 0;
		return emit(out, size, "%u.%u", (unsigned)(r / 10), (unsigned)(r % 10));
	}
	if (v >= limit)
		return 0;
	r = round_u64(v);
	if (r >= limit)
		return 0;
	return emit(out, size, "%u", (unsigned)r);
}

int gomem_format_bytes(char *buf, size_t size, int64_t bytes, int sign)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	const char *prefix = "";
	char num[16];
	uint64_t mag = (uint64_t)bytes;
	double v;

	if (bytes < 0) {
		/* Unsigned negation: INT64_MIN has no positive int64. */
		mag = (uint64_t)0 - (uint64_t)bytes;
		prefix = "-";
	} else if (bytes > 0 && sign) {
		prefix = "+";
	}
	if (mag < 1024)
		return emit(buf, size, "%s%" PRIu64 "B", prefix, mag);
	v = (double)mag;
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(units); i++) {
		v /= 1024;
		if (sig3(num, sizeof(num), v, 1024) > 0)
			return emit(buf, size, "%s%s%s", prefix, num, units[i]);
	}
	/* Not reached: 2^63 bytes is 8EiB. */
	return emit(buf, size, "%s%.0fEiB", prefix, v);
}

/* Minutes and seconds below an hour ("2m30s"), hours and minutes above
 * ("1h2m"): the precision people want for a long interval. */
static int format_long_duration(char *buf, size_t size, const char *prefix, double v)
{
	uint64_t s, m;

	if (v < 3600) {
		s = round_u64(v);
		if (s < 3600)
			return emit(buf, size, "%s%um%us", prefix, (unsigned)(s / 60),
				    (unsigned)(s % 60));
	}
	if (v / 60 >= 9.2e18) {
		clear(buf, size);
		return GOMEM_E_INVALID;
	}
	m = round_u64(v / 60);
	return emit(buf, size, "%s%" PRIu64 "h%um", prefix, m / 60, (unsigned)(m % 60));
}

int gomem_format_duration(char *buf, size_t size, double seconds)
{
	static const struct {
		const char *name;
		double scale; /* units per second */
		unsigned limit;
	} units[] = {
		{"ns", 1e9, 1000}, {"us", 1e6, 1000}, {"ms", 1e3, 1000}, {"s", 1, 60},
	};
	const char *prefix = seconds < 0 ? "-" : "";
	double v = seconds < 0 ? -seconds : seconds;
	char num[16];

	if (isnan(seconds) || isinf(seconds)) {
		clear(buf, size);
		return GOMEM_E_INVALID;
	}
	if (v == 0)
		return emit(buf, size, "0s");
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(units); i++)
		if (sig3(num, sizeof(num), v * units[i].scale, units[i].limit) > 0)
			return emit(buf, size, "%s%s%s", prefix, num, units[i].name);
	return format_long_duration(buf, size, prefix, v);
}

/* ---- parsing --------------------------------------------------------------- */

/* A non-negative decimal as written: an integer part and a fraction
 * FRAC / FSCALE. Fraction digits past the eighteenth are dropped: they are
 * below a byte even for EiB. */
struct decimal {
	uint64_t ip;
	uint64_t frac;
	uint64_t fscale;
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parses "12", "12.5", ".5" or "5." at S; returns the end, or NULL when
 * there is no digit or the integer part overflows. */
static const char *parse_decimal(const char *s, struct decimal *d)
{
	int any = 0;

	d->ip = 0;
	d->frac = 0;
	d->fscale = 1;
	for (; is_digit(*s); s++, any = 1) {
		unsigned dig = (unsigned)(*s - '0');

		if (d->ip > (UINT64_MAX - dig) / 10)
			return NULL;
		d->ip = d->ip * 10 + dig;
	}
	if (*s == '.') {
		for (s++; is_digit(*s); s++, any = 1) {
			if (d->fscale >= UINT64_C(1000000000000000000))
				continue;
			d->frac = d->frac * 10 + (unsigned)(*s - '0');
			d->fscale *= 10;
		}
	}
	return any ? s : NULL;
}

/* FRAC/FSCALE * BASE^EXP rounded to the nearest integer, by long division so
 * that nothing overflows (the remainder stays below FSCALE <= 10^18). */
static uint64_t scale_fraction(uint64_t frac, uint64_t fscale, unsigned base, unsigned exp)
{
	uint64_t q = 0, r = frac;

	for (unsigned i = 0; i < exp; i++) {
		r *= base;
		q = q * base + r / fscale;
		r %= fscale;
	}
	if (r >= fscale - r)
		q++;
	return q;
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ASCII only on purpose: in a Turkish locale tolower('I') is not 'i'. */
static int ascii_caseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (ascii_lower(*a) != ascii_lower(*b))
			return 0;
	return *a == *b;
}

int gomem_parse_size(uint64_t *out, const char *s)
{
	static const struct {
		const char *suffix;
		unsigned base, exp;
	} suffixes[] = {
		{"", 2, 0},    {"b", 2, 0},
		{"k", 2, 10},  {"kib", 2, 10}, {"kb", 10, 3},
		{"m", 2, 20},  {"mib", 2, 20}, {"mb", 10, 6},
		{"g", 2, 30},  {"gib", 2, 30}, {"gb", 10, 9},
		{"t", 2, 40},  {"tib", 2, 40}, {"tb", 10, 12},
		{"p", 2, 50},  {"pib", 2, 50}, {"pb", 10, 15},
		{"e", 2, 60},  {"eib", 2, 60}, {"eb", 10, 18},
	};
	struct decimal d;
	const char *end;
	uint64_t mult = 1, v, f;
	size_t i;

	if (out == NULL || s == NULL || (end = parse_decimal(s, &d)) == NULL)
		return GOMEM_E_INVALID;
	for (i = 0; i < GOMEM_ARRAY_SIZE(suffixes); i++)
		if (ascii_caseeq(end, suffixes[i].suffix))
			break;
	if (i == GOMEM_ARRAY_SIZE(suffixes))
		return GOMEM_E_INVALID;
	for (unsigned k = 0; k < suffixes[i].exp; k++)
		mult *= suffixes[i].base;
	if (d.ip > UINT64_MAX / mult)
		return GOMEM_E_INVALID;
	v = d.ip * mult;
	f = scale_fraction(d.frac, d.fscale, suffixes[i].base, suffixes[i].exp);
	if (v > UINT64_MAX - f)
		return GOMEM_E_INVALID;
	*out = v + f;
	return GOMEM_OK;
}

/* Go's time.ParseDuration units, "µs" in both of its spellings included. */
static const struct {
	const char *name;
	double mul, div; /* seconds = value * mul / div */
} duration_units[] = {
	{"ns", 1, 1e9}, {"us", 1, 1e6}, {"\xc2\xb5s", 1, 1e6}, {"\xce\xbcs", 1, 1e6},
	{"ms", 1, 1e3}, {"s", 1, 1},    {"m", 60, 1},          {"h", 3600, 1},
};

/* Matches the unit at S, ending at the next digit, '.' or the end. */
static int match_duration_unit(const char *s, const char **end)
{
	size_t n = 0;

	while (s[n] && !is_digit(s[n]) && s[n] != '.')
		n++;
	*end = s + n;
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(duration_units); i++)
		if (strlen(duration_units[i].name) == n && memcmp(s, duration_units[i].name, n) == 0)
			return (int)i;
	return -1;
}

int gomem_parse_duration(double *out, const char *s)
{
	double total = 0;
	const char *p = s;

	if (out == NULL || s == NULL || *s == '\0')
		return GOMEM_E_INVALID;
	while (*p) {
		struct decimal d;
		const char *end;
		double x;
		int u;

		if ((end = parse_decimal(p, &d)) == NULL)
			return GOMEM_E_INVALID;
		x = (double)d.ip + (double)d.frac / (double)d.fscale;
		if (*end == '\0' && p == s) {
			total = x; /* a bare number is seconds */
			break;
		}
		if ((u = match_duration_unit(end, &p)) < 0)
			return GOMEM_E_INVALID;
		/* Dividing by the exact 1e3/1e6/1e9 keeps "250ms" exactly 0.25. */
		total += x * duration_units[u].mul / duration_units[u].div;
	}
	if (isinf(total))
		return GOMEM_E_INVALID;
	*out = total;
	return GOMEM_OK;
}

long gomem_duration_ms(double seconds, long max_ms)
{
	double ms = ceil(seconds * 1000);

	if (!(ms > 0) || max_ms <= 0)
		return 0; /* NaN lands here too */
	return ms >= (double)max_ms ? max_ms : (long)ms;
}

int gomem_parse_number(double *out, const char *s)
{
	struct decimal d;
	const char *end;

	if (out == NULL || s == NULL || (end = parse_decimal(s, &d)) == NULL || *end != '\0')
		return GOMEM_E_INVALID;
	*out = (double)d.ip + (double)d.frac / (double)d.fscale;
	return GOMEM_OK;
}
