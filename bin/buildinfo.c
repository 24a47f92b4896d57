/* SPDX-License-Identifier: Apache-2.0 */
/* gomem buildinfo — scaffold: to be written. */
#include <stdio.h>

int main(void)
{
	fputs("gomem buildinfo: not written yet\n", stderr);
	return 2;
}
