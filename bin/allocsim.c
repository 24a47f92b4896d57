/* SPDX-License-Identifier: Apache-2.0 */
/* gomem allocsim — scaffold: to be written. */
#include <stdio.h>

int main(void)
{
	fputs("gomem allocsim: not written yet\n", stderr);
	return 2;
}
