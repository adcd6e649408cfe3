// SPDX-License-Identifier: GPL-2.0-only
/*
 * The report's network charts: the latency CDF of each hop crosslat_pkt timed (a pod's port
 * to the NIC and back, per host), and each flow's smoothed RTT over time from crosslat_rtt's
 * flow_stats and alerts. Each draws at most CROSSLAT_REPORT_SERIES series, with an HTML
 * legend under it; a trace set without such events gets a note saying what to record.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flows.h"
#include "format.h"
#include "hops.h"
#include "record.h"
#include "report.h"
#include "report_draw.h"

#define SERIES_H	380
#define SERIES_TOP	20
#define SERIES_BOTTOM	(SERIES_H - 60)

static const char *trace_host(const struct crosslat_report *r, uint32_t trace)
{
	return trace < r->nr_traces && r->traces[trace].hostname ? r->traces[trace].hostname :
								     "?";
}

/* Inserts candidate c of weight w into the n heaviest kept in pick/weight (n grows to max). */
static void keep_heaviest(const void **pick, double *weight, size_t *n, const void *c, double w)
{
	size_t i = *n < CROSSLAT_REPORT_SERIES ? (*n)++ : CROSSLAT_REPORT_SERIES;

	if (i == CROSSLAT_REPORT_SERIES) {
		if (w <= weight[CROSSLAT_REPORT_SERIES - 1])
			return;
		i--;
	}
	for (; i > 0 && weight[i - 1] < w; i--) {
		pick[i] = pick[i - 1];
		weight[i] = weight[i - 1];
	}
	pick[i] = c;
	weight[i] = w;
}

/* The legend under a chart: entry i of class "key s<i>" and its (escaped) label. */
static void legend(FILE *f, char labels[][160], size_t n)
{
	size_t i;

	fputs("<p class=\"note\">", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s<span class=\"nw\"><span class=\"key s%zu\"></span>", i ? " &nbsp; " : "",
			i);
		crosslat_html_str(f, labels[i], 0);
		fputs("</span>", f);
	}
	fputs("</p>\n", f);
}

static int hops_chart(FILE *f, const struct crosslat_report *r)
{
	const void *pick[CROSSLAT_REPORT_SERIES];
	double weight[CROSSLAT_REPORT_SERIES], max = 0, step;
	char labels[CROSSLAT_REPORT_SERIES][160], cls[40], a[16], b[16], t[32];
	struct crosslat_scale x = { .p0 = CDF_LEFT, .p1 = CDF_RIGHT };
	struct crosslat_scale y = { .lo = 0, .hi = 100, .p0 = SERIES_BOTTOM, .p1 = SERIES_TOP };
	size_t i, n = 0;

	for (i = 0; r->hops && i < r->hops->nr; i++)
		if (r->hops->v[i].nr)
			keep_heaviest(pick, weight, &n, &r->hops->v[i], (double)r->hops->v[i].nr);
	if (!n) {
		crosslat_report_section(f, "Latency per hop",
			"No crosslat_pkt_hop event in these traces: load crosslat_pkt with points at the pods' ports and the NIC to time each request's hops.");
		return 0;
	}
	for (i = 0; i < n; i++) {
		const struct crosslat_hop *h = pick[i];

		if (ms(h->p99) > max)
			max = ms(h->p99);
		snprintf(labels[i], sizeof(labels[i]),
			 "%s netns %u: %s#%d to %s#%d, %s, %zu segments, median %s ms",
			 trace_host(r, h->key.trace), h->key.netns_inum,
			 crosslat_hop_role_name(h->key.from_role, a, sizeof(a)), h->key.from_ifindex,
			 crosslat_hop_role_name(h->key.to_role, b, sizeof(b)), h->key.to_ifindex,
			 h->key.is_response ? "responses" : "requests", h->nr,
			 crosslat_fmt_ms(t, sizeof(t), h->p50));
	}
	step = crosslat_scale_round(&x, max * 1.05, 8);
	crosslat_report_section(f, "Latency per hop",
		"Share of segments at or below each latency, per hop crosslat_pkt timed (the hops with the most segments); the slowest 1% of a hop may lie right of the chart.");
	crosslat_svg_open(f, CHART_W, SERIES_H, "latency CDF per hop");
	crosslat_svg_xaxis(f, &x, step, SERIES_TOP, SERIES_BOTTOM, "", "hop latency (ms)");
	crosslat_svg_yaxis(f, &y, 20, CDF_LEFT, CDF_RIGHT, "%", "segments at or below");
	for (i = 0; i < n; i++) {
		const struct crosslat_hop *h = pick[i];

		snprintf(cls, sizeof(cls), "series s%zu", i);
		crosslat_report_cdf_line(f, &x, &y, h->lat, h->nr, cls);
	}
	crosslat_svg_close(f);
	legend(f, labels, n);
	return 0;
}

