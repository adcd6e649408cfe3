// SPDX-License-Identifier: GPL-2.0-only
/*
 * The HTML report of the verdicts (see report.h): the headline (the run's culprits), the
 * facts (requests, threshold, baseline), the latency CDF, the slow requests' excess per
 * domain as stacked bars, the table of verdict groups, the network's charts
 * (report_net.c), then the table of slow requests.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "record.h"
#include "report.h"
#include "report_draw.h"
#include "spans.h"
#include "stats.h"
#include "svg.h"
#include "verdicts.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A culprit in words, "backend-a (CPU contention calling frontend)"; with its domain. */
#define CULPRIT_MAX	(2 * CROSSLAT_SPAN_NAME_MAX + 40)
#define TEXT_MAX	(CULPRIT_MAX + 32)

#define BAR_ROW		18
#define BAR_TOP		36
#define BAR_LEFT	96	/* the latency labels before it */
#define BAR_RIGHT	600	/* the verdicts after it */
#define BAR_VERDICT_CHARS	52

/* CSS classes of the domains' colours, by enum crosslat_domain. */
static const char *const domain_class[CROSSLAT_DOMAIN_NR] = {
	[CROSSLAT_DOMAIN_NONE]		= "none",
	[CROSSLAT_DOMAIN_SENDER]	= "send",
	[CROSSLAT_DOMAIN_NETWORK]	= "net",
	[CROSSLAT_DOMAIN_RECEIVER]	= "recv",
};

/*
 * The page's only style, inline like everything else. Fonts are the reader's own (no web
 * font to fetch). The SVG's colours are set here by class, so that a chart is geometry.
 */
static const char page_css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;"
	"max-width:1240px;margin:24px auto;padding:0 16px}\n"
	"h1{font-size:22px;margin:0 0 10px}\n"
	"h2{font-size:17px;margin:30px 0 6px;padding-bottom:3px;border-bottom:1px solid #ddd}\n"
	".verdict{font-size:18px;font-weight:600;margin:6px 0;padding:6px 12px;"
	"border-left:6px solid}\n"
	".verdict.culprit{border-color:#c0392b;background:#fbeaea}\n"
	".verdict.none{border-color:#2e7d32;background:#e9f5ea}\n"
	".note{color:#555;margin:4px 0}\n"
	"table{border-collapse:collapse;margin:8px 0}\n"
	"th,td{padding:3px 8px;border-bottom:1px solid #e6e6e6;text-align:left;"
	"vertical-align:top}\n"
	"th{background:#f4f4f4}\n"
	".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".id{font-family:ui-monospace,monospace;font-size:12px;white-space:nowrap}\n"
	".verdict-col{min-width:14em}\n"
	".nw{white-space:nowrap}\n"
	".wide{overflow-x:auto}\n"
	"tr.run td{font-weight:600}\n"
	"table.facts th{background:none;color:#555;font-weight:normal}\n"
	".key{display:inline-block;width:10px;height:10px;margin-right:6px}\n"
	".key.send{background:#3b6ea5}.key.net{background:#f0a03c}"
	".key.recv{background:#c0392b}.key.none{background:#bbb}\n"
	"svg{display:block;max-width:100%;height:auto;margin:8px 0}\n"
	"svg text{font:12px system-ui,-apple-system,'Segoe UI',sans-serif;fill:#333}\n"
	"svg .axis-title{font-size:13px;fill:#222}\n"
	"svg .grid{stroke:#e8e8e8}\n"
	"svg .axis{stroke:#555}\n"
	"svg .cdf{fill:none;stroke-width:2.2;stroke-linejoin:round}\n"
	"svg .judged{stroke:#c0392b}\n"
	"svg .baseline{stroke:#3b6ea5}\n"
	"svg .thresh{stroke:#444;stroke-width:1.5;stroke-dasharray:6 4}\n"
	"svg .send{fill:#3b6ea5}svg .net{fill:#f0a03c}svg .recv{fill:#c0392b}\n"
	"svg .empty{font-size:16px;fill:#888}\n"
	"svg .series{fill:none;stroke-width:2;stroke-linejoin:round}\n"
	"svg .s0{stroke:#c0392b}svg .s1{stroke:#3b6ea5}svg .s2{stroke:#f0a03c}"
	"svg .s3{stroke:#2e7d32}svg .s4{stroke:#8e44ad}svg .s5{stroke:#666}\n"
	"svg .dot.s0{fill:#c0392b}svg .dot.s1{fill:#3b6ea5}svg .dot.s2{fill:#f0a03c}"
	"svg .dot.s3{fill:#2e7d32}svg .dot.s4{fill:#8e44ad}svg .dot.s5{fill:#666}\n"
	".key.s0{background:#c0392b}.key.s1{background:#3b6ea5}.key.s2{background:#f0a03c}"
	".key.s3{background:#2e7d32}.key.s4{background:#8e44ad}.key.s5{background:#666}\n";


