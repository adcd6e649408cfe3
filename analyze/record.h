/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The neutral event record the analyzer's portable core consumes: a name, a timestamp and
 * typed access to payload fields by name. bt_source.c makes them from libbabeltrace2
 * messages, the unit tests from arrays; nothing here depends on babeltrace.
 */
#ifndef _CROSSLAT_RECORD_H
#define _CROSSLAT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Field accessors of one record. A name is looked up in the payload, then in the event's
 * context fields (those LTTng adds with `lttng add-context`, e.g. vtid); payload fields win.
 * Each returns 0, -ENOENT when there is no field of that name, or -EINVAL when the field's
 * type does not fit the request.
 *   u64:   an unsigned integer, or a signed one >= 0
 *   s64:   a signed integer, or an unsigned one <= INT64_MAX
 *   str:   a string; *s stays valid while the record is
 *   bytes: an array of unsigned integers each < 256 (copies min(length, cap) of them),
 *          or a string (its bytes without the NUL); *len is the field's full length
 *   u64s:  an array of unsigned integers (copies min(length, cap) of them); *len is the
 *          field's full length
 */
struct crosslat_record_ops {
	int (*u64)(const void *fields, const char *name, uint64_t *v);
	int (*s64)(const void *fields, const char *name, int64_t *v);
	int (*str)(const void *fields, const char *name, const char **s);
	int (*bytes)(const void *fields, const char *name, uint8_t *buf, size_t cap,
		     size_t *len);
	int (*u64s)(const void *fields, const char *name, uint64_t *buf, size_t cap,
		    size_t *len);
};

/* One event; valid only during the callback that receives it. */
struct crosslat_record {
	const char *name;	/* event class name, e.g. "crosslat_rtt_alert" */
	int64_t ts_ns;		/* default clock, ns from its origin (has_ts) */
	bool has_ts;
	uint32_t trace;		/* index of the trace it came from (crosslat_trace_info) */
	const struct crosslat_record_ops *ops;
	const void *fields;	/* the ops' handle on the payload */
};

/* What the reader learnt about one trace (one directory holding a metadata file). */
struct crosslat_trace_info {
	const char *path;	/* as found under the command-line argument */
	char *hostname;		/* trace environment "hostname", or NULL */
	char *domain;		/* trace environment "domain" ("kernel", "ust"), or NULL */
	uint64_t streams;
	uint64_t events;
	uint64_t discarded_events;	/* reported lost by the tracer (ring buffer full) */
	uint64_t discarded_packets;
	bool unix_epoch;	/* every clock of the trace counts from 1970-01-01 UTC */
	/*
	 * The trace time (ns from its clock's origin) of CLOCK_MONOTONIC 0, from the offset of
	 * the trace's clock when it is LTTng's "monotonic" (kernel and UST): a CLOCK_MONOTONIC
	 * value v of the traced host (the span events' start_ns) is at trace time
	 * mono_offset_ns + v. Not known (has_mono_offset false) for another clock, or when
	 * the trace's streams disagree.
	 */
	int64_t mono_offset_ns;
	bool has_mono_offset;
};

static inline int crosslat_record_u64(const struct crosslat_record *r, const char *name,
				      uint64_t *v)
{
	return r->ops->u64(r->fields, name, v);
}

static inline int crosslat_record_s64(const struct crosslat_record *r, const char *name,
				      int64_t *v)
{
	return r->ops->s64(r->fields, name, v);
}

static inline int crosslat_record_str(const struct crosslat_record *r, const char *name,
				      const char **s)
{
	return r->ops->str(r->fields, name, s);
}

static inline int crosslat_record_bytes(const struct crosslat_record *r, const char *name,
					uint8_t *buf, size_t cap, size_t *len)
{
	return r->ops->bytes(r->fields, name, buf, cap, len);
}

static inline int crosslat_record_u64s(const struct crosslat_record *r, const char *name,
				       uint64_t *buf, size_t cap, size_t *len)
{
	return r->ops->u64s(r->fields, name, buf, cap, len);
}

/* The field as an unsigned integer, or dflt when it is missing or not one. */
static inline uint64_t crosslat_record_u64_or(const struct crosslat_record *r,
					      const char *name, uint64_t dflt)
{
	uint64_t v;

	return crosslat_record_u64(r, name, &v) ? dflt : v;
}

#endif /* _CROSSLAT_RECORD_H */
