/* SPDX-License-Identifier: GPL-2.0-only */
/* What the report's files share: chart geometry and drawing helpers (not an API). */
#ifndef _CROSSLAT_REPORT_DRAW_H
#define _CROSSLAT_REPORT_DRAW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "svg.h"

struct crosslat_report;

/* Chart sizes (viewBox pixels; CSS scales them down to a narrower page). */
#define CHART_W		960
#define CDF_H		400
#define CDF_LEFT	70
#define CDF_TOP		44	/* the legend above it */
#define CDF_LEGEND_W	260	/* an entry's width */
#define CDF_BOTTOM	(CDF_H - 60)
#define CDF_RIGHT	(CHART_W - 20)

static inline double ms(uint64_t ns)
{
	return ns / 1e6;
}

/* A section's heading and its note (our own text: not escaped). */
void crosslat_report_section(FILE *f, const char *title, const char *note);

/* The step function of n ascending latencies: at each, the share at or below it rises. */
void crosslat_report_cdf_line(FILE *f, const struct crosslat_scale *x,
			      const struct crosslat_scale *y, const uint64_t *lat, size_t n,
			      const char *cls);

/* report_net.c: per-hop latency CDFs (crosslat_pkt), RTT over time per flow (crosslat_rtt). */
int crosslat_report_net(FILE *f, const struct crosslat_report *r);

#endif /* _CROSSLAT_REPORT_DRAW_H */