/* The plural's "s" for n. */
static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* "DOMAIN: CULPRIT" of a verdict; "no culprit" without a domain. */
static const char *verdict_text(char *buf, size_t len, uint8_t domain, uint8_t kind,
				const char *service, const char *peer)
{
	char c[CULPRIT_MAX];

	if (domain == CROSSLAT_DOMAIN_NONE || domain >= CROSSLAT_DOMAIN_NR) {
		snprintf(buf, len, "no culprit");
		return buf;
	}
	crosslat_fmt_culprit(c, sizeof(c), kind, service, peer);
	snprintf(buf, len, "%s: %s", crosslat_domain_names[domain], c);
	return buf;
}

static const char *request_verdict(char *buf, size_t len, const struct crosslat_request *q)
{
	const struct crosslat_part *c;

	if (q->culprit < 0 || (uint32_t)q->culprit >= q->nr_parts)
		return verdict_text(buf, len, CROSSLAT_DOMAIN_NONE, 0, NULL, NULL);
	c = &q->parts[q->culprit];
	return verdict_text(buf, len, q->domain, c->kind, c->service, c->peer);
}

void crosslat_report_section(FILE *f, const char *title, const char *note)
{
	fprintf(f, "<h2>%s</h2>\n<p class=\"note\">%s</p>\n", title, note);
}

/* A column of an HTML table: its title and the class of its header cell (or NULL). */
struct html_column {
	const char *title, *cls;
};

static void header_row(FILE *f, const struct html_column *cols, size_t n)
{
	size_t i;

	fputs("<tr>", f);
	for (i = 0; i < n; i++) {
		if (cols[i].cls)
			fprintf(f, "<th class=\"%s\">%s</th>", cols[i].cls, cols[i].title);
		else
			fprintf(f, "<th>%s</th>", cols[i].title);
	}
	fputs("</tr>\n", f);
}

/* <td class="n">20.3</td>: ns as ms, to a tenth (a page to read; `verdicts` has the rest). */
static void td_ms(FILE *f, uint64_t ns)
{
	fprintf(f, "<td class=\"n\">%.1f</td>", ms(ns));
}

/* <td>s</td>, escaped; "-" for NULL or "". */
static void td_str(FILE *f, const char *s)
{
	fputs("<td>", f);
	crosslat_html_str(f, s && *s ? s : "-", 0);
	fputs("</td>", f);
}

