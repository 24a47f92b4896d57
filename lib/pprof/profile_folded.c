/* SPDX-License-Identifier: Apache-2.0 */
/* profile_folded.c — profiles as collapsed stacks ("root;...;leaf value"),
 * the input of flame-graph tools: the folding of one sample (shared with
 * heapdiff's differential output) and a whole profile summed by stack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

int gomem_profile_fold_sample(gomem_buf *b, const gomem_profile *p, size_t s)
{
	size_t n;
	const uint32_t *locs = gomem_profile_sample_locations(p, s, &n);
	int rc = GOMEM_OK;

	b->len = 0;
	for (size_t i = n; i-- > 0 && rc == GOMEM_OK;) {
		size_t nl = gomem_profile_location_line_count(p, locs[i]);

		for (size_t j = nl ? nl : 1; j-- > 0 && rc == GOMEM_OK;) {
			int64_t line, fn = nl ? gomem_profile_location_line(p, locs[i], j, &line) : -1;

			if (b->len)
				rc = gomem_buf_append(b, ";", 1);
			if (rc)
				break;
			if (fn >= 0 && gomem_profile_function_name(p, (size_t)fn)[0])
				rc = gomem_buf_printf(b, "%s", gomem_profile_function_name(p, (size_t)fn));
			else
				rc = gomem_buf_printf(b, "0x%llx", (unsigned long long)
						      gomem_profile_location_address(p, locs[i]));
		}
	}
	return rc;
}

static int cmp_stack(const void *a, const void *b, void *pool)
{
	return strcmp(gomem_strpool_get(pool, *(const uint32_t *)a), gomem_strpool_get(pool, *(const uint32_t *)b));
}

int gomem_profile_write_folded(const gomem_profile *p, size_t vi, FILE *fp, gomem_error *err)
{
	gomem_strpool stacks;
	gomem_buf line;
	int64_t *sum = NULL;
	uint32_t *order = NULL;
	size_t nsum = 0, cap = 0;
	int rc = GOMEM_OK;

	gomem_strpool_init(&stacks);
	gomem_buf_init(&line, (size_t)64 << 20);
	for (size_t s = 0; s < gomem_profile_sample_count(p) && rc == GOMEM_OK; s++) {
		int64_t v = gomem_profile_sample_values(p, s)[vi];
		uint32_t id;

		if (v == 0 || (rc = gomem_profile_fold_sample(&line, p, s)) != GOMEM_OK || line.len == 0)
			continue; /* no stack: nothing a flame graph could draw */
		if ((rc = gomem_strpool_intern(&stacks, line.data, line.len, &id)) != GOMEM_OK)
			break;
		if (id >= nsum) {
			if ((rc = GOMEM_GROW(sum, cap, (size_t)id + 1, GOMEM_PROFILE_MAX_ITEMS)) != GOMEM_OK)
				break;
			for (; nsum <= id; nsum++)
				sum[nsum] = 0;
		}
		sum[id] += v;
	}
	if (rc == GOMEM_OK && (order = malloc((nsum + 1) * sizeof(*order))) == NULL)
		rc = GOMEM_E_NOMEM;
	for (size_t i = 0; rc == GOMEM_OK && i < nsum; i++)
		order[i] = (uint32_t)i;
	if (rc == GOMEM_OK && gomem_sort(order, nsum, sizeof(*order), cmp_stack, &stacks) != GOMEM_OK)
		rc = GOMEM_E_NOMEM;
	for (size_t k = 0; rc == GOMEM_OK && k < nsum; k++)
		fprintf(fp, "%s %lld\n", gomem_strpool_get(&stacks, order[k]), (long long)sum[order[k]]);
	if (rc == GOMEM_OK && ferror(fp))
		rc = GOMEM_E_IO;
	free(order);
	free(sum);
	gomem_strpool_free(&stacks);
	gomem_buf_free(&line);
	if (rc != GOMEM_OK)
		return gomem_error_set(err, rc, "writing folded stacks: %s", gomem_strerror(rc));
	return GOMEM_OK;
}
