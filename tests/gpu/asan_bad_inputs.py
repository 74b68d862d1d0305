#!/usr/bin/env python3
"""Hostile checkpoints and files through an AddressSanitizer + UBSan build of moescope-cli: every case must end with
a one-line error naming what is wrong and exit status 1 — no crash, no sanitizer report. A healthy fixture must still
load. Run by tests/gpu/asan_bad_inputs.sh (the sanitized build needs more cores than the dev machine has).
    python3 tests/gpu/asan_bad_inputs.py --cli moescope-cli --fixtures tests/fixtures/models
"""
import argparse, json, os, re, shutil, struct, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--cli", required=True)
ap.add_argument("--fixtures", required=True)
a = ap.parse_args()
tmp = tempfile.mkdtemp()


def copy(name, fixture="mixtral"):
    dst = os.path.join(tmp, name)
    shutil.copytree(os.path.join(a.fixtures, fixture), dst)
    return dst


def header(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def write(path, hdr, data):
    h = json.dumps(hdr).encode()
    open(path, "wb").write(struct.pack("<Q", len(h)) + h + data)


cases = []


def case(name, expect, fixture="mixtral"):
    def wrap(fn):
        d = copy(name, fixture)
        fn(d)
        cases.append((name, d, expect))
    return wrap


@case("truncated", "truncated|past the end|outside|size")
def _(d):
    p = os.path.join(d, "model.safetensors")
    raw = open(p, "rb").read()
    open(p, "wb").write(raw[: len(raw) // 2])


@case("header_length_past_end", "header")
def _(d):
    p = os.path.join(d, "model.safetensors")
    raw = open(p, "rb").read()
    open(p, "wb").write(struct.pack("<Q", 1 << 40) + raw[8:])


@case("overlapping_offsets", "overlap")
def _(d):
    p = os.path.join(d, "model.safetensors")
    hdr, data = header(p)
    names = [k for k in hdr if k != "__metadata__"]
    hdr[names[1]]["data_offsets"] = [hdr[names[0]]["data_offsets"][0],
                                     hdr[names[0]]["data_offsets"][0] + (hdr[names[1]]["data_offsets"][1] - hdr[names[1]]["data_offsets"][0])]
    write(p, hdr, data)


@case("shape_not_matching_config", "shape|expected")
def _(d):
    c = json.load(open(os.path.join(d, "config.json")))
    c["hidden_size"] = c["hidden_size"] * 2
    json.dump(c, open(os.path.join(d, "config.json"), "w"))


@case("missing_shard", "model-00003-of-00004.safetensors", fixture="qwen3_moe")
def _(d):
    os.remove(os.path.join(d, "model-00003-of-00004.safetensors"))


@case("unsupported_model_type", "unsupported architecture")
def _(d):
    c = json.load(open(os.path.join(d, "config.json")))
    c["model_type"] = "mamba_moe"
    json.dump(c, open(os.path.join(d, "config.json"), "w"))


@case("non_utf8_json", "UTF-8|utf-8|parse|JSON")
def _(d):
    open(os.path.join(d, "config.json"), "wb").write(b'{"model_type": "mixtral", "name": "\xff\xfe"}')


@case("garbage_header_json", "JSON|json|header")
def _(d):
    p = os.path.join(d, "model.safetensors")
    raw = open(p, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    open(p, "wb").write(raw[:8] + b"{" * n + raw[8 + n:])


failures = 0
env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=0", UBSAN_OPTIONS="print_stacktrace=1")
for name, d, expect in cases:
    r = subprocess.run([a.cli, "logits", "--model", d, "--ids", "1,2,3", "--out", os.path.join(tmp, "o.safetensors"),
                        "--device", "cpu"], capture_output=True, text=True, errors="replace", env=env)
    sanitizer = "Sanitizer" in r.stderr or "runtime error" in r.stderr
    ok = r.returncode == 1 and not sanitizer and re.search(expect, r.stderr) is not None
    failures += not ok
    line = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "(no message)"
    print(f"{'ok  ' if ok else 'FAIL'} {name:28s} exit {r.returncode}: {line[:160]}")
    if sanitizer:
        print(r.stderr[-3000:])

r = subprocess.run([a.cli, "logits", "--model", os.path.join(a.fixtures, "mixtral"), "--ids", "1,2,3", "--out",
                    os.path.join(tmp, "o.safetensors"), "--device", "cpu"], capture_output=True, text=True, errors="replace", env=env)
healthy = r.returncode == 0 and "Sanitizer" not in r.stderr and "runtime error" not in r.stderr
failures += not healthy
print(f"{'ok  ' if healthy else 'FAIL'} healthy fixture loads and runs under the sanitizers (exit {r.returncode})")
print(f"{len(cases) + 1 - failures}/{len(cases) + 1} passed")
sys.exit(1 if failures else 0)
