#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# Paired-ratio statistics of tests/bench/rtt-overhead: per mode, the median over rounds of
# (mode throughput / baseline throughput in the same round) with a bootstrap 95% interval.
#
# Usage: paired_ratio.py RAW.tsv [--baseline base] [--modes a,b,...] [--resamples 10000]
#                        [--seed 1] [--icount-shift N] [--unit Mbit/s|req/s|loops/s|us]
#                        [--column 4] [--lower-better]
#
# RAW.tsv has a header line, then: round, slot, mode, bits_per_second, retransmits and
# optionally bytes_sent and events (what the mode observed while it ran).
# The interval resamples whole rounds with replacement (percentile bootstrap of the median);
# the seed is fixed so that the same raw numbers always print the same table.
# Columns: rounds, median throughput (Mbit/s), median ratio mode/base and its interval,
# cost = 1/ratio - 1 (extra CPU time per byte, the CPU being saturated), and sd_log, the
# standard deviation of log(ratio) across rounds (the noise one round carries).
# With --icount-shift (the guest ran under qemu -icount shift=N, so one guest instruction
# takes 2^N ns of guest time) and event counts, instr/event is the median over rounds of the
# guest instructions the mode added per event it observed: (instructions per byte of the
# mode - of the baseline in the same round) x bytes sent / events.
# --column N reads the metric from column N (1-based; default 4) and --unit names it (req/s
# and us are printed as is, Mbit/s from bits per second); --lower-better makes the cost
# ratio - 1 (a latency) instead of 1/ratio - 1 (a throughput).
import argparse
import math
import random
import sys


def median(xs):
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return float("nan")
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def stdev(xs):
    if len(xs) < 2:
        return float("nan")
    m = sum(xs) / len(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


def load(path, col=3):
    """{round: {mode: metric (column col, 0-based)}}, {round: {mode: (bytes_sent, events)}}
    and the modes in order of first appearance."""
    runs, events, modes = {}, {}, []
    with open(path) as f:
        next(f)
        for line in f:
            if not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            rnd, mode, bps = int(cols[0]), cols[2], float(cols[col])
            runs.setdefault(rnd, {})[mode] = bps
            if len(cols) >= 7 and int(cols[6]) > 0:
                events.setdefault(rnd, {})[mode] = (int(cols[5]), int(cols[6]))
            if mode not in modes:
                modes.append(mode)
    return runs, events, modes


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("raw")
    ap.add_argument("--baseline", default="base")
    ap.add_argument("--modes", help="row order (default: order of first appearance)")
    ap.add_argument("--resamples", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--icount-shift", type=int)
    ap.add_argument("--unit", default="Mbit/s", choices=["Mbit/s", "req/s", "loops/s", "us"])
    ap.add_argument("--column", type=int, default=4)
    ap.add_argument("--lower-better", action="store_true")
    a = ap.parse_args()
    scale = 1e6 if a.unit == "Mbit/s" else 1

    runs, events, modes = load(a.raw, a.column - 1)
    if a.modes:
        order = a.modes.split(",")
        modes = [m for m in order if m in modes] + [m for m in modes if m not in order]
    if a.baseline not in modes:
        sys.exit("paired_ratio: no %r runs in %s" % (a.baseline, a.raw))
    rng = random.Random(a.seed)
    base = [r[a.baseline] for r in runs.values() if a.baseline in r]
    cv = stdev(base) / (sum(base) / len(base)) if len(base) > 1 else float("nan")

    # Guest instructions per byte of a run: instructions per guest second / bytes per second.
    ips = 1e9 / 2 ** a.icount_shift if a.icount_shift is not None else None

    def instr_per_event(mode):
        per = []
        for rnd, r in runs.items():
            ev = events.get(rnd, {}).get(mode)
            if ips is None or ev is None or a.baseline not in r or not r[mode] > 0:
                continue
            extra = ips / (r[mode] / 8) - ips / (r[a.baseline] / 8)
            per.append(extra * ev[0] / ev[1])
        return "%10.0f" % median(per) if per else "%10s" % "-"

    print("%-9s %6s %9s %12s %8s %8s %7s %7s %10s" % (
        "mode", "rounds", a.unit, "median_ratio", "ci95_lo", "ci95_hi", "cost", "sd_log",
        "instr/event"))
    for mode in modes:
        pairs = [r[mode] / r[a.baseline] for r in runs.values()
                 if mode in r and a.baseline in r and r[a.baseline] > 0]
        mbps = median([r[mode] for r in runs.values() if mode in r]) / scale
        if mode == a.baseline:
            print("%-9s %6d %9.1f %12s %8s %8s %7s %7s %10s" % (
                mode, len(pairs), mbps, "1 (ref)", "-", "-", "-", "-", "-"))
            continue
        n = len(pairs)
        boot = sorted(median([pairs[rng.randrange(n)] for _ in range(n)])
                      for _ in range(a.resamples))
        lo = boot[int(0.025 * (a.resamples - 1))]
        hi = boot[int(math.ceil(0.975 * (a.resamples - 1)))]
        med = median(pairs)
        print("%-9s %6d %9.1f %12.4f %8.4f %8.4f %+6.1f%% %7.4f %s" % (
            mode, n, mbps, med, lo, hi, ((med - 1) if a.lower_better else (1 / med - 1)) * 100,
            stdev([math.log(p) for p in pairs]), instr_per_event(mode)))
    print("%s throughput across rounds: coefficient of variation %.2f%% (%d rounds)" % (
        a.baseline, cv * 100, len(base)))


if __name__ == "__main__":
    main()
