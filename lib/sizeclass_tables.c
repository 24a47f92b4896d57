/* SPDX-License-Identifier: Apache-2.0 */
/* sizeclass_tables.c — scaffold: to be written. */
#include "gomem-internal.h"

typedef int gomem_scaffold_sizeclass_tables;
