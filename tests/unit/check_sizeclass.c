/* SPDX-License-Identifier: Apache-2.0 */
/* check_sizeclass.c — the sizeclass module's unit tests (scaffold: to be written). */
#include <check.h>

#include "suites.h"

Suite *suite_sizeclass(void)
{
	return suite_create("sizeclass");
}
