"""Working memory of `moescope-cli quantize` against the sizes it is bounded by: makes a random bf16 checkpoint of a
real configuration (transformers' from_config + save_pretrained, the hub's layout; --layers keeps the first N layers
at their real shapes), quantizes it on --device and prints one JSON line: the tensors the quantizer allocated at its
peak (on the device and the CPU; the source is memory-mapped, not allocated), the largest decoder layer in bf16 and in
float32, and the whole model in bf16.

  python3 tests/gpu/quantize_memory.py --cli build/app/cli/moescope-cli --config CONFIG.json [--layers 4]
      [--device cpu|cuda] [--scheme int4-g128] [--work DIR] [--init-device cpu|cuda]
"""
import argparse
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import torch
from transformers import AutoConfig, AutoModelForCausalLM


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--layers", type=int, default=0, help="keep this many layers (0: all)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--scheme", default="int4-g128")
    ap.add_argument("--init-device", default="cpu", help="where the random checkpoint is drawn (cuda: much faster)")
    ap.add_argument("--work", default=None, help="folder for the two checkpoints (default: a temporary one)")
    a = ap.parse_args()

    raw = json.loads(Path(a.config).read_text())
    if a.layers:
        raw["num_hidden_layers"] = a.layers
    work = Path(a.work or tempfile.mkdtemp(prefix="quantize-memory-"))
    source, out = work / "source", work / "quantized"
    shutil.rmtree(out, ignore_errors=True)
    config = AutoConfig.for_model(**raw)
    torch.manual_seed(0)
    with torch.device(a.init_device):  # drawing 16B parameters takes minutes on the CPU, seconds on a GPU
        model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.02)
    model.save_pretrained(source)
    layer_params = [sum(p.numel() for p in layer.parameters()) for layer in model.model.layers]
    model_params = sum(p.numel() for p in model.parameters())
    del model
    if a.init_device != "cpu":
        torch.cuda.empty_cache()  # the quantizer's process gets the whole device

    run = subprocess.run([a.cli, "quantize", "--model", str(source), "--scheme", a.scheme, "--out", str(out),
                          "--device", a.device], check=True, stdout=subprocess.PIPE, text=True)  # progress on stderr
    report = json.loads(run.stdout)
    print(json.dumps({
        "config": Path(a.config).stem, "layers": len(layer_params), "device": a.device, "scheme": report["scheme"],
        "peak_tensor_bytes": report["peak_tensor_bytes"], "largest_layer_bf16_bytes": 2 * max(layer_params),
        "largest_layer_f32_bytes": 4 * max(layer_params), "model_bf16_bytes": 2 * model_params,
        "source_bytes": report["source_bytes"], "output_bytes": report["output_bytes"], "seconds": report["seconds"],
    }))
    if not a.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
