/* SPDX-License-Identifier: Apache-2.0 */
/* heapexplain.c — scaffold: to be written. */
#include "gomem-internal.h"

typedef int gomem_scaffold_heapexplain;
