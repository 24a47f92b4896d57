/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/buildinfo.h — scaffold: to be written. */
#ifndef GOMEM_BUILDINFO_H
#define GOMEM_BUILDINFO_H

#include "gomem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
