/* SPDX-License-Identifier: Apache-2.0 */
/* check_binary.c — the binary module's unit tests (scaffold: to be written). */
#include <check.h>

#include "suites.h"

Suite *suite_binary(void)
{
	return suite_create("binary");
}
