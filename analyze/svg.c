// SPDX-License-Identifier: GPL-2.0-only
/* SVG drawing primitives of the HTML report (see svg.h). No libm: steps are found by loops. */

#include "format.h"
#include "svg.h"

double crosslat_scale_round(struct crosslat_scale *s, double max, unsigned int ticks)
{
	static const double mult[] = { 1, 2, 5, 10 };
	double raw, p = 1, step, best = 0, k;
	bool found = false;
	unsigned int i;

	if (!(max > 0))
		max = 1;
	if (!ticks)
		ticks = 1;
	raw = max / ticks;
	while (p * 10 <= raw)
		p *= 10;
	while (p > raw)
		p /= 10;
	/*
	 * The round step giving the number of ticks nearest to the one asked for, up to half
	 * as many again; 10p always qualifies (fewer ticks than asked).
	 */
	step = 10 * p;
	for (i = 0; i < sizeof(mult) / sizeof(mult[0]); i++) {
		double n = max / (mult[i] * p), d = n > ticks ? n - ticks : ticks - n;

		if (n > ticks * 1.5 || (found && d >= best))
			continue;
		found = true;
		best = d;
		step = mult[i] * p;
	}
	/* max / step is barely above a whole number when max is one: don't add a step */
	k = (double)(long long)(max / step - 1e-9);
	if (k * step < max)
		k++;
	s->lo = 0;
	s->hi = k * step;
	return step;
}

double crosslat_scale_px(const struct crosslat_scale *s, double v)
{
	double t = s->hi > s->lo ? (v - s->lo) / (s->hi - s->lo) : 0;

	if (t < 0)
		t = 0;
	else if (t > 1)
		t = 1;
	return s->p0 + t * (s->p1 - s->p0);
}

void crosslat_svg_open(FILE *f, unsigned int w, unsigned int h, const char *label)
{
	/*
	 * Inline SVG in HTML needs no xmlns; without it the page names no URL at all, which
	 * makes "offline" easy to check.
	 */
	fprintf(f, "<svg viewBox=\"0 0 %u %u\" width=\"%u\" height=\"%u\" role=\"img\"", w, h,
		w, h);
	fputs(" aria-label=\"", f);
	crosslat_html_str(f, label, 0);
	fputs("\"><title>", f);
	crosslat_html_str(f, label, 0);
	fputs("</title>\n", f);
}

void crosslat_svg_close(FILE *f)
{
	fputs("</svg>\n", f);
}

/* Decimals a tick label needs for a step of 1, 2 or 5 times a power of ten. */
static int step_decimals(double step)
{
	int d = 0;

	while (step < 1 - 1e-9 && d < 9) {
		step *= 10;
		d++;
	}
	return d;
}

/* The ticks of s, one per step from lo to hi (within rounding). */
static size_t nr_ticks(const struct crosslat_scale *s, double step)
{
	return step > 0 ? (size_t)((s->hi - s->lo) / step + 1e-6) + 1 : 1;
}

void crosslat_svg_xaxis(FILE *f, const struct crosslat_scale *x, double step, double top,
			double bottom, const char *suffix, const char *title)
{
	int dec = step_decimals(step);
	size_t i, n = nr_ticks(x, step);
	char label[48];

	for (i = 0; i < n; i++) {
		double v = x->lo + i * step, px = crosslat_scale_px(x, v);

		crosslat_svg_vline(f, px, top, bottom, "grid");
		crosslat_svg_vline(f, px, bottom, bottom + 5, "axis");
		snprintf(label, sizeof(label), "%.*f%s", dec, v, suffix);
		crosslat_svg_text(f, px, bottom + 18, "middle", "tick", label, 0);
	}
	crosslat_svg_line(f, x->p0, bottom, x->p1, bottom, "axis");
	if (title)
		crosslat_svg_text(f, (x->p0 + x->p1) / 2, bottom + 38, "middle", "axis-title",
				  title, 0);
}

void crosslat_svg_yaxis(FILE *f, const struct crosslat_scale *y, double step, double left,
			double right, const char *suffix, const char *title)
{
	int dec = step_decimals(step);
	size_t i, n = nr_ticks(y, step);
	char label[48];

	for (i = 0; i < n; i++) {
		double v = y->lo + i * step, py = crosslat_scale_px(y, v);

		crosslat_svg_line(f, left, py, right, py, "grid");
		crosslat_svg_line(f, left - 5, py, left, py, "axis");
		snprintf(label, sizeof(label), "%.*f%s", dec, v, suffix);
		crosslat_svg_text(f, left - 8, py + 4, "end", "tick", label, 0);
	}
	crosslat_svg_vline(f, left, y->p0, y->p1, "axis");
	if (title) {
		fputs("<text class=\"axis-title\" text-anchor=\"middle\"", f);
		fprintf(f, " transform=\"translate(%.1f %.1f) rotate(-90)\">", left - 46,
			(y->p0 + y->p1) / 2);
		crosslat_html_str(f, title, 0);
		fputs("</text>\n", f);
	}
}

static void line_put(struct crosslat_svg_line *l, double x, double y)
{
	fprintf(l->f, "%s%.1f,%.1f", l->points ? " " : "", x, y);
	l->x = x;
	l->y = y;
	l->points++;
	l->pending = false;
}

void crosslat_svg_line_begin(struct crosslat_svg_line *l, FILE *f, const char *cls)
{
	l->f = f;
	l->points = 0;
	l->pending = false;
	fprintf(f, "<polyline class=\"%s\" points=\"", cls);
}

void crosslat_svg_line_to(struct crosslat_svg_line *l, double x, double y)
{
	double dx = x - l->x, dy = y - l->y;

	/*
	 * A CDF of thousands of requests rises by less than a pixel per request: keeping every
	 * step would only make the file larger. Skipping a point near the last one kept moves
	 * the line by half a pixel at most; the last point given is always written.
	 */
	if (l->points && dx < 0.5 && dx > -0.5 && dy < 0.5 && dy > -0.5) {
		l->px = x;
		l->py = y;
		l->pending = true;
		return;
	}
	line_put(l, x, y);
}

void crosslat_svg_line_end(struct crosslat_svg_line *l)
{
	if (l->pending)
		line_put(l, l->px, l->py);
	fputs("\"/>\n", l->f);
}

void crosslat_svg_rect(FILE *f, double x, double y, double w, double h, const char *cls)
{
	fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
		cls, x, y, w, h);
}

void crosslat_svg_line(FILE *f, double x0, double y0, double x1, double y1, const char *cls)
{
	fprintf(f, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", cls,
		x0, y0, x1, y1);
}

void crosslat_svg_vline(FILE *f, double x, double y0, double y1, const char *cls)
{
	crosslat_svg_line(f, x, y0, x, y1, cls);
}

void crosslat_svg_text(FILE *f, double x, double y, const char *anchor, const char *cls,
		       const char *s, size_t max_chars)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"", x, y, anchor);
	if (cls)
		fprintf(f, " class=\"%s\"", cls);
	fputc('>', f);
	crosslat_html_str(f, s, max_chars);
	fputs("</text>\n", f);
}
