#!/usr/bin/env python3
"""Upper bound of batched decode throughput set by memory traffic, for the random-weight benchmark.

With random router weights every token picks a uniformly random set of k experts, so a step of B sequences reads
E * (1 - (1 - k/E)^B) experts a MoE layer instead of k (nearly all of them at B = 16), besides the dense weights once
and every sequence's own key/value cache. Reading all of that at the measured copy bandwidth, and nothing else, gives
the most tokens a second a batched step can produce; divided by the measured batch-1 decode speed it is the largest
"batch B / batch 1" speed-up any implementation can reach on this benchmark.

    python3 tests/gpu/batch_bound.py BENCH.jsonl [--batch 16] [--bandwidth 4.28e12]

BENCH.jsonl: `moescope-cli bench ... --json` lines of bf16 batch-1 decode (the models' configurations are read from
the "model" path each line names, or from --configs DIR by file name).
"""
import argparse
import json
import os

ap = argparse.ArgumentParser()
ap.add_argument("bench")
ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--bandwidth", type=float, default=4.28e12, help="measured device copy bandwidth, bytes/s")
ap.add_argument("--configs", help="folder of the configurations (default: the path in each bench line)")
ap.add_argument("--prompt", type=int, default=2048)
ap.add_argument("--gen", type=int, default=128)
a = ap.parse_args()

BF16 = 2


def moe_shape(c):
    """(MoE layers, experts, k, bytes of one expert's gate, up and down in bf16)."""
    layers = c["num_hidden_layers"]
    experts = c.get("num_experts") or c.get("n_routed_experts") or c.get("num_local_experts")
    inter = c.get("moe_intermediate_size") or c["intermediate_size"]
    dense_first = c.get("first_k_dense_replace") or 0
    return layers - dense_first, experts, c["num_experts_per_tok"], 3 * c["hidden_size"] * inter * BF16


def kv_bytes_per_position(c):
    layers = c["num_hidden_layers"]
    if c.get("kv_lora_rank"):  # MLA: the compressed latent and the rotated key part
        return layers * (c["kv_lora_rank"] + c["qk_rope_head_dim"]) * BF16
    head_dim = c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]
    kv_heads = c.get("num_key_value_heads") or c["num_attention_heads"]
    return layers * 2 * kv_heads * head_dim * BF16


print(f"| model | batch-1 tok/s | experts a MoE layer at batch {a.batch} | bytes a step, batch 1 | batch {a.batch} "
      f"| batch {a.batch} bound, tok/s | bound / batch 1 |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
seen = set()
for line in open(a.bench):
    line = line.strip()
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    if r.get("dtype") != "bf16" or r.get("batch", 1) != 1 or r["model"] in seen:
        continue
    seen.add(r["model"])
    path = os.path.join(a.configs, os.path.basename(r["model"])) if a.configs else r["model"]
    c = json.load(open(path))
    moe_layers, experts, k, expert_bytes = moe_shape(c)
    routed_one = moe_layers * k * expert_bytes
    dense = r["params_active"] * BF16 - routed_one  # attention, shared experts, dense layers, embedding row, LM head
    span = a.prompt + a.gen // 2  # the mean cache length over the generated tokens
    kv = kv_bytes_per_position(c) * span
    distinct = experts * (1 - (1 - k / experts) ** a.batch)
    one = dense + routed_one + kv
    many = dense + moe_layers * distinct * expert_bytes + a.batch * kv
    bound = a.batch * a.bandwidth / many
    name = os.path.basename(r["model"]).removesuffix(".json")
    print(f"| {name} | {r['decode_tok_s']:,.0f} | {distinct:.1f} of {experts} (batch 1: {k}) | {one / 1e9:.2f} GB "
          f"| {many / 1e9:.2f} GB | {bound:,.0f} | {bound / r['decode_tok_s']:.2f}x |")