static void page_head(FILE *f, const struct crosslat_report *r)
{
	const struct crosslat_verdicts *v = r->v;
	char buf[TEXT_MAX];
	size_t i;

	snprintf(buf, sizeof(buf), "no culprit");
	for (i = 0; i < v->nr_groups; i++) {
		const struct crosslat_verdict_group *g = &v->groups[i];

		if (g->culprit) {
			verdict_text(buf, sizeof(buf), g->domain, g->kind, g->service, g->peer);
			break;
		}
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>crosslat report: ", f);
	crosslat_html_str(f, buf, 0);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", page_css);
}

/* The run's culprits, one line each, or "no culprit". */
static void headline(FILE *f, const struct crosslat_report *r)
{
	const struct crosslat_verdicts *v = r->v;
	char buf[TEXT_MAX];
	size_t i;

	fputs("<h1>Slow requests: sender host, network or receiver host?</h1>\n", f);
	if (!v->nr_culprits)
		fputs("<p class=\"verdict none\">no culprit</p>\n", f);
	for (i = 0; i < v->nr_groups; i++) {
		const struct crosslat_verdict_group *g = &v->groups[i];

		if (!g->culprit)
			continue;
		fputs("<p class=\"verdict culprit\">", f);
		crosslat_html_str(f, verdict_text(buf, sizeof(buf), g->domain, g->kind, g->service,
						  g->peer), 0);
		fprintf(f, ", %u of %zu slow requests</p>\n", g->requests, v->nr_slow);
	}
}

static void facts_table(FILE *f, const struct crosslat_report *r)
{
	const struct crosslat_verdicts *v = r->v;
	char b1[48], b2[48], b3[48];
	size_t i;

	fputs("<table class=\"facts\">\n<tr><th>traces</th><td>", f);
	for (i = 0; i < r->nr_traces; i++) {
		const struct crosslat_trace_info *t = &r->traces[i];

		if (i)
			fputs("<br>", f);
		crosslat_html_str(f, t->path ? t->path : "?", 0);
		if (t->hostname) {
			fputs(" (", f);
			crosslat_html_str(f, t->hostname, 0);
			fputc(')', f);
		}
	}
	fprintf(f, "</td></tr>\n<tr><th>requests</th><td>%zu", v->nr);
	if (v->nr) {
		/* req[] is oldest first */
		fprintf(f, ", started from %s",
			crosslat_fmt_time(b1, sizeof(b1), v->req[0].start_ns, r->unix_epoch, true));
		fprintf(f, " to %s%s", crosslat_fmt_time(b2, sizeof(b2), v->req[v->nr - 1].start_ns,
							 r->unix_epoch, true),
			r->unix_epoch ? " UTC" : "");
	}
	if (v->orphans)
		fprintf(f, " (%" PRIu64 " spans left out: their root is not in the traces)",
			v->orphans);
	fprintf(f, "</td></tr>\n<tr><th>slow</th><td>%zu above %s ms; %zu with a culprit (its domain holds half the time above the baseline, at least %s ms)</td></tr>\n",
		v->nr_slow, crosslat_fmt_ms(b1, sizeof(b1), v->threshold_ns), v->nr_named,
		crosslat_fmt_ms(b2, sizeof(b2), v->floor_ns));
	fputs("<tr><th>baseline</th><td>", f);
	if (r->baseline)
		crosslat_html_str(f, r->baseline, 0);
	else
		fputs("the traces judged", f);
	fprintf(f, ": %zu request%s, median %s ms, p90 %s ms", v->base_requests,
		plural(v->base_requests), crosslat_fmt_ms(b1, sizeof(b1), v->base_p50_ns),
		crosslat_fmt_ms(b2, sizeof(b2), v->base_p90_ns));
	fprintf(f, ", p99 %s ms</td></tr>\n</table>\n",
		crosslat_fmt_ms(b3, sizeof(b3), v->base_p99_ns));
}

/* The requests' latencies, ascending, in a new array (free() it); NULL: none or no memory. */
static uint64_t *sorted_latencies(const struct crosslat_verdicts *v)
{
	uint64_t *lat;
	size_t i;

	if (!v || !v->nr)
		return NULL;
	lat = malloc(v->nr * sizeof(*lat));
	if (!lat)
		return NULL;
	for (i = 0; i < v->nr; i++)
		lat[i] = v->req[i].latency_ns;
	crosslat_sort_u64(lat, v->nr);
	return lat;
}

void crosslat_report_cdf_line(FILE *f, const struct crosslat_scale *x,
			      const struct crosslat_scale *y, const uint64_t *lat, size_t n,
			      const char *cls)
{
	struct crosslat_svg_line l;
	size_t i;

	if (!n)
		return;
	crosslat_svg_line_begin(&l, f, cls);
	crosslat_svg_line_to(&l, crosslat_scale_px(x, ms(lat[0])), crosslat_scale_px(y, 0));
	for (i = 0; i < n; i++) {
		double px = crosslat_scale_px(x, ms(lat[i]));

		crosslat_svg_line_to(&l, px, crosslat_scale_px(y, 100.0 * i / n));
		crosslat_svg_line_to(&l, px, crosslat_scale_px(y, 100.0 * (i + 1) / n));
	}
	crosslat_svg_line_end(&l);
}

/* Entry i of the legend in a row above the plot: a stroke of class cls, then label. */
static void legend_line(FILE *f, unsigned int i, const char *cls, const char *label)
{
	double x = CDF_LEFT + CDF_LEGEND_W * i, y = CDF_TOP - 20;

	crosslat_svg_line(f, x, y - 4, x + 26, y - 4, cls);
	crosslat_svg_text(f, x + 34, y, "start", NULL, label, 0);
}

static int cdf_chart(FILE *f, const struct crosslat_report *r)
{
	const struct crosslat_verdicts *v = r->v;
	size_t na = v->nr, nb = r->base ? r->base->nr : 0;
	uint64_t *a = sorted_latencies(v), *b = sorted_latencies(r->base);
	struct crosslat_scale x = { .p0 = CDF_LEFT, .p1 = CDF_RIGHT };
	struct crosslat_scale y = { .lo = 0, .hi = 100, .p0 = CDF_BOTTOM, .p1 = CDF_TOP };
	double xstep, max = ms(v->threshold_ns), tx;
	char label[128], t[32];

	if ((na && !a) || (nb && !b)) {
		free(a);
		free(b);
		return -ENOMEM;
	}
	if (na && ms(a[na - 1]) > max)
		max = ms(a[na - 1]);
	if (nb && ms(b[nb - 1]) > max)
		max = ms(b[nb - 1]);
	/* a little room right of the slowest request, so that its step shows */
	xstep = crosslat_scale_round(&x, max * 1.02, 8);

	crosslat_report_section(f, "Latency",
		"Share of requests at or below each latency (CDF); requests right of the dashed line are slow.");
	crosslat_svg_open(f, CHART_W, CDF_H, "request latency CDF");
	crosslat_svg_xaxis(f, &x, xstep, CDF_TOP, CDF_BOTTOM, "", "request latency (ms)");
	crosslat_svg_yaxis(f, &y, 20, CDF_LEFT, CDF_RIGHT, "%", "requests at or below");
	if (!na && !nb)
		crosslat_svg_text(f, (CDF_LEFT + CDF_RIGHT) / 2.0, (CDF_TOP + CDF_BOTTOM) / 2.0,
				  "middle", "empty", "no request in the traces", 0);
	crosslat_report_cdf_line(f, &x, &y, b, nb, "cdf baseline");
	crosslat_report_cdf_line(f, &x, &y, a, na, "cdf judged");

	/* no baseline request, no threshold */
	if (v->threshold_ns) {
		tx = crosslat_scale_px(&x, ms(v->threshold_ns));
		crosslat_svg_vline(f, tx, CDF_TOP, CDF_BOTTOM, "thresh");
		snprintf(label, sizeof(label), "slow above %s ms",
			 crosslat_fmt_ms(t, sizeof(t), v->threshold_ns));
		if (tx > CDF_RIGHT - 160)
			crosslat_svg_text(f, tx - 6, CDF_TOP + 14, "end", NULL, label, 0);
		else
			crosslat_svg_text(f, tx + 6, CDF_TOP + 14, "start", NULL, label, 0);
	}

	/* above the plot: the curves may be anywhere in it */
	if (r->base) {
		snprintf(label, sizeof(label), "these traces: %zu request%s", na, plural(na));
		legend_line(f, 0, "cdf judged", label);
		snprintf(label, sizeof(label), "baseline: %zu request%s", nb, plural(nb));
		legend_line(f, 1, "cdf baseline", label);
	} else {
		snprintf(label, sizeof(label), "%zu request%s (also the baseline)", na, plural(na));
		legend_line(f, 0, "cdf judged", label);
	}
	legend_line(f, r->base ? 2 : 1, "thresh", "slow threshold");
	crosslat_svg_close(f);
	free(a);
	free(b);
	return 0;
}

static int cmp_slowest(const void *pa, const void *pb)
{
	const struct crosslat_request *a = *(const struct crosslat_request *const *)pa;
	const struct crosslat_request *b = *(const struct crosslat_request *const *)pb;

	if (a->latency_ns != b->latency_ns)
		return a->latency_ns > b->latency_ns ? -1 : 1;
	return a->start_ns < b->start_ns ? -1 : a->start_ns > b->start_ns;
}

/* One slow request's row: its latency, its excess per domain stacked, its verdict. */
static void bar_row(FILE *f, const struct crosslat_scale *x, double y,
		    const struct crosslat_request *q)
{
	char hex[2 * CROSSLAT_SPAN_TRACE_ID_LEN + 1], verdict[TEXT_MAX], tip[TEXT_MAX + 320];
	char b[CROSSLAT_DOMAIN_NR][32], lat[32];
	uint64_t acc = 0;
	int d;

	request_verdict(verdict, sizeof(verdict), q);
	crosslat_fmt_ms(lat, sizeof(lat), q->latency_ns);
	for (d = CROSSLAT_DOMAIN_SENDER; d < CROSSLAT_DOMAIN_NR; d++)
		crosslat_fmt_ms(b[d], sizeof(b[d]), q->domain_ns[d]);
	snprintf(tip, sizeof(tip), "trace %s: %s ms; above the baseline: sender host %s ms, network %s ms, receiver host %s ms; %s",
		 crosslat_span_hex(hex, q->root->key.trace_id, CROSSLAT_SPAN_TRACE_ID_LEN), lat,
		 b[CROSSLAT_DOMAIN_SENDER], b[CROSSLAT_DOMAIN_NETWORK], b[CROSSLAT_DOMAIN_RECEIVER],
		 verdict);
	/* a <title> child is the row's tooltip in a browser */
	fputs("<g><title>", f);
	crosslat_html_str(f, tip, 0);
	fputs("</title>\n", f);
	snprintf(lat, sizeof(lat), "%.1f ms", ms(q->latency_ns));
	crosslat_svg_text(f, BAR_LEFT - 8, y + 13, "end", NULL, lat, 0);
	for (d = CROSSLAT_DOMAIN_SENDER; d < CROSSLAT_DOMAIN_NR; d++) {
		double x0 = crosslat_scale_px(x, ms(acc));

		acc += q->domain_ns[d];
		if (q->domain_ns[d])
			crosslat_svg_rect(f, x0, y + 3, crosslat_scale_px(x, ms(acc)) - x0, 12,
					  domain_class[d]);
	}
	crosslat_svg_text(f, BAR_RIGHT + 10, y + 13, "start", NULL, verdict, BAR_VERDICT_CHARS);
	fputs("</g>\n", f);
}

static int bars_chart(FILE *f, const struct crosslat_report *r)
{
	const struct crosslat_verdicts *v = r->v;
	size_t max_bars = r->max_bars ? r->max_bars : CROSSLAT_REPORT_BARS;
	const struct crosslat_request **slow;
	struct crosslat_scale x = { .p0 = BAR_LEFT, .p1 = BAR_RIGHT };
	double step, max = 0, bottom;
	size_t i, n = 0;
	char t[32];
	int d;

	fputs("<h2>Slow requests</h2>\n", f);
	if (!v->nr_slow) {
		fprintf(f, "<p class=\"note\">No slow request: none above %s ms.</p>\n",
			crosslat_fmt_ms(t, sizeof(t), v->threshold_ns));
		return 0;
	}
	slow = malloc(v->nr_slow * sizeof(*slow));
	if (!slow)
		return -ENOMEM;
	for (i = 0; i < v->nr && n < v->nr_slow; i++)
		if (v->req[i].slow)
			slow[n++] = &v->req[i];
	qsort(slow, n, sizeof(*slow), cmp_slowest);
	if (n > max_bars)
		n = max_bars;
	for (i = 0; i < n; i++) {
		uint64_t sum = 0;

		for (d = CROSSLAT_DOMAIN_SENDER; d < CROSSLAT_DOMAIN_NR; d++)
			sum += slow[i]->domain_ns[d];
		if (ms(sum) > max)
			max = ms(sum);
	}
	step = crosslat_scale_round(&x, max, 6);
	bottom = BAR_TOP + n * BAR_ROW;

	if (n < v->nr_slow)
		fprintf(f, "<p class=\"note\">The %zu slowest of the %zu slow requests", n,
			v->nr_slow);
	else
		fprintf(f, "<p class=\"note\">The %zu slow request%s, slowest first", n, plural(n));
	fputs(": each one's latency, its time above the baseline's medians per domain, its verdict.</p>\n",
	      f);
	crosslat_svg_open(f, CHART_W, (unsigned int)bottom + 50,
			  "slow requests: time above the baseline per domain");
	for (d = CROSSLAT_DOMAIN_SENDER; d < CROSSLAT_DOMAIN_NR; d++) {
		double lx = BAR_LEFT + 140.0 * (d - 1);

		crosslat_svg_rect(f, lx, 8, 12, 12, domain_class[d]);
		crosslat_svg_text(f, lx + 18, 18, "start", NULL, crosslat_domain_names[d], 0);
	}
	crosslat_svg_text(f, BAR_LEFT - 8, 18, "end", NULL, "latency", 0);
	crosslat_svg_text(f, BAR_RIGHT + 10, 18, "start", NULL, "verdict", 0);
	crosslat_svg_xaxis(f, &x, step, BAR_TOP, bottom, "", "time above the baseline (ms)");
	for (i = 0; i < n; i++)
		bar_row(f, &x, BAR_TOP + i * BAR_ROW, slow[i]);
	crosslat_svg_close(f);
	free(slow);
	return 0;
}

/* <td> of a domain's colour key and text (escaped; NULL: the domain's name). */
static void td_domain(FILE *f, uint8_t domain, const char *text)
{
	if (domain >= CROSSLAT_DOMAIN_NR)
		domain = CROSSLAT_DOMAIN_NONE;
	fprintf(f, "<td><span class=\"key %s\"></span>", domain_class[domain]);
	crosslat_html_str(f, text ? text : crosslat_domain_names[domain], 0);
	fputs("</td>", f);
}

static void groups_table(FILE *f, const struct crosslat_verdicts *v)
{
	static const struct html_column cols[] = {
		{ "verdict", NULL }, { "culprit", NULL }, { "requests", "n" }, { "share", "n" },
		{ "excess ms", "n" }, { "latency ms", "n" },
	};
	char c[TEXT_MAX];
	size_t i;

	if (!v->nr_groups)
		return;
	crosslat_report_section(f, "Verdicts",
		"Slow requests grouped by verdict; the run's culprits (at least 3 requests and 2% of all) in bold. Excess: the culprit's mean time above its baseline median; latency: the mean.");
	fputs("<table>\n", f);
	header_row(f, cols, ARRAY_SIZE(cols));
	for (i = 0; i < v->nr_groups; i++) {
		const struct crosslat_verdict_group *g = &v->groups[i];

		fprintf(f, "<tr%s>", g->culprit ? " class=\"run\"" : "");
		td_domain(f, g->domain, NULL);
		if (g->domain == CROSSLAT_DOMAIN_NONE)
			td_str(f, NULL);
		else
			td_str(f, crosslat_fmt_culprit(c, sizeof(c), g->kind, g->service, g->peer));
		fprintf(f, "<td class=\"n\">%u</td><td class=\"n\">%.1f%%</td>", g->requests,
			v->nr_slow ? 100.0 * g->requests / v->nr_slow : 0);
		td_ms(f, g->requests ? g->excess_ns / g->requests : 0);
		td_ms(f, g->requests ? g->latency_ns / g->requests : 0);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* A request's start as a time of day (or seconds) to the millisecond: "17:44:04.606". */
static const char *time_ms(char *buf, size_t len, int64_t ns, bool unix_epoch)
{
	char *dot;

	crosslat_fmt_time(buf, len, ns, unix_epoch, false);
	dot = strchr(buf, '.');
	if (dot && strlen(dot) > 4)
		dot[4] = 0;
	return buf;
}

static void slow_table(FILE *f, const struct crosslat_report *r)
{
	/* nine columns: only the verdict may wrap, the page scrolls sideways when too narrow */
	static const struct html_column cols[] = {
		{ "time", NULL }, { "trace id", NULL }, { "request", NULL }, { "latency", "n" },
		{ "excess", "n" }, { "sender", "n" }, { "network", "n" }, { "receiver", "n" },
		{ "verdict", "verdict-col" },
	};
	const struct crosslat_verdicts *v = r->v;
	char hex[2 * CROSSLAT_SPAN_TRACE_ID_LEN + 1], c[TEXT_MAX], t[48];
	size_t i;
	int d;

	if (!v->nr_slow)
		return;
	crosslat_report_section(f, "Slow requests, oldest first",
		"In ms; excess: above the baseline's median latency; sender, network, receiver: the request's time above the baseline's medians in each domain.");
	fputs("<div class=\"wide\"><table>\n", f);
	header_row(f, cols, ARRAY_SIZE(cols));
	for (i = 0; i < v->nr; i++) {
		const struct crosslat_request *q = &v->req[i];

		if (!q->slow)
			continue;
		fprintf(f, "<tr><td class=\"n\">%s</td><td class=\"id\">%s</td>",
			time_ms(t, sizeof(t), q->start_ns, r->unix_epoch),
			crosslat_span_hex(hex, q->root->key.trace_id, CROSSLAT_SPAN_TRACE_ID_LEN));
		fputs("<td class=\"nw\">", f);
		crosslat_html_str(f, *q->root->service ? q->root->service : "?", 0);
		fputc(' ', f);
		crosslat_html_str(f, q->root->name, 0);
		fputs("</td>", f);
		td_ms(f, q->latency_ns);
		td_ms(f, q->excess_ns);
		for (d = CROSSLAT_DOMAIN_SENDER; d < CROSSLAT_DOMAIN_NR; d++)
			td_ms(f, q->domain_ns[d]);
		td_domain(f, q->domain, request_verdict(c, sizeof(c), q));
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

int crosslat_report_write(FILE *f, const struct crosslat_report *r)
{
	int rc;

	page_head(f, r);
	headline(f, r);
	facts_table(f, r);
	rc = cdf_chart(f, r);
	if (!rc)
		rc = bars_chart(f, r);
	if (rc)
		return rc;
	groups_table(f, r->v);
	rc = crosslat_report_net(f, r);
	if (rc)
		return rc;
	slow_table(f, r);
	fputs("<p class=\"note\">Written by crosslat-analyze report.</p>\n</body>\n</html>\n", f);
	return ferror(f) ? -EIO : 0;
}
