"""What limits top-1 agreement on the demo model, measured with transformers (CPU or GPU, float32 baseline):

  - the noise floor: the same bf16 weights computed in bf16 instead of float32;
  - each also on the tokens the baseline decides (top-1 probability ahead of the second by at least 0.1);
  - round-to-nearest INT8 (per row) and INT4 (groups of 128, symmetric), as moescope-cli quantizes them, alone and
    after a rotation of the residual stream (QuaRot / SpinQuant style: RMSNorm weights folded into the next matrices,
    head untied, every matrix's residual side multiplied by one random orthogonal matrix; exact in float32).

Usage: python3 tests/gpu/demo_top1_noise.py TEXT_FILE [TOKENS]   (e.g. pdftotext of the 3M 10-K, 20480 tokens)
"""
import sys

import torch
from tokenizers import Tokenizer
from transformers import AutoModelForCausalLM

MODEL = "resources/models/finmoe-tiny"
WINDOW = 1024


def load():
    return AutoModelForCausalLM.from_pretrained(MODEL, dtype=torch.float32).eval()


@torch.no_grad()
def logits_of(model, windows):
    return torch.cat([model(torch.tensor([w])).logits[0].float() for w in windows])


def int8_rows(w):
    s = w.abs().amax(-1, keepdim=True) / 127
    s = torch.where(s == 0, torch.ones_like(s), s)
    return (w / s).round().clamp(-127, 127) * s


def int4_groups(w, g=128):
    cols = w.shape[-1]
    x = torch.nn.functional.pad(w, (0, (-cols) % g)).reshape(*w.shape[:-1], -1, g)
    s = (x.abs().amax(-1, keepdim=True) / 7).half().float()
    s = torch.where(s == 0, torch.ones_like(s), s)
    return ((x / s).round().clamp(-8, 7) * s).reshape(*w.shape[:-1], -1)[..., :cols]


@torch.no_grad()
def quantize(model, fn):
    seen = set()
    for name, p in model.named_parameters():
        # matrices only; the router (mlp.gate) stays in full precision, as moescope-cli keeps it
        if id(p) in seen or p.ndim < 2 or name.endswith("mlp.gate.weight"):
            continue
        seen.add(id(p))
        p.copy_(fn(p.data))


def residual_side(module, output_side):
    """The weights of `module` that read (or, output_side, write) the residual stream."""
    names_in = ("q_proj.weight", "q_a_proj.weight", "kv_a_proj_with_mqa.weight", "gate_proj.weight", "up_proj.weight",
                "gate_up_proj", "gate.weight")
    names_out = ("o_proj.weight", "down_proj.weight", "down_proj")
    return [p for n, p in module.named_parameters() if n.endswith(names_out if output_side else names_in)]


@torch.no_grad()
def rotate(model, q):
    head = torch.nn.Parameter(model.model.embed_tokens.weight.data.clone())
    model.lm_head.weight = head
    model.config.tie_word_embeddings = False

    def fold(weights, norm):
        for w in weights:
            w.mul_(norm.weight.data)
        norm.weight.data.fill_(1.0)

    for layer in model.model.layers:
        attn_in = residual_side(layer.self_attn, False)
        mlp_in = residual_side(layer.mlp, False)
        fold(attn_in, layer.input_layernorm)
        fold(mlp_in, layer.post_attention_layernorm)
        for w in attn_in + mlp_in:
            w.copy_(w @ q)
        for w in residual_side(layer.self_attn, True) + residual_side(layer.mlp, True):
            w.copy_(q.T @ w)
    fold([head.data], model.model.norm)
    head.data.copy_(head.data @ q)
    model.model.embed_tokens.weight.data.copy_(model.model.embed_tokens.weight.data @ q)


DECIDED_MARGIN = 0.1  # as moescope-cli compare's default --decided-margin


def report(tag, base, logits):
    lp0, lp1 = base.log_softmax(-1), logits.log_softmax(-1)
    kl = (lp0.exp() * (lp0 - lp1)).sum(-1)
    same = base.argmax(-1) == logits.argmax(-1)
    top2 = lp0.exp().topk(2, -1).values
    decided = top2[:, 0] - top2[:, 1] >= DECIDED_MARGIN
    print(f"{tag:34s} top-1 {100 * same.float().mean().item():6.2f}%  on decided tokens "
          f"({100 * decided.float().mean().item():.1f}%) {100 * same[decided].float().mean().item():6.2f}%  "
          f"KL mean {kl.mean().item():.5f}  p99 {kl.quantile(0.99).item():.4f}", flush=True)


def main():
    torch.manual_seed(0)
    text = open(sys.argv[1]).read()
    tokens = int(sys.argv[2]) if len(sys.argv) > 2 else 20480
    ids = Tokenizer.from_file(f"{MODEL}/tokenizer.json").encode(text).ids[:tokens]
    windows = [ids[i:i + WINDOW] for i in range(0, len(ids) - WINDOW + 1, WINDOW)]
    base = logits_of(load(), windows)
    report("bf16 compute, same weights", base, logits_of(load().to(torch.bfloat16), windows))
    q, r = torch.linalg.qr(torch.randn(320, 320, dtype=torch.float64))
    q = (q * torch.sign(torch.diag(r))).float()
    rotated = load()
    rotate(rotated, q)
    report("rotated, not quantized", base, logits_of(rotated, windows))
    for name, fn in (("int8", int8_rows), ("int4-g128", int4_groups)):
        plain = load()
        quantize(plain, fn)
        report(name, base, logits_of(plain, windows))
        rotated = load()
        rotate(rotated, q)
        quantize(rotated, fn)
        report(name + " after rotation", base, logits_of(rotated, windows))


if __name__ == "__main__":
    main()
