/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verdicts of a run as one self-contained HTML page (no script, font, stylesheet or
 * image from elsewhere: inline CSS and SVG), to read offline or attach to a ticket: the
 * run's culprits, the requests' latency CDF beside the baseline's, the slow requests' time
 * above the baseline per domain, the tables of `verdicts`, and the network's own view: the
 * latency CDF of each hop crosslat_pkt timed, each flow's smoothed RTT over time. Every string from the traces
 * (services, span names, paths, hostnames) is escaped.
 */
#ifndef _CROSSLAT_REPORT_H
#define _CROSSLAT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct crosslat_flows;
struct crosslat_hops;
struct crosslat_trace_info;
struct crosslat_verdicts;

/* Slow requests drawn in the bar chart by default, slowest first (the tables have all). */
#define CROSSLAT_REPORT_BARS	50

struct crosslat_report {
	const struct crosslat_verdicts *v;	/* the judged traces' requests */
	/*
	 * the baseline's own requests (e.g. its verdicts against itself), for its CDF; NULL
	 * when the baseline is the judged traces
	 */
	const struct crosslat_verdicts *base;
	const char *baseline;		/* the baseline's name (its path), or NULL */
	const struct crosslat_trace_info *traces;	/* the judged traces, listed */
	size_t nr_traces;
	bool unix_epoch;		/* request times are Unix time: shown as UTC */
	size_t max_bars;		/* 0: CROSSLAT_REPORT_BARS */
	const struct crosslat_hops *hops;	/* crosslat_pkt's (finished), or NULL */
	const struct crosslat_flows *flows;	/* crosslat_rtt's, or NULL */
};

/* Hops and flows drawn at most, those with the most segments and the highest RTT. */
#define CROSSLAT_REPORT_SERIES	6

/* Writes the page to f. Returns 0, -ENOMEM, or -EIO when f reports an error. */
int crosslat_report_write(FILE *f, const struct crosslat_report *r);

#endif /* _CROSSLAT_REPORT_H */
