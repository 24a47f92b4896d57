/* SPDX-License-Identifier: Apache-2.0 */
/* check_layout.c — the layout module's unit tests (scaffold: to be written). */
#include <check.h>

#include "suites.h"

Suite *suite_layout(void)
{
	return suite_create("layout");
}
