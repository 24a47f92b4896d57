/* SPDX-License-Identifier: Apache-2.0 */
/* check_pacer.c — the pacer module's unit tests (scaffold: to be written). */
#include <check.h>

#include "suites.h"

Suite *suite_pacer(void)
{
	return suite_create("pacer");
}
