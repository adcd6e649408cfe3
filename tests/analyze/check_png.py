#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Checks that a screenshot (PNG) of a rendered page is not blank: enough distinct colours,
# a spread of lightness, enough pixels that are not the background, and optionally at
# least N pixels of given colours (the charts' strokes and fills, drawn only when the SVG
# rendered). Needs Pillow (Debian: python3-pil).
#
#   check_png.py PNG [--min-colours N] [--colour RRGGBB:N]...
#                prints "# PNG: WxH, N colours, lightness stddev S, P% not white, ..." and
#                exits 0, or prints the problems on stderr and exits 1

import argparse
import sys

from PIL import Image, ImageStat

MIN_STDDEV = 10.0  # the lightness of a blank or single-colour page varies by ~0
MIN_INK = 0.02     # the share of pixels that are not the white background


def hex_rgb(s):
    s = s.lstrip("#")
    return tuple(int(s[i:i + 2], 16) for i in (0, 2, 4))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("png")
    ap.add_argument("--min-colours", type=int, default=100)
    ap.add_argument("--colour", action="append", default=[],
                    help="RRGGBB:N, at least N pixels of exactly that colour")
    args = ap.parse_args()

    try:
        im = Image.open(args.png).convert("RGB")
    except OSError as e:
        print(f"{args.png}: {e}", file=sys.stderr)
        return 1
    w, h = im.size
    counts = {rgb: n for n, rgb in im.getcolors(maxcolors=w * h)}
    stddev = ImageStat.Stat(im.convert("L")).stddev[0]
    ink = 1 - counts.get((255, 255, 255), 0) / (w * h)
    found = []
    problems = []
    for spec in args.colour:
        rgb, _, need = spec.partition(":")
        n = counts.get(hex_rgb(rgb), 0)
        found.append(f"#{rgb} {n} px")
        if n < int(need or 1):
            problems.append(f"#{rgb}: {n} pixels, want at least {need}")
    print(f"# {args.png}: {w}x{h}, {len(counts)} colours, lightness stddev {stddev:.1f}, "
          f"{100 * ink:.1f}% not white" + "".join(", " + f for f in found))
    if len(counts) < args.min_colours:
        problems.append(f"{len(counts)} colours, want at least {args.min_colours}")
    if stddev < MIN_STDDEV:
        problems.append(f"lightness stddev {stddev:.1f}, want at least {MIN_STDDEV}")
    if ink < MIN_INK:
        problems.append(f"{100 * ink:.1f}% of the pixels not white, want {100 * MIN_INK}%")
    for p in problems:
        print(f"{args.png}: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
