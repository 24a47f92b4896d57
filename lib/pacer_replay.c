/* SPDX-License-Identifier: Apache-2.0 */
/* pacer_replay.c — scaffold: to be written. */
#include "gomem-internal.h"

typedef int gomem_scaffold_pacer_replay;
