/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reads CTF traces with libbabeltrace2: one src.ctf.fs component per trace directory, all
 * merged in time order by flt.utils.muxer into a simple sink of ours that turns each event
 * message into a struct crosslat_record. Callers see no babeltrace type.
 */
#ifndef _CROSSLAT_BT_SOURCE_H
#define _CROSSLAT_BT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct crosslat_bt_source;
struct crosslat_record;
struct crosslat_trace_info;

/* Called for every event in time order; a negative return stops the run with that value. */
typedef int (*crosslat_record_fn)(const struct crosslat_record *r, void *arg);

/*
 * Builds the graph over the n trace directories dirs[] (record.trace is the index in dirs).
 * shift_ns (NULL: none) moves each trace's clocks by that many ns (src.ctf.fs's
 * clock-class-offset-ns): the times of all its events, and their order among the traces'.
 * Returns 0, or -ENOENT when a babeltrace2 plugin is missing, -ENOMEM, -EIO (a directory is
 * not a readable CTF trace); the reason is printed on stderr.
 */
int crosslat_bt_source_create(const char *const *dirs, size_t n, const int64_t *shift_ns,
			      struct crosslat_bt_source **out);

/*
 * Reads every event, calling fn(record, arg). Only once per source. Returns 0, fn's
 * negative value, -ENOMEM, or -EIO after printing babeltrace's reasons on stderr.
 */
int crosslat_bt_source_run(struct crosslat_bt_source *src, crosslat_record_fn fn, void *arg);

/* What was learnt about each trace (streams, events, losses), one per directory. */
const struct crosslat_trace_info *crosslat_bt_source_traces(const struct crosslat_bt_source *src,
							    size_t *nr);

void crosslat_bt_source_destroy(struct crosslat_bt_source *src);

#endif /* _CROSSLAT_BT_SOURCE_H */
