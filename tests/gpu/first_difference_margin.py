#!/usr/bin/env python3
"""Where two greedy generations of one prompt part, how close the two tokens were: the logits (prefill path, bf16,
CUDA) after the prompt and the common prefix, the gap between the two tokens' logits and the spread of the logits.
A gap far below the spread is a near tie that any rounding difference decides; a large gap means a real difference.
  first_difference_margin.py --cli CLI --model DIR --prompt IDS --a IDS --b IDS
"""
import argparse
import subprocess
import tempfile

from safetensors.numpy import load_file


def ids(text):
    return [int(v) for v in text.split(",") if v]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompt", required=True)
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    args = ap.parse_args()
    prompt, a, b = ids(args.prompt), ids(args.a), ids(args.b)
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)
    if at is None:
        print("the generations agree")
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = f"{tmp}/logits.safetensors"
        seq = prompt + a[:at]
        subprocess.run([args.cli, "logits", "--model", args.model, "--ids", ",".join(map(str, seq)), "--out", out,
                        "--device", "cuda", "--dtype", "bf16"], check=True, capture_output=True)
        last = load_file(out)["logits"][-1]
    gap = abs(float(last[a[at]]) - float(last[b[at]]))
    print(f"first difference at generated token {at}: {a[at]} vs {b[at]}; their logits differ by {gap:.4f} "
          f"(logits' standard deviation {float(last.std()):.4f}, top-1 {int(last.argmax())})")


if __name__ == "__main__":
    main()
