/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/alloc.h — scaffold: to be written. */
#ifndef GOMEM_ALLOC_H
#define GOMEM_ALLOC_H

#include "gomem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
