/* SPDX-License-Identifier: Apache-2.0 */
/* gomem heap — scaffold: to be written. */
#include <stdio.h>

int main(void)
{
	fputs("gomem heap: not written yet\n", stderr);
	return 2;
}
