#!/usr/bin/env python3
"""How fast quantized batch-1 decode can get with the step's other kernels as they are.

A quantized step's kernels that read no weights (attention over the cache, norms, the router, the experts'
combination, the token's choice) do the same work as in bf16. Keep their measured time on the step's critical path,
let the kernels that read weights take only their bytes at the measured copy bandwidth (100%: more than any kernel
reaches), and the sum is the shortest step this design of the step allows. Divided into the measured bf16 step it is
the largest "quantized / bf16" decode speed-up without changing those other kernels; for a target speed-up the script
also prints the share of the bandwidth the weight kernels would need with the rest as it is, and how much of the
rest's time would have to go with the weights read at 100% and at 80% of the bandwidth.

    python3 tests/gpu/quant_bound.py CRITICAL_PATH.txt BENCH.jsonl [--steps 8] [--bandwidth 4.28e12]

CRITICAL_PATH.txt: `run_critical_path.sh`'s output (`trace_summary.py` sections "== MODEL DTYPE ..." with their
"critical path by kernel" lists, traces of --steps decode steps); BENCH.jsonl: `moescope-cli bench ... --json` lines
of the same models in bf16 and the quantized dtype (weight bytes per token, ms per token). INT8 is estimated from the
same trace with half of bf16's weight bytes (its per-row scales are under 0.1% more).
"""
import argparse
import json
import os
import re

ap = argparse.ArgumentParser()
ap.add_argument("critical_path")
ap.add_argument("bench")
ap.add_argument("--steps", type=int, default=8, help="decode steps in each trace")
ap.add_argument("--bandwidth", type=float, default=4.28e12, help="measured device copy bandwidth, bytes/s")
ap.add_argument("--dtype", default="int4-g128", help="the quantized dtype traced")
ap.add_argument("--targets", default="int8=1.6,int4-g128=2.3", help="target speed-ups over bf16")
a = ap.parse_args()

# Kernels whose time is reading weights: the projections' GEMVs and the experts' gate/up and down (bf16, INT4
# tensor-core and CUDA-core quantized ones) and the dequantized embedding row. MLA's absorbed query and value
# kernels also read kv_b, but take the same time in bf16 and INT4 (the cache dominates), so they count as the rest.
WEIGHT_KERNEL = re.compile(r"Mma(GateUp|Down|Gemv)Kernel|quantGemvKernel|gemvKernel|gateUpSiluKernel|downSlotKernel"
                           r"|dequantizeKernel|indexSelect")
SECTION = re.compile(r"^== (\S+) (\S+)")
ROW = re.compile(r"^\s+([\d.]+) ms\s+\d+x\s+[\d.]+ us a call\s+(.*)$")


def read_critical_paths(path):
    """{(model, dtype): (ms of weight kernels, ms of the rest)} per decode step."""
    paths, key, inside = {}, None, False
    for line in open(path):
        m = SECTION.match(line)
        if m:
            key, inside = (m.group(1), m.group(2)), False
            paths[key] = [0.0, 0.0]
        elif "critical path by kernel" in line:
            inside = True
        elif inside and key:
            r = ROW.match(line)
            if r:
                paths[key][0 if WEIGHT_KERNEL.search(r.group(2)) else 1] += float(r.group(1)) / a.steps
    return paths


def read_bench(path):
    """{(model, dtype): bench line}, the first line of each."""
    lines = {}
    for line in open(path):
        if line.strip().startswith("{"):
            r = json.loads(line)
            key = (os.path.basename(r["model"]).removesuffix(".json"), r["dtype"])
            lines.setdefault(key, r)
    return lines


paths, bench = read_critical_paths(a.critical_path), read_bench(a.bench)
targets = dict(t.split("=") for t in a.targets.split(","))
print(f"| model | bf16 step, ms | {a.dtype} step (measured), ms | its other kernels, ms | dtype | weight bytes a token "
      f"| shortest step, ms | speed-up bound (measured) | target | bandwidth it needs | other kernels' time to go, "
      f"weights at 100% / 80% |")
print("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for (model, dtype), (weights_ms, other_ms) in paths.items():
    if dtype != a.dtype or (model, "bf16") not in bench or (model, dtype) not in bench:
        continue
    bf16, quant = bench[(model, "bf16")], bench[(model, dtype)]
    bf16_ms, quant_ms = bf16["ms_per_token_median"], quant["ms_per_token_median"]
    for name, weight_bytes in ((dtype, quant["active_bytes_per_token"]), ("int8", bf16["active_bytes_per_token"] / 2)):
        read_ms = weight_bytes / a.bandwidth * 1e3
        shortest = other_ms + read_ms
        measured = f" ({bf16_ms / quant_ms:.2f}x)" if name == dtype else ""
        target = float(targets.get(name, "nan"))
        allowed = bf16_ms / target
        spare = allowed - other_ms  # time left for the weights with the other kernels as they are
        needs = f"{read_ms / spare:.0%}" if spare > 0 else "none: the rest alone takes longer"
        cut = [max(0.0, 1 - (allowed - read_ms / share) / other_ms) for share in (1.0, 0.8)]
        print(f"| {model} | {bf16_ms:.3f} | {quant_ms:.3f} | {other_ms:.3f} | {name} | {weight_bytes / 1e6:,.0f} MB "
              f"| {shortest:.3f} | {bf16_ms / shortest:.2f}x{measured} | {target:.1f}x | {needs} "
              f"| {cut[0]:.0%} / {cut[1]:.0%} |")
