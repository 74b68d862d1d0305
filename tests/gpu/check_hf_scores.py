#!/usr/bin/env python3
"""The trained demo model read by transformers scores text the same as MoEScope: same token ids from HF tokenizers
and from our tokenizer, logits within float32 tolerance (CUDA, f32), and the same mean NLL (also in bf16).
    python3 tests/gpu/check_hf_scores.py --cli moescope-cli --model DIR --corpus corpus.txt.xz
"""
import argparse, json, lzma, subprocess, tempfile, os
import torch, transformers
from tokenizers import Tokenizer
from safetensors.torch import load_file

ap = argparse.ArgumentParser()
ap.add_argument("--cli", required=True)
ap.add_argument("--model", required=True)
ap.add_argument("--corpus", required=True)
a = ap.parse_args()

with lzma.open(a.corpus, "rt", encoding="utf-8") as f:
    f.seek(0)
    text = f.read(4_000_000)[-200_000:]  # a stretch from inside the corpus
text = text[text.index("\n") + 1:][:6000]
tmp = tempfile.mkdtemp()
open(os.path.join(tmp, "t.txt"), "w").write(text)
ours_ids = json.loads(subprocess.run([a.cli, "tokenize", "--tokenizer", a.model, "--text-file", os.path.join(tmp, "t.txt")],
                                     capture_output=True, text=True, check=True).stdout)["ids"]
hf_ids = Tokenizer.from_file(os.path.join(a.model, "tokenizer.json")).encode(text, add_special_tokens=False).ids
print(f"tokenizer: {len(ours_ids)} ids, identical to HF tokenizers: {ours_ids == hf_ids}")
ids = ours_ids[:1024]

refs = {}
for dtype, torch_dtype in (("f32", torch.float32), ("bf16", torch.bfloat16)):
    model = transformers.AutoModelForCausalLM.from_pretrained(a.model, dtype=torch_dtype).cuda().eval()
    with torch.no_grad():
        ref = model(torch.tensor([ids]).cuda()).logits[0].float().cpu()
    out = os.path.join(tmp, f"l_{dtype}.safetensors")
    subprocess.run([a.cli, "logits", "--model", a.model, "--ids", ",".join(map(str, ids)), "--out", out,
                    "--device", "cuda", "--dtype", dtype], check=True)
    got = load_file(out)["logits"]
    t = torch.tensor(ids[1:])
    nll = lambda lg: -torch.log_softmax(lg[:-1], -1).gather(1, t.unsqueeze(1)).mean().item()
    rel = ((got - ref).abs().max() / ref.abs().max()).item()
    top1 = (got.argmax(-1) == ref.argmax(-1)).float().mean().item()
    refs[dtype] = (ref, got)
    print(f"{dtype}: transformers NLL {nll(ref):.4f} (ppl {torch.tensor(nll(ref)).exp():.2f}), MoEScope NLL {nll(got):.4f}"
          f" (ppl {torch.tensor(nll(got)).exp():.2f}); max|diff|/max|logit| {rel:.2e}; top-1 agreement {100*top1:.2f}%")
    del model

# Context for the bf16 row: each implementation's bf16 run against transformers' float32 run.
f32_ref = refs["f32"][0]
for name, lg in (("transformers bf16", refs["bf16"][0]), ("MoEScope bf16", refs["bf16"][1])):
    print(f"{name} vs transformers f32: top-1 agreement {100 * (lg.argmax(-1) == f32_ref.argmax(-1)).float().mean():.2f}%")
