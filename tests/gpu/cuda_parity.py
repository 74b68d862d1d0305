#!/usr/bin/env python3
"""CUDA checks of the runtime against transformers on the GPU machine.

1. float32 on CUDA against the committed CPU fixtures (tests/fixtures/models): max |logit diff| / max |logit|,
   routing sets, greedy continuations.
2. bf16 on CUDA, medium random models of every family (built here with transformers, saved in the hub layout):
   top-1 token agreement with transformers bf16 on the same checkpoint and input, and the share of (token, layer)
   whose routed expert set is identical. Targets: top-1 >= 99%, routing >= 98%.
Prints one table; exits non-zero when a target is missed.
    python3 tests/gpu/cuda_parity.py --cli BUILD/app/cli/moescope-cli
"""
import argparse, json, os, subprocess, sys, tempfile
import torch, transformers
from safetensors.torch import load_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "models")


def run_cli(cli, *args):
    r = subprocess.run([cli, *args], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"{' '.join(args[:3])}: {r.stderr.strip()}")
    return r.stdout


def routing_sets(tensors, prefix="routing."):
    out = {}
    for k, v in tensors.items():
        if k.startswith(prefix) and k.endswith(".ids"):
            out[int(k.split(".")[1])] = [set(r) for r in v.long().tolist()]
    return out


def fixture_checks(cli):
    rows = []
    for name in sorted(os.listdir(FIXTURES)):
        d = os.path.join(FIXTURES, name)
        if not os.path.isdir(d):
            continue
        ref = load_file(os.path.join(d, "reference.safetensors"))
        ids = ",".join(str(int(i)) for i in ref["input_ids"])
        out_path = os.path.join(tempfile.gettempdir(), f"{name}.cuda.safetensors")
        run_cli(cli, "logits", "--model", d, "--ids", ids, "--out", out_path, "--device", "cuda", "--dtype", "f32")
        got = load_file(out_path)
        rel = ((got["logits"] - ref["logits"]).abs().max() / ref["logits"].abs().max()).item()
        a, b = routing_sets(got), routing_sets(ref)
        total = sum(len(v) for v in b.values())
        same = sum(x == y for L in b for x, y in zip(a.get(L, []), b[L]))
        greedy = "-"
        if "greedy_ids" in ref:
            g = json.loads(run_cli(cli, "generate", "--model", d, "--ids", ids, "--max-new", "16", "--greedy",
                                   "--stop", "999999", "--device", "cuda", "--dtype", "f32"))["ids"]
            greedy = "same" if g == ref["greedy_ids"].tolist() else "DIFFERS"
        rows.append((name, rel, f"{same}/{total}", greedy))
    return rows


def medium_configs():
    common = dict(vocab_size=8192, hidden_size=512, num_hidden_layers=4, num_attention_heads=8,
                  intermediate_size=1024, max_position_embeddings=4096, initializer_range=0.1, bos_token_id=1,
                  eos_token_id=2, tie_word_embeddings=False)
    return {
        "deepseek_v2": ("deepseek_v2", dict(common, num_key_value_heads=8, q_lora_rank=None, kv_lora_rank=128,
                        qk_nope_head_dim=64, qk_rope_head_dim=32, v_head_dim=64, n_routed_experts=32,
                        n_shared_experts=2, num_experts_per_tok=6, moe_intermediate_size=256,
                        first_k_dense_replace=1, topk_method="greedy", n_group=1, topk_group=1)),
        "deepseek_v3": ("deepseek_v3", dict(common, num_key_value_heads=8, q_lora_rank=192, kv_lora_rank=128,
                        qk_nope_head_dim=64, qk_rope_head_dim=32, v_head_dim=64, n_routed_experts=32,
                        n_shared_experts=1, num_experts_per_tok=8, moe_intermediate_size=256,
                        first_k_dense_replace=1, n_group=4, topk_group=2, routed_scaling_factor=2.5)),
        "qwen2_moe": ("qwen2_moe", dict(common, num_key_value_heads=4, num_experts=32, num_experts_per_tok=4,
                      moe_intermediate_size=256, shared_expert_intermediate_size=1024)),
        "qwen3_moe": ("qwen3_moe", dict(common, num_key_value_heads=4, head_dim=64, num_experts=32,
                      num_experts_per_tok=8, moe_intermediate_size=256, norm_topk_prob=True)),
        "mixtral": ("mixtral", dict(common, num_key_value_heads=4, num_local_experts=8, num_experts_per_tok=2)),
        "olmoe": ("olmoe", dict(common, num_key_value_heads=8, num_experts=32, num_experts_per_tok=8,
                  intermediate_size=256)),
    }


def hf_logits_and_routing(model, ids):
    """bf16 logits [T, vocab] (float32 on the CPU) and, per MoE layer, the top-k expert set of every token."""
    routing = {}
    hooks = []
    for mname, mod in model.named_modules():
        if type(mod).__name__.endswith("Router"):
            layer = int(mname.split(".layers.")[1].split(".")[0])
            hooks.append(mod.register_forward_hook(
                lambda m, inp, out, layer=layer: routing.__setitem__(layer, [set(r) for r in out[2].reshape(-1, out[2].shape[-1]).tolist()])))
    with torch.no_grad():
        logits = model(ids.unsqueeze(0).cuda()).logits[0].float().cpu()
    for h in hooks:
        h.remove()
    return logits, routing


