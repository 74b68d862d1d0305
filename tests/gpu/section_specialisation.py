#!/usr/bin/env python3
"""Do the demo model's experts specialise? For each fixture 10-K, `moescope-cli trace` records the routing of its
financial statements (Item 8) and its risk factors (Item 1A); the Jensen-Shannon divergence (bits) between the two
sections' expert-load distributions at every MoE layer is compared with the divergence between two random halves of
the same section (paragraphs shuffled with a fixed seed and dealt alternately, so each half is a whole-paragraph
sample of the section). Pooled counts over the reports are reported too.
    python3 tests/gpu/section_specialisation.py --cli moescope-cli --model DIR --dir EVAL_DIR --out RESULT.json
EVAL_DIR holds NAME_item1a.txt and NAME_item8.txt (pdftotext of the sections' pages).
"""
import argparse, glob, json, math, os, random, subprocess, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--cli", required=True)
ap.add_argument("--model", required=True)
ap.add_argument("--dir", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--device", default="cuda")
ap.add_argument("--seed", type=int, default=20261128)
a = ap.parse_args()
tmp = tempfile.mkdtemp()


def trace(text, name):
    path = os.path.join(tmp, name + ".txt")
    open(path, "w", encoding="utf-8").write(text)
    out = os.path.join(tmp, name + ".json")
    subprocess.run([a.cli, "trace", "--model", a.model, "--text-file", path, "--out", out, "--device", a.device,
                    "--dtype", "f32", "--no-router-entropy"], check=True, capture_output=True)
    j = json.load(open(out))
    return {l["layer"]: l["counts"] for l in j["layers"]}, j["tokens"]


def jsd(p, q):
    sp, sq = sum(p), sum(q)
    p, q = [x / sp for x in p], [x / sq for x in q]
    m = [(x + y) / 2 for x, y in zip(p, q)]
    kl = lambda u: sum(x * math.log2(x / y) for x, y in zip(u, m) if x > 0)
    return (kl(p) + kl(q)) / 2


def halves(text, rng):
    paras = [p for p in text.split("\n\n") if p.strip()]
    rng.shuffle(paras)
    return "\n\n".join(paras[0::2]), "\n\n".join(paras[1::2])


def add(acc, counts):
    for layer, c in counts.items():
        acc[layer] = [x + y for x, y in zip(acc.get(layer, [0] * len(c)), c)]


rng = random.Random(a.seed)
reports, pooled = [], {k: {} for k in ("item8", "item1a", "item8_a", "item8_b", "item1a_a", "item1a_b")}
for item8 in sorted(glob.glob(os.path.join(a.dir, "*_item8.txt"))):
    name = os.path.basename(item8)[: -len("_item8.txt")]
    texts = {"item8": open(item8, encoding="utf-8").read(),
             "item1a": open(os.path.join(a.dir, name + "_item1a.txt"), encoding="utf-8").read()}
    texts["item8_a"], texts["item8_b"] = halves(texts["item8"], rng)
    texts["item1a_a"], texts["item1a_b"] = halves(texts["item1a"], rng)
    counts, tokens = {}, {}
    for key, text in texts.items():
        counts[key], tokens[key] = trace(text, f"{name}_{key}")
        add(pooled[key], counts[key])
    layers = sorted(counts["item8"])
    row = {"report": name, "tokens": {k: tokens[k] for k in ("item8", "item1a")}, "layers": []}
    for layer in layers:
        row["layers"].append({"layer": layer,
                              "item8_vs_item1a": jsd(counts["item8"][layer], counts["item1a"][layer]),
                              "item8_halves": jsd(counts["item8_a"][layer], counts["item8_b"][layer]),
                              "item1a_halves": jsd(counts["item1a_a"][layer], counts["item1a_b"][layer])})
    reports.append(row)

layers = sorted(pooled["item8"])
middle = layers[len(layers) // 2]
summary = []
for layer in layers:
    summary.append({"layer": layer,
                    "item8_vs_item1a": jsd(pooled["item8"][layer], pooled["item1a"][layer]),
                    "item8_halves": jsd(pooled["item8_a"][layer], pooled["item8_b"][layer]),
                    "item1a_halves": jsd(pooled["item1a_a"][layer], pooled["item1a_b"][layer])})
result = {"unit": "bits", "middle_layer": middle, "seed": a.seed, "pooled": summary, "reports": reports,
          "method": __doc__.strip().splitlines()[0]}
json.dump(result, open(a.out, "w"), indent=1)
print(f"{'layer':>5} {'Item 8 vs 1A':>13} {'8 halves':>9} {'1A halves':>9}   (pooled over {len(reports)} reports, bits)")
for s in summary:
    mark = "  <- middle" if s["layer"] == middle else ""
    print(f"{s['layer']:>5} {s['item8_vs_item1a']:>13.4f} {s['item8_halves']:>9.4f} {s['item1a_halves']:>9.4f}{mark}")
for r in reports:
    m = next(l for l in r["layers"] if l["layer"] == middle)
    print(f"{r['report']}: layer {middle}: Item 8 vs 1A {m['item8_vs_item1a']:.4f}, halves {m['item8_halves']:.4f} / "
          f"{m['item1a_halves']:.4f} bits ({r['tokens']['item8']} + {r['tokens']['item1a']} tokens)")
