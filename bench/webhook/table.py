#!/usr/bin/env python3
"""Markdown tables of medians from the results file bench/webhook/run.sh writes."""
import collections
import statistics
import sys

wrk = collections.defaultdict(list)  # (point, label) -> [(rep, fields, peak_kb)]
mem = collections.defaultdict(dict)  # label -> {idle_rss, hwm, after_rss: kB}
ready = {}
labels = []
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if f[1] not in labels:
        labels.append(f[1])
    if f[0] == "wrk":
        fields = dict(kv.split("=") for kv in f[4].split()[1:])
        wrk[(f[2], f[1])].append((int(f[3]), {k: float(v) for k, v in fields.items()}, int(f[5] or 0)))
    elif f[0] == "mem":
        mem[f[1]][f[2]] = int(f[3])
    elif f[0] == "ready":
        ready[f[1]] = float(f[2])

med = statistics.median
mib = lambda kb: "%.1f" % (kb / 1024)
print("| point | server | req/s | × nginx | p50 ms | p99 ms | CPU µs/req | errors | peak RSS MiB |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
points = list(dict.fromkeys(p for p, _ in wrk))
for point in points:
    ref = {rep: f["rps"] for rep, f, _ in wrk[(point, "nginx")]}
    for label in labels:
        runs = wrk.get((point, label))
        if not runs:
            continue
        # The ratio pairs each run with nginx's run of the same round (they ran back to back).
        ratio = med([f["rps"] / ref[rep] for rep, f, _ in runs if ref.get(rep)]) if ref else 0
        print("| %s | %s | %.0f | %s | %.2f | %.2f | %.0f | %d | %s |" % (
            point, label, med([f["rps"] for _, f, _ in runs]),
            "—" if label == "nginx" else "%.2f" % ratio,
            med([f["p50_ms"] for _, f, _ in runs]), med([f["p99_ms"] for _, f, _ in runs]),
            med([f["cpu_s"] * 1e6 / max(f["requests"], 1) for _, f, _ in runs]),
            sum(f["non2xx"] + f["errors"] for _, f, _ in runs), mib(max(p for _, _, p in runs))))
print()
print("| server | RSS idle at start MiB | peak RSS under load MiB | VmHWM MiB | RSS idle after load MiB | start → /readyz 200 ms |")
print("|---|---:|---:|---:|---:|---:|")
for label in labels:
    peak = max((p for (pt, lb), runs in wrk.items() if lb == label for _, _, p in runs), default=0)
    m = mem[label]
    print("| %s | %s | %s | %s | %s | %s |" % (
        label, mib(m.get("idle_rss", 0)), mib(peak), mib(m.get("hwm", 0)),
        mib(m.get("after_rss", 0)), "%.1f" % ready[label] if label in ready else "—"))
