#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# Paired-ratio statistics of tests/bench/rtt-overhead: per mode, the median over rounds of
# (mode throughput / baseline throughput in the same round) with a bootstrap 95% interval.
#
# Usage: paired_ratio.py RAW.tsv [--baseline base] [--modes a,b,...] [--resamples 10000]
#                        [--seed 1]
#
# RAW.tsv has a header line, then: round, slot, mode, bits_per_second, retransmits.
# The interval resamples whole rounds with replacement (percentile bootstrap of the median);
# the seed is fixed so that the same raw numbers always print the same table.
# Columns: rounds, median throughput (Mbit/s), median ratio mode/base and its interval,
# cost = 1/ratio - 1 (extra CPU time per byte, the CPU being saturated), and sd_log, the
# standard deviation of log(ratio) across rounds (the noise one round carries).
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


def load(path):
    """{round: {mode: bits_per_second}} and the modes in order of first appearance."""
    runs, modes = {}, []
    with open(path) as f:
        next(f)
        for line in f:
            if not line.strip():
                continue
            rnd, _slot, mode, bps = line.split("\t")[:4]
            runs.setdefault(int(rnd), {})[mode] = float(bps)
            if mode not in modes:
                modes.append(mode)
    return runs, modes


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("raw")
    ap.add_argument("--baseline", default="base")
    ap.add_argument("--modes", help="row order (default: order of first appearance)")
    ap.add_argument("--resamples", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    runs, modes = load(a.raw)
    if a.modes:
        order = a.modes.split(",")
        modes = [m for m in order if m in modes] + [m for m in modes if m not in order]
    if a.baseline not in modes:
        sys.exit("paired_ratio: no %r runs in %s" % (a.baseline, a.raw))
    rng = random.Random(a.seed)
    base = [r[a.baseline] for r in runs.values() if a.baseline in r]
    cv = stdev(base) / (sum(base) / len(base)) if len(base) > 1 else float("nan")

    print("%-9s %6s %9s %12s %8s %8s %7s %7s" % (
        "mode", "rounds", "Mbit/s", "median_ratio", "ci95_lo", "ci95_hi", "cost", "sd_log"))
    for mode in modes:
        pairs = [r[mode] / r[a.baseline] for r in runs.values()
                 if mode in r and a.baseline in r and r[a.baseline] > 0]
        mbps = median([r[mode] for r in runs.values() if mode in r]) / 1e6
        if mode == a.baseline:
            print("%-9s %6d %9.1f %12s %8s %8s %7s %7s" % (
                mode, len(pairs), mbps, "1 (ref)", "-", "-", "-", "-"))
            continue
        n = len(pairs)
        boot = sorted(median([pairs[rng.randrange(n)] for _ in range(n)])
                      for _ in range(a.resamples))
        lo = boot[int(0.025 * (a.resamples - 1))]
        hi = boot[int(math.ceil(0.975 * (a.resamples - 1)))]
        med = median(pairs)
        print("%-9s %6d %9.1f %12.4f %8.4f %8.4f %+6.1f%% %7.4f" % (
            mode, n, mbps, med, lo, hi, (1 / med - 1) * 100,
            stdev([math.log(p) for p in pairs])))
    print("%s throughput across rounds: coefficient of variation %.2f%% (%d rounds)" % (
        a.baseline, cv * 100, len(base)))


if __name__ == "__main__":
    main()
