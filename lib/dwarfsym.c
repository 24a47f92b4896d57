/* SPDX-License-Identifier: Apache-2.0 */
/* dwarfsym.c — scaffold: to be written. */
#include "gomem-internal.h"

typedef int gomem_scaffold_dwarfsym;