def bf16_checks(cli, tokens=256):
    rows = []
    work = tempfile.mkdtemp()
    for i, (name, (mtype, kw)) in enumerate(medium_configs().items()):
        torch.manual_seed(100 + i)
        cfg = transformers.AutoConfig.for_model(mtype, **kw)
        model = transformers.AutoModelForCausalLM.from_config(cfg, dtype=torch.bfloat16)
        path = os.path.join(work, name)
        model.save_pretrained(path)
        ids = torch.randint(3, cfg.vocab_size, (tokens,), generator=torch.Generator().manual_seed(i))
        # transformers' default (eager, one GEMM per expert) and its grouped_mm experts, the kernel we use.
        runs = {}
        for experts in ("grouped_mm", "eager"):  # eager last: its model also gives the float32 context below
            model = transformers.AutoModelForCausalLM.from_pretrained(
                path, dtype=torch.bfloat16, experts_implementation=experts).cuda().eval()
            runs[experts] = hf_logits_and_routing(model, ids)
        ref_logits, routing = runs["eager"]
        grouped_logits, grouped_routing = runs["grouped_mm"]
        # Context: how far transformers' own bf16 run is from its float32 run on the same weights.
        with torch.no_grad():
            f32_logits = model.float()(ids.unsqueeze(0).cuda()).logits[0].float().cpu()
        out_path = os.path.join(work, name + ".ours.safetensors")
        run_cli(cli, "logits", "--model", path, "--ids", ",".join(map(str, ids.tolist())), "--out", out_path,
                "--device", "cuda", "--dtype", "bf16")
        got = load_file(out_path)
        run_cli(cli, "logits", "--model", path, "--ids", ",".join(map(str, ids.tolist())), "--out", out_path + ".2",
                "--device", "cuda", "--dtype", "bf16")
        repeatable = torch.equal(got["logits"], load_file(out_path + ".2")["logits"])
        top1 = (got["logits"].argmax(-1) == ref_logits.argmax(-1)).float().mean().item()
        ours = routing_sets(got)
        total = sum(len(v) for v in routing.values())
        same = sum(x == y for L in routing for x, y in zip(ours.get(L, []), routing[L]))
        hf_vs_f32 = (ref_logits.argmax(-1) == f32_logits.argmax(-1)).float().mean().item()
        ours_vs_f32 = (got["logits"].argmax(-1) == f32_logits.argmax(-1)).float().mean().item()
        top1_grouped = (got["logits"].argmax(-1) == grouped_logits.argmax(-1)).float().mean().item()
        same_grouped = sum(x == y for L in grouped_routing for x, y in zip(ours.get(L, []), grouped_routing[L]))
        hf_eager_vs_grouped = (ref_logits.argmax(-1) == grouped_logits.argmax(-1)).float().mean().item()
        rows.append((name, top1, same / max(total, 1), total, hf_vs_f32, ours_vs_f32, top1_grouped,
                     same_grouped / max(total, 1), hf_eager_vs_grouped, repeatable))
        del model
        torch.cuda.empty_cache()
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    a = ap.parse_args()
    ok = True
    print("\n== CUDA float32 vs transformers CPU float32 fixtures (bound: rel <= 1e-4) ==")
    print(f"{'fixture':26} {'max|diff|/max|logit|':>22} {'routing sets':>14} {'greedy':>8}")
    for name, rel, routing, greedy in fixture_checks(a.cli):
        print(f"{name:26} {rel:22.2e} {routing:>14} {greedy:>8}")
        ok &= rel <= 1e-4 and greedy != "DIFFERS"
    print("\n== CUDA bf16 vs transformers bf16 (same checkpoint, 256 tokens; targets top-1 >= 99%, routing >= 98%) ==")
    print("top-1 / routing: against transformers' default (eager) experts and against its grouped_mm experts;"
          " context: transformers eager vs its own grouped_mm, and each bf16 run vs transformers float32")
    print(f"{'family':14} {'top-1 eager':>12} {'routing eager':>14} {'top-1 grouped':>14} {'routing grouped':>16}"
          f" {'(token,layer)':>14} {'hf eager vs grouped':>20} {'hf-bf16 vs f32':>15} {'ours-bf16 vs f32':>17}"
          f" {'ours run twice':>15}")
    for name, top1, routing, total, hf32, ours32, top1g, routingg, hfeg, same in bf16_checks(a.cli):
        print(f"{name:14} {100 * top1:11.2f}% {100 * routing:13.2f}% {100 * top1g:13.2f}% {100 * routingg:15.2f}%"
              f" {total:14d} {100 * hfeg:19.2f}% {100 * hf32:14.2f}% {100 * ours32:16.2f}%"
              f" {'identical' if same else 'DIFFERS':>15}")
        ok &= top1 >= 0.99 and routing >= 0.98
    sys.exit(0 if ok else 1)