static double flow_max_ms(const struct crosslat_flow *fl)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < fl->nr_rtt; i++)
		if (fl->rtt[i].srtt_ns > m)
			m = fl->rtt[i].srtt_ns;
	return ms(m);
}

static int rtt_chart(FILE *f, const struct crosslat_report *r)
{
	const void *pick[CROSSLAT_REPORT_SERIES];
	double weight[CROSSLAT_REPORT_SERIES], ymax = 0, xmax = 0, xstep, ystep;
	char labels[CROSSLAT_REPORT_SERIES][160], cls[40], l[56], rm[56], t[32];
	struct crosslat_scale x = { .p0 = CDF_LEFT, .p1 = CDF_RIGHT };
	struct crosslat_scale y = { .p0 = SERIES_BOTTOM, .p1 = SERIES_TOP };
	int64_t t0 = INT64_MAX;
	size_t i, j, n = 0;

	for (i = 0; r->flows && i < r->flows->nr; i++)
		if (r->flows->v[i].nr_rtt)
			keep_heaviest(pick, weight, &n, &r->flows->v[i],
				      flow_max_ms(&r->flows->v[i]));
	if (!n) {
		crosslat_report_section(f, "RTT over time",
			"No crosslat_rtt_flow_stats or alert with an RTT in these traces: load crosslat_rtt (its flow_stats come every stats_interval_ms) to see each flow's RTT.");
		return 0;
	}
	for (i = 0; i < n; i++) {
		const struct crosslat_flow *fl = pick[i];

		if (fl->rtt[0].ts_ns < t0)
			t0 = fl->rtt[0].ts_ns;
		if (weight[i] > ymax)
			ymax = weight[i];
	}
	for (i = 0; i < n; i++) {
		const struct crosslat_flow *fl = pick[i];
		double end = (fl->rtt[fl->nr_rtt - 1].ts_ns - t0) / 1e9;

		if (end > xmax)
			xmax = end;
		snprintf(labels[i], sizeof(labels[i]), "%s: %s > %s, up to %s ms",
			 trace_host(r, fl->key.trace),
			 crosslat_fmt_endpoint(l, sizeof(l), fl->key.family, fl->key.laddr,
					       fl->key.lport),
			 crosslat_fmt_endpoint(rm, sizeof(rm), fl->key.family, fl->key.raddr,
					       fl->key.rport),
			 crosslat_fmt_ms(t, sizeof(t), (uint64_t)(weight[i] * 1e6)));
	}
	xstep = crosslat_scale_round(&x, xmax > 0 ? xmax : 1, 10);
	ystep = crosslat_scale_round(&y, ymax * 1.05, 6);
	crosslat_report_section(f, "RTT over time",
		"Smoothed RTT of the flows whose RTT went highest, from each crosslat_rtt_flow_stats and alert.");
	crosslat_svg_open(f, CHART_W, SERIES_H, "smoothed RTT over time per flow");
	crosslat_svg_xaxis(f, &x, xstep, SERIES_TOP, SERIES_BOTTOM, "",
			   "time from the first of these samples (s)");
	crosslat_svg_yaxis(f, &y, ystep, CDF_LEFT, CDF_RIGHT, "", "smoothed RTT (ms)");
	for (i = 0; i < n; i++) {
		const struct crosslat_flow *fl = pick[i];
		struct crosslat_svg_line line;

		snprintf(cls, sizeof(cls), "series s%zu", i);
		crosslat_svg_line_begin(&line, f, cls);
		for (j = 0; j < fl->nr_rtt; j++)
			crosslat_svg_line_to(&line,
					     crosslat_scale_px(&x, (fl->rtt[j].ts_ns - t0) / 1e9),
					     crosslat_scale_px(&y, ms(fl->rtt[j].srtt_ns)));
		crosslat_svg_line_end(&line);
		/* a flow of one sample: a dot */
		if (fl->nr_rtt == 1) {
			snprintf(cls, sizeof(cls), "dot s%zu", i);
			crosslat_svg_rect(f, crosslat_scale_px(&x, (fl->rtt[0].ts_ns - t0) / 1e9) - 3,
					  crosslat_scale_px(&y, ms(fl->rtt[0].srtt_ns)) - 3, 6, 6,
					  cls);
		}
	}
	crosslat_svg_close(f);
	legend(f, labels, n);
	return 0;
}

int crosslat_report_net(FILE *f, const struct crosslat_report *r)
{
	int rc = hops_chart(f, r);

	return rc ? rc : rtt_chart(f, r);
}
