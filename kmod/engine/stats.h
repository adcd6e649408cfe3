/* SPDX-License-Identifier: GPL-2.0-only */
/* Engine-wide per-CPU counters, indexed by enum crosslat_stat (uapi). */
#ifndef _CROSSLAT_STATS_H
#define _CROSSLAT_STATS_H

#include <linux/types.h>
#include <uapi/linux/crosslat.h>

int crosslat_stats_init(void);
void crosslat_stats_uninit(void);
void crosslat_stats_inc(enum crosslat_stat stat);
u64 crosslat_stats_read(enum crosslat_stat stat);
const char *crosslat_stats_name(enum crosslat_stat stat);

#endif /* _CROSSLAT_STATS_H */
