"""Checks a latency CDF picture with a real XML parser (expat, via ElementTree).

Usage: check_latency_svg.py FILE SERIES [INDEX:QUANTILE:NS ...] [--tail]

FILE must be well-formed SVG with one <path> per series (SERIES of them),
each a step line whose x never decreases and whose fraction never falls,
starting at the bottom of the plot and ending at its top (the tail view:
the other way round). Each INDEX:QUANTILE:NS asks that series INDEX cross
fraction QUANTILE at the x pixel of NS nanoseconds, within one pixel; the
pixel of NS comes from the x tick labels (e.g. "10ms"), not from the code.
Run by tests/unit/test_latency_plot.cpp; prints what failed, exits 1.
"""
import math
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
UNITS = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}


def fail(message):
    print("check_latency_svg: " + message)
    sys.exit(1)


def points(d):
    found = re.findall(r"([ML])\s*(-?[0-9.]+),(-?[0-9.]+)", d)
    if not found or found[0][0] != "M" or any(c != "L" for c, _, _ in found[1:]):
        fail("path data is not M x,y followed by L x,y: " + d[:80])
    return [(float(x), float(y)) for _, x, y in found]


def main(argv):
    tail = "--tail" in argv
    args = [a for a in argv if a != "--tail"]
    path, want_series, checks = args[0], int(args[1]), args[2:]
    root = ET.parse(path).getroot()  # raises on anything not well-formed
    if root.tag != NS + "svg" or root.get("version") != "1.1":
        fail("root is not an SVG 1.1 <svg>: %s" % root.tag)

    area = root.find(f".//{NS}rect[@id='plot-area']")
    left, top = float(area.get("x")), float(area.get("y"))
    right, bottom = left + float(area.get("width")), top + float(area.get("height"))

    # x = a + b * log10(ns) from every labelled tick; they must agree.
    ticks = []
    for t in root.find(f".//{NS}g[@id='x-ticks']"):
        m = re.fullmatch(r"([0-9]+)(ns|us|ms|s)", t.text or "")
        if not m:
            fail("x tick label not a duration: %r" % t.text)
        ticks.append((math.log10(int(m.group(1)) * UNITS[m.group(2)]), float(t.get("x"))))
    if len(ticks) < 2:
        fail("fewer than two x ticks")
    (l0, x0), (l1, x1) = ticks[0], ticks[-1]
    slope = (x1 - x0) / (l1 - l0)
    for lg, x in ticks:
        if abs(x0 + slope * (lg - l0) - x) > 0.02:
            fail("x ticks are not on one log scale")
    if abs(x0 - left) > 0.02 or abs(x1 - right) > 0.02:
        fail("x ticks do not span the plot area")

    def x_of(ns):
        return x0 + slope * (math.log10(ns) - l0)

    def y_of(fraction):
        if not tail:
            return bottom - fraction * (bottom - top)
        ys = {}
        for t in root.find(f".//{NS}g[@id='y-ticks']"):
            ys[float(t.text)] = float(t.get("y")) - 4  # labels sit 4 px below their line
        decades = -math.log10(min(ys))
        return top + math.log10(max(1 - fraction, 10 ** -decades)) / -decades * (bottom - top)

    paths = root.findall(f".//{NS}path")
    if len(paths) != want_series:
        fail("%d paths for %d series" % (len(paths), want_series))
    lines = []
    for p in paths:
        pts = points(p.get("d"))
        name = p.get("data-series")
        for (xa, ya), (xb, yb) in zip(pts, pts[1:]):
            if xb < xa:
                fail("%s: x goes back from %.2f to %.2f" % (name, xa, xb))
            if (yb > ya) if not tail else (yb < ya):
                fail("%s: the fraction falls between %s and %s" % (name, (xa, ya), (xb, yb)))
        start, end = (bottom, top) if not tail else (top, bottom)
        if abs(pts[0][1] - start) > 0.01 or abs(pts[-1][1] - end) > 0.01:
            fail("%s: runs from y %.2f to %.2f, not %.2f to %.2f" % (name, pts[0][1], pts[-1][1], start, end))
        if not all(left - 0.01 <= x <= right + 0.01 for x, _ in pts):
            fail("%s: leaves the plot area" % name)
        lines.append(pts)

    for check in checks:
        index, q, ns = check.split(":")
        pts = lines[int(index)]
        level = y_of(float(q))
        # The first vertex at or past the fraction: where the step reaches it.
        hit = next((x for x, y in pts if (y <= level + 0.01 if not tail else y >= level - 0.01)), None)
        if hit is None:
            fail("series %s never reaches fraction %s" % (index, q))
        want = x_of(float(ns))
        if abs(hit - want) > 1.0:
            fail("series %s reaches %s at x %.2f, the pixel of %s ns is %.2f" % (index, q, hit, ns, want))
    print("ok: %d series, %d checks" % (len(lines), len(checks)))


if __name__ == "__main__":
    main(sys.argv[1:])
