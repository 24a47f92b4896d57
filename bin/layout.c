/* SPDX-License-Identifier: Apache-2.0 */
/* gomem layout — scaffold: to be written. */
#include <stdio.h>

int main(void)
{
	fputs("gomem layout: not written yet\n", stderr);
	return 2;
}
