/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/common.h — export macro and version of libgomem. */
#ifndef GOMEM_COMMON_H
#define GOMEM_COMMON_H

#if defined(GOMEM_BUILDING_LIBRARY) && defined(__GNUC__)
#define GOMEM_API __attribute__((visibility("default")))
#else
#define GOMEM_API
#endif

/* Lets the compiler check a printf-like call's arguments. */
#if defined(__GNUC__)
#define GOMEM_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define GOMEM_PRINTF(fmt, args)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version string, e.g. "0.1.0". */
GOMEM_API const char *gomem_version(void);

#ifdef __cplusplus
}
#endif
#endif
