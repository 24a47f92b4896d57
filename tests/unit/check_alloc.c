/* SPDX-License-Identifier: Apache-2.0 */
/* check_alloc.c — the alloc module's unit tests (scaffold: to be written). */
#include <check.h>

#include "suites.h"

Suite *suite_alloc(void)
{
	return suite_create("alloc");
}
