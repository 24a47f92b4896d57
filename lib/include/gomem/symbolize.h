/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/symbolize.h — scaffold: to be written. */
#ifndef GOMEM_SYMBOLIZE_H
#define GOMEM_SYMBOLIZE_H

#include "gomem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
