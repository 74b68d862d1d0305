#!/usr/bin/env python3
"""Summarises a Chrome trace written by `moescope-cli bench --profile`: device time in kernels against the wall time
of the profiled region, kernel and launch counts, and the kernels that take most device time.
With --exposed (a trace with chained launches on, where kernels overlap), each kernel is also charged the time by
which it moved the end of the device's work: its end minus the latest end before it (gaps over 20 us, the host's,
not counted), summed by kernel: what each kernel adds to a step's critical path. --longest N lists the N longest
kernel calls of the kernels that take most device time (one launch of a kernel can stand out: the LM head's GEMV
among the layers' projections).
    python3 tests/gpu/trace_summary.py TRACE.json [--top 15] [--host-ops 20] [--exposed] [--longest 3]"""
import argparse
import collections
import json

ap = argparse.ArgumentParser()
ap.add_argument("trace")
ap.add_argument("--top", type=int, default=15)
ap.add_argument("--host-ops", type=int, default=0, help="also list this many host operators by total time")
ap.add_argument("--exposed", action="store_true", help="also charge each kernel the time it adds to the critical path")
ap.add_argument("--longest", type=int, default=0, help="also list this many longest calls of the top kernels")
a = ap.parse_args()
events = json.load(open(a.trace))["traceEvents"]
kernels = [e for e in events if e.get("cat") == "kernel"]
runtime = [e for e in events if e.get("cat") in ("cuda_runtime", "cuda_driver")]
ops = [e for e in events if e.get("cat") == "cpu_op"]
spans = [e for e in events if "dur" in e and e.get("ph") == "X"]
t0 = min(e["ts"] for e in spans)
t1 = max(e["ts"] + e["dur"] for e in spans)
busy = sum(e["dur"] for e in kernels)
launches = collections.Counter(e["name"] for e in runtime)
print(f"{a.trace}: wall {(t1 - t0) / 1e3:.2f} ms, kernels {len(kernels)} taking {busy / 1e3:.2f} ms of device time "
      f"({100 * busy / max(t1 - t0, 1):.0f}%), cpu ops {len(ops)}")
print("  runtime calls: " + ", ".join(f"{k} {v}" for k, v in launches.most_common(8)))
by = collections.defaultdict(lambda: [0, 0.0])
for e in kernels:
    by[e["name"][:110]][0] += 1
    by[e["name"][:110]][1] += e["dur"]
for name, (n, dur) in sorted(by.items(), key=lambda kv: -kv[1][1])[: a.top]:
    print(f"  {dur / 1e3:8.3f} ms {n:6d}x  {name}")
    if a.longest:
        calls = sorted((e["dur"] for e in kernels if e["name"][:110] == name), reverse=True)
        median = calls[len(calls) // 2]
        print(f"             longest calls {', '.join(f'{d:.1f}' for d in calls[: a.longest])} us, median {median:.1f}")

# Which operators copy between host and device or wait for the device (each such wait stalls the host's launches).
waits = [e for e in runtime if e["name"] in ("cudaMemcpyAsync", "cudaStreamSynchronize", "cudaDeviceSynchronize",
                                             "cudaMemcpy", "cudaEventSynchronize")]
if waits and ops:
    by_thread = collections.defaultdict(list)
    for o in ops:
        by_thread[o.get("tid")].append(o)
    owners = collections.Counter()
    for w in waits:
        enclosing = [o for o in by_thread.get(w.get("tid"), []) if o["ts"] <= w["ts"] <= o["ts"] + o["dur"]]
        chain = " > ".join(o["name"] for o in sorted(enclosing, key=lambda o: -o["dur"])[:4]) or "(no operator)"
        owners[f"{w['name']} in {chain}"] += 1
    print("  host-device copies and waits by operator:")
    for what, n in owners.most_common(12):
        print(f"    {n:5d}x  {what[:150]}")

# Where the host's time goes (a host-bound region: the device idles between kernels): operators by total duration,
# nested ones counted inside their callers too, and the device's idle gaps between kernels.
if a.host_ops and ops:
    total = collections.defaultdict(lambda: [0, 0.0])
    for o in ops:
        total[o["name"]][0] += 1
        total[o["name"]][1] += o["dur"]
    print("  host operators by total time (inclusive):")
    for name, (n, dur) in sorted(total.items(), key=lambda kv: -kv[1][1])[: a.host_ops]:
        print(f"    {dur / 1e3:8.3f} ms {n:6d}x  {name[:100]}")
    starts = sorted((e["ts"], e["ts"] + e["dur"]) for e in kernels)
    gaps, end = [], starts[0][1] if starts else 0
    for b, e in starts[1:]:
        if b > end:
            gaps.append(b - end)
        end = max(end, e)
    if gaps:
        print(f"  device idle between kernels: {sum(gaps) / 1e3:.2f} ms in {len(gaps)} gaps, "
              f"largest {max(gaps) / 1e3:.3f} ms")

if a.exposed and kernels:
    exposed = collections.defaultdict(lambda: [0, 0.0])
    latest = None
    for e in sorted(kernels, key=lambda e: e["ts"]):
        end = e["ts"] + e["dur"]
        if latest is None or e["ts"] - latest > 20:
            added = e["dur"]
        else:
            added = max(0.0, end - latest)
        latest = end if latest is None else max(latest, end)
        exposed[e["name"][:110]][0] += 1
        exposed[e["name"][:110]][1] += added
    total = sum(d for _, d in exposed.values())
    print(f"  critical path by kernel (time each adds beyond the latest end before it), {total / 1e3:.2f} ms in all:")
    for name, (n, dur) in sorted(exposed.items(), key=lambda kv: -kv[1][1])[: a.top]:
        print(f"  {dur / 1e3:8.3f} ms {n:6d}x {dur / n:7.2f} us a call  {name}")
