#!/usr/bin/env python3
"""transformers' speed on the same random-weight configurations that `moescope-cli bench --random-weights` measures:
prefill of --prompt tokens (warm; the median of --prefill-runs) and batch-1 greedy decode of --gen tokens with a KV
cache, bf16, on CUDA. Prints one JSON line per configuration with the same keys as the CLI (prefill_tok_s, prefill_ms,
decode_tok_s, ms_per_token_median).
    python3 tests/gpu/peer_bench.py --config cfg.json [--config ...] [--prompt 2048] [--gen 128] [--experts grouped_mm]
"""
import argparse, json, statistics, time
import torch, transformers

ap = argparse.ArgumentParser()
ap.add_argument("--config", action="append", required=True)
ap.add_argument("--prompt", type=int, default=2048)
ap.add_argument("--gen", type=int, default=128)
ap.add_argument("--prefill-runs", type=int, default=3, help="timed prefills after a warm-up one (median reported)")
ap.add_argument("--experts", default="grouped_mm", help="experts_implementation (grouped_mm is transformers' fastest)")
a = ap.parse_args()

for path in a.config:
    cfg = transformers.AutoConfig.from_pretrained(path)
    kwargs = {"experts_implementation": a.experts} if a.experts else {}
    try:
        with torch.device("cuda"):
            model = transformers.AutoModelForCausalLM.from_config(cfg, torch_dtype=torch.bfloat16, **kwargs)
    except (TypeError, ValueError):  # architecture without selectable experts implementation
        with torch.device("cuda"):
            model = transformers.AutoModelForCausalLM.from_config(cfg, torch_dtype=torch.bfloat16)
    model.eval()
    ids = torch.randint(3, cfg.vocab_size, (1, a.prompt), device="cuda")
    with torch.inference_mode():
        model(ids, use_cache=True)  # warm-up at the measured shapes, as the CLI does
        prefill_ms = []
        for _ in range(a.prefill_runs):  # the median of these, as the CLI reports
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            out = model(ids, use_cache=True)
            nxt = out.logits[:, -1].argmax(-1, keepdim=True)
            torch.cuda.synchronize()
            prefill_ms.append((time.perf_counter() - t0) * 1e3)
        prefill = a.prompt / (statistics.median(prefill_ms) / 1e3)
        cache, times = out.past_key_values, []
        for _ in range(a.gen):
            t = time.perf_counter()
            out = model(nxt, past_key_values=cache, use_cache=True)
            cache, nxt = out.past_key_values, out.logits[:, -1].argmax(-1, keepdim=True)
            nxt.item()  # synchronises, as the CLI's argmax does
            times.append((time.perf_counter() - t) * 1e3)
    print(json.dumps({"model": path, "peer": "transformers " + transformers.__version__, "experts": a.experts,
                      "prefill_tok_s": prefill, "prefill_ms": prefill_ms,
                      "decode_tok_s": len(times) / (sum(times) / 1e3),
                      "ms_per_token_median": statistics.median(times)}), flush=True)
    del model, cache, out
    torch.cuda.empty_cache()
