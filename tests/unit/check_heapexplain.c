/* SPDX-License-Identifier: Apache-2.0 */
/* check_heapexplain.c — the heapexplain module's unit tests (scaffold: to be written). */
#include <check.h>

#include "suites.h"

Suite *suite_heapexplain(void)
{
	return suite_create("heapexplain");
}
