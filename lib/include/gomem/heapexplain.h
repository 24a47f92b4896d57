/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/heapexplain.h — scaffold: to be written. */
#ifndef GOMEM_HEAPEXPLAIN_H
#define GOMEM_HEAPEXPLAIN_H

#include "gomem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
