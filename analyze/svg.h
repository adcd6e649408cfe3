/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The little SVG the HTML report draws with: linear scales with round ticks, axes with grid
 * lines, polylines thinned to the pixel, rectangles and text. Coordinates are the pixels of
 * the drawing's viewBox, y downwards. Colours and line styles are left to CSS classes of the
 * page, so that a drawing is only geometry and escaped text.
 */
#ifndef _CROSSLAT_SVG_H
#define _CROSSLAT_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Data values [lo, hi] drawn at pixels [p0, p1] (p1 < p0 for a y axis: up is less). */
struct crosslat_scale {
	double lo, hi;
	double p0, p1;
};

/*
 * Sets s->lo to 0 and s->hi to the first multiple of a round step (1, 2 or 5 times a power
 * of ten) at or above max, the step giving the number of ticks nearest to ticks (at most
 * half as many again); returns the step. A max of 0 or less is taken as 1.
 */
double crosslat_scale_round(struct crosslat_scale *s, double max, unsigned int ticks);

/* The pixel of v, clamped to the scale's pixels. */
double crosslat_scale_px(const struct crosslat_scale *s, double v);

/* <svg> of w x h pixels (scaled to the page's width by CSS), its accessible name label. */
void crosslat_svg_open(FILE *f, unsigned int w, unsigned int h, const char *label);
void crosslat_svg_close(FILE *f);

/*
 * An axis: ticks every step of the scale, labelled with as many decimals as the step needs
 * and suffix (may be ""), each with a grid line across the plot; the axis title centred
 * below (x) or rotated on the left (y). For x, the plot spans [top, bottom] in y and the
 * axis is its bottom; for y, it spans [top, bottom] read as [left, right] in x.
 */
void crosslat_svg_xaxis(FILE *f, const struct crosslat_scale *x, double step, double top,
			double bottom, const char *suffix, const char *title);
void crosslat_svg_yaxis(FILE *f, const struct crosslat_scale *y, double step, double left,
			double right, const char *suffix, const char *title);

/* A polyline being written; points closer than half a pixel to the last kept are dropped. */
struct crosslat_svg_line {
	FILE *f;
	double x, y;		/* the last point written */
	double px, py;		/* the last point given, if not written (pending) */
	bool pending;
	size_t points;		/* written */
};

void crosslat_svg_line_begin(struct crosslat_svg_line *l, FILE *f, const char *cls);
void crosslat_svg_line_to(struct crosslat_svg_line *l, double x, double y);
void crosslat_svg_line_end(struct crosslat_svg_line *l);

void crosslat_svg_rect(FILE *f, double x, double y, double w, double h, const char *cls);
/* A line from (x0, y0) to (x1, y1); a vertical one at x from y0 to y1. */
void crosslat_svg_line(FILE *f, double x0, double y0, double x1, double y1, const char *cls);
void crosslat_svg_vline(FILE *f, double x, double y0, double y1, const char *cls);

/*
 * Escaped text s at (x, y) (its baseline), anchor "start", "middle" or "end", cut to
 * max_chars characters (0: whole); cls may be NULL.
 */
void crosslat_svg_text(FILE *f, double x, double y, const char *anchor, const char *cls,
		       const char *s, size_t max_chars);

#endif /* _CROSSLAT_SVG_H */
