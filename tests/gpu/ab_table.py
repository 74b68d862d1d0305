#!/usr/bin/env python3
"""The Markdown table of an A/B decode run: bench JSON lines (moescope-cli bench --json) tagged with a field that
names the variant, grouped by model and dtype; each variant's runs, the speed-up of the best runs for decode and
prefill, the "after" runs' share of the bandwidth floor and their recorded-vs-eager step checks.
    ab_table.py BENCH.jsonl FIELD BEFORE AFTER   (e.g. bench_ab.jsonl variant before after)"""
import collections
import json
import sys


def main(path, field, before, after):
    rows = [json.loads(line) for line in open(path) if line.startswith("{")]
    runs = collections.defaultdict(lambda: collections.defaultdict(list))
    for r in rows:
        runs[(r["model"].split("/")[-1].removesuffix(".json"), r["dtype"])][str(r[field])].append(r)
    print(f"| model | dtype | decode tok/s, {before} | {after} | speed-up | prefill tok/s, {before} | {after} "
          "| speed-up | share of the floor | same top-1 recorded vs eager |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for (model, dtype), by in runs.items():
        first, second = by.get(before, []), by.get(after, [])
        if not first or not second:
            continue
        columns = []
        for key in ("decode_tok_s", "prefill_tok_s"):
            speeds = [" / ".join("%.0f" % r[key] for r in rs) for rs in (first, second)]
            ratio = max(r[key] for r in second) / max(r[key] for r in first)
            columns.append(f"{speeds[0]} | {speeds[1]} | {ratio:.3f}x")
        floor = 100 * max(r["floor_fraction"] for r in second)
        checks = ", ".join("%d/%d" % (r["step_check"]["same_top1"], r["step_check"]["steps"]) for r in second)
        print(f"| {model} | {dtype} | {columns[0]} | {columns[1]} | {floor:.0f}% | {checks} |")


if __name__ == "__main__":
    main(*sys.argv[1:5])
