/* SPDX-License-Identifier: Apache-2.0 */
/* gc_types.c — placeholder until type inference lands. */
#include <stdlib.h>

#include "gc-internal.h"

int gc_types_infer(gomem_gc *g, gomem_error *err)
{
	(void)g;
	(void)err;
	return GOMEM_OK;
}

void gc_types_free(struct gc_types *t)
{
	gomem_strpool_free(&t->names);
	free(t->types), free(t->fields), free(t->obj_type), free(t->obj_count);
}

const char *gc_field_name(const gomem_gc *g, uint32_t obj, uint32_t word, char *buf, size_t size)
{
	(void)g, (void)obj, (void)word, (void)buf, (void)size;
	return NULL;
}
