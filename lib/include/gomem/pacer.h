/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/pacer.h — scaffold: to be written. */
#ifndef GOMEM_PACER_H
#define GOMEM_PACER_H

#include "gomem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
