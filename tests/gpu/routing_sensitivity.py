#!/usr/bin/env python3
"""How a model's logits move when its attention outputs carry a rounding-sized relative error, and how much of that
comes from changed expert choices: transformers, float32, CPU; random token sequences; the input of every layer's
o_proj multiplied by (1 + eps * N(0, 1)); per sequence the largest relative change of the last `steps` positions'
logits (max |diff| / max |logit|), split into steps where some layer's top-k expert set changed and steps where none
did. A fixture model with random weights shows whether a difference between two attention kernels within rounding
of each other can move its logits as much as a decode step check reports.
  routing_sensitivity.py [MODEL_DIR] [--eps 3e-3] [--sequences 30] [--length 116] [--steps 16]
"""
import argparse

import torch
from transformers import AutoModelForCausalLM


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model", nargs="?", default="tests/fixtures/models/olmoe")
    ap.add_argument("--eps", type=float, default=3e-3)
    ap.add_argument("--sequences", type=int, default=30)
    ap.add_argument("--length", type=int, default=116)
    ap.add_argument("--steps", type=int, default=16)
    args = ap.parse_args()
    m = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32).eval()
    k = m.config.num_experts_per_tok
    routes, noise = [], {"eps": 0.0}

    def keep_route(module, inputs, output):
        logits = output[0] if isinstance(output, tuple) else output
        routes.append(logits.detach().topk(k, -1).indices.sort(-1).values.reshape(-1, k))

    def perturb(module, inputs):
        return (inputs[0] * (1 + noise["eps"] * torch.randn_like(inputs[0])),)

    for layer in m.model.layers:
        layer.self_attn.o_proj.register_forward_pre_hook(perturb)
        layer.mlp.gate.register_forward_hook(keep_route)
    with_change, without_change, changed_steps = [], [], 0
    with torch.no_grad():
        for seed in range(args.sequences):
            torch.manual_seed(seed)
            ids = torch.randint(3, m.config.vocab_size, (1, args.length))
            runs = []
            for eps in (0.0, args.eps):
                noise["eps"] = eps
                routes.clear()
                runs.append((m(ids).logits[0, -args.steps:], [r[-args.steps:] for r in routes]))
            (base, base_routes), (pert, pert_routes) = runs
            rel = (pert - base).abs().max(-1).values / base.abs().max(-1).values
            changed = torch.stack([(a != b).any(-1) for a, b in zip(base_routes, pert_routes)]).any(0)
            changed_steps += int(changed.sum())
            with_change += rel[changed].tolist()
            without_change += rel[~changed].tolist()
    total = args.sequences * args.steps
    print(f"{args.model}, attention outputs x (1 + {args.eps:g} N(0,1)), {args.sequences} sequences x {args.steps} "
          f"steps: an expert set changed in {changed_steps} of {total} steps")
    if with_change:
        print(f"  steps with a changed expert set: logits moved {min(with_change):.3f}-{max(with_change):.3f} "
              f"(max |diff| / max |logit|)")
    print(f"  steps without: median {torch.tensor(without_change).median().item():.4f}, "
          f"max {max(without_change):.3f}")


if __name__ == "__main__":
    main()
