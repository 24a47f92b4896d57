/* SPDX-License-Identifier: Apache-2.0 */
/* gomem sizeclass — scaffold: to be written. */
#include <stdio.h>

int main(void)
{
	fputs("gomem sizeclass: not written yet\n", stderr);
	return 2;
}
