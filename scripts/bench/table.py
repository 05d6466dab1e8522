#!/usr/bin/env python3
"""Turns the measurements of scripts/bench.sh into one Markdown table: the median of the rounds.

Usage: table.py RESULTS SERVER...   (the servers in column order)

RESULTS has one line per measurement, `SCENARIO SERVER ROUND key=value ...`, or, when the
measurement gave nothing, `SCENARIO SERVER ROUND error=WHY`:
  s1 s2 s3a s3b s4   ok, failed (requests), seconds (h2load's wall time), cpu (seconds of server
                     CPU during the run), bytes (octets of one response body)
  s5 s5h2c           n (connections asked for), held, rss0 and rss1 (server RSS in KiB before and
                     while they are held), curl_tls and curl_h2c (seconds, fail, or - for none)

Each row has a rate and a cost per unit for each server, then h2lab's cost divided by h2o's
(below 1: h2lab spends less). MB = 10^6 octets; KiB = 1024 octets.
"""

import sys
from statistics import median

# The h2load scenarios: name, row label, unit of work, unit of the rate.
LOAD = [
    ("s1", "S1 13 B file, -c 8 -m 32", "req", "req/s"),
    ("s2", "S2 13 B file, -c 16 -m 1", "req", "req/s"),
    ("s3a", "S3a 64 MiB file, -c 1", "MB", "MB/s"),
    ("s3b", "S3b 1 MiB files, -c 4 -m 4", "MB", "MB/s"),
    ("s4", "S4 500 new TLS conns, -c 500 -n 500", "conn", "conn/s"),
]
NONE = "–"


def number(x):
    """Enough figures to compare, no more: 88,300 / 22.6 / 0.84."""
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def read(path):
    """{(scenario, server): [the fields of each round]}"""
    runs = {}
    with open(path, encoding="utf-8") as results:
        for line in results:
            scenario, server, _round, *pairs = line.split()
            fields = dict(pair.split("=", 1) for pair in pairs)
            runs.setdefault((scenario, server), []).append(fields)
    return runs


def measured(rounds):
    """The rounds that gave a result, and what went wrong with the first that did not."""
    good = [run for run in rounds if "error" not in run]
    errors = [run["error"] for run in rounds if "error" in run]
    return good, (errors[0].replace("-", " ") if errors else "no result")


def load_cells(rounds, unit, rate_unit):
    """(rate cell, cost cell, median cost) of an h2load scenario."""
    good, error = measured(rounds)
    rates, costs = [], []
    for run in good:
        ok, seconds, cpu = int(run["ok"]), float(run["seconds"]), float(run["cpu"])
        work = ok * int(run["bytes"]) / 1e6 if unit == "MB" else ok
        if work > 0 and seconds > 0:
            rates.append(work / seconds)
            costs.append(cpu * 1e6 / work)
    if not rates:
        return error, NONE, None
    rate = f"{number(median(rates))} {rate_unit}"
    if unit == "conn":
        rate += f", {median(int(run['failed']) for run in good):.0f} failed"
    cost = median(costs)
    return rate, f"{number(cost)} µs/{unit}", cost


def idle_cells(rounds):
    """(held cell, KiB-per-connection cell, median KiB) of s5 or s5h2c."""
    good, error = measured(rounds)
    if not good:
        return error, NONE, None
    held = f"{median(int(run['held']) for run in good):.0f} of {good[0]['n']} held"
    kib = [
        (int(run["rss1"]) - int(run["rss0"])) / int(run["held"])
        for run in good
        if int(run["held"]) > 0
    ]
    if not kib:
        return held, NONE, None
    return held, f"{number(median(kib))} KiB/conn", median(kib)


def curl_cell(rounds, key):
    """(time cell, median ms) of the fresh curl requests; a failed one counts as the slowest."""
    good, _ = measured(rounds)
    times = [run[key] for run in good if run[key] != "-"]
    if not times:
        return NONE, None
    ms = [float("inf") if t == "fail" else float(t) * 1000 for t in times]
    middle = median(ms)
    if middle == float("inf"):
        return f"failed ({ms.count(middle)} of {len(ms)})", None
    return f"{number(middle)} ms", middle


def main():
    path, servers = sys.argv[1], sys.argv[2:]
    runs = read(path)
    scenarios = {scenario for scenario, _ in runs}
    with_ratio = "h2lab" in servers and "h2o" in servers

    header = ["scenario"]
    for server in servers:
        header += [f"{server} rate", f"{server} per unit"]
    if with_ratio:
        header.append("h2lab/h2o per unit")
    rows = []

    def row(label, cells):
        """cells: {server: (rate cell, cost cell, cost)}"""
        line = [label]
        for server in servers:
            line += cells.get(server, (NONE, NONE, None))[:2]
        if with_ratio:
            h2lab, h2o = (cells.get(s, (NONE, NONE, None))[2] for s in ("h2lab", "h2o"))
            line.append(f"{h2lab / h2o:.2f}" if h2lab is not None and h2o else NONE)
        rows.append(line)

    for scenario, label, unit, rate_unit in LOAD:
        if scenario in scenarios:
            cells = {s: load_cells(runs.get((scenario, s), []), unit, rate_unit) for s in servers}
            row(label, cells)

    for scenario, what in (("s5", "TLS"), ("s5h2c", "h2c")):
        if scenario in scenarios:
            cells = {s: idle_cells(runs[(scenario, s)]) for s in servers if (scenario, s) in runs}
            asked = next(runs[(scenario, s)][0].get("n", "?") for s in servers if s in cells)
            row(f"S5 idle {what} connections, N={asked}", cells)

    for key, what in (("curl_tls", "TLS"), ("curl_h2c", "h2c")):
        if "s5" in scenarios:
            times = {s: curl_cell(runs.get(("s5", s), []), key) for s in servers}
            if any(cell != NONE for cell, _ in times.values()):
                cells = {s: (cell, "", ms) for s, (cell, ms) in times.items()}
                row(f"S5 new {what} request (curl) while N idle TLS are held", cells)

    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["--:"] * (len(header) - 1)) + "|")
    for line in rows:
        print("| " + " | ".join(line) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
