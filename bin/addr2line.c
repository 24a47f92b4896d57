/* SPDX-License-Identifier: Apache-2.0 */
/* gomem addr2line — scaffold: to be written. */
#include <stdio.h>

int main(void)
{
	fputs("gomem addr2line: not written yet\n", stderr);
	return 2;
}
