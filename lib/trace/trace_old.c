/* SPDX-License-Identifier: Apache-2.0 */
/* trace_old.c — placeholder until the old format lands. */
#include "trace-internal.h"

int tr_old_parse(struct tr_old **out, const uint8_t *data, size_t len, uint64_t base, int minor,
		 size_t max_bytes, gomem_error *err)
{
	(void)data; (void)len; (void)max_bytes;
	*out = NULL;
	return gomem_error_at_byte(err, GOMEM_E_UNSUPPORTED, base, "go 1.%d traces: not yet", minor);
}

int tr_old_next(struct tr_old *o, struct tr_ev *ev) { (void)o; (void)ev; return 0; }
struct tr_table *tr_old_table(struct tr_old *o) { (void)o; return NULL; }
void tr_old_free(struct tr_old *o) { (void)o; }
