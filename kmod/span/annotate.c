// SPDX-License-Identifier: GPL-2.0-only
/* The events of a span that ended above its threshold (process context, span owned). */
#include "span.h"
#include "crosslat_span_trace.h"

void span_annotate(const struct span_thread *st, u64 end_ns, u32 status)
{
	const struct span_stack *s = &st->longest;
	unsigned int i;

	trace_crosslat_span_annotate(st, end_ns, status);
	for (i = 0; i < st->n_rec; i++)
		trace_crosslat_span_syscall(st, &st->rec[i]);
	if (!st->has_longest)
		return;
	if (s->n_kernel)
		trace_crosslat_span_stack(st, s, 1);
	if (s->n_user)
		trace_crosslat_span_stack(st, s, 0);
}
