/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/layout.h — scaffold: to be written. */
#ifndef GOMEM_LAYOUT_H
#define GOMEM_LAYOUT_H

#include "gomem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
