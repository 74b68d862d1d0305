#!/usr/bin/env bash
# GPU-machine run for mixed per-expert policies (some experts INT8, the rest INT4-g128, as `calibrate` writes them):
# every fused kernel check (the mixed banks' among them); decode and prefill of three real configurations with random
# weights under a policy putting every fourth expert of each layer in INT8, beside plain INT8 and INT4-g128; and
# greedy generation of fixture checkpoints quantized with INT8, INT4-g128 and such a policy, with the fused kernels
# and on the plain ATen path (MOESCOPE_FUSED_KERNELS=0): how many tokens they share, and any that decode without
# CUDA graphs.
#   [MODELS=...] [REFERENCE="int8 int4-g128"] [VALUES="- MOESCOPE_X=1"] bash tests/gpu/run_mixed_policy.sh
#   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
$build/tests/gpu/check_fused_kernels > "$out/fused_kernels.txt" 2>&1
grep -E "FAIL|passed|failed|mixed" "$out/fused_kernels.txt" | head -20

# A per-expert policy for a config.json: every fourth expert of each layer in INT8, the rest (and all else) INT4-g128.
policy_for() { # CONFIG OUT
    python3 - "$1" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
experts = c.get("num_experts") or c.get("n_routed_experts") or c.get("num_local_experts")
per_layer = {str(e): "int8" for e in range(0, experts, 4)}
policy = {"name": "every fourth expert int8", "default": "int4-g128",
          "experts": {str(l): per_layer for l in range(c["num_hidden_layers"])}}
json.dump(policy, open(sys.argv[2], "w"))
PY
}
for m in ${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}; do
    policy_for .carry/configs/$m.json /tmp/policy-$m.json
    for q in mixed:/tmp/policy-$m.json ${REFERENCE-int8 int4-g128}; do
        for v in ${VALUES:--}; do
            with_setting "$v" bench $m $q | sed "s|^{|{\"setting\": \"$v\", |" | tee -a "$out/bench.jsonl"
            [[ $q == mixed:* ]] || break
        done
    done
done
python3 - "$out/bench.jsonl" <<'PY' | tee "$out/mixed_table.md"
import json, sys
print("| model | weights | setting | decode tok/s | prefill tok/s | weight bytes | cuda graphs |")
print("| --- | --- | --- | ---: | ---: | ---: | --- |")
for line in open(sys.argv[1]):
    if line.startswith("{"):
        r = json.loads(line)
        q = "mixed (every 4th expert INT8)" if r["dtype"].startswith("mixed:") else r["dtype"]
        print(f"| {r['model'].split('/')[-1].removesuffix('.json')} | {q} | {r['setting']} | {r['decode_tok_s']:,.1f} | "
              f"{r['prefill_tok_s']:,.0f} | {r['weight_bytes'] / 1e9:.2f} GB | {r['cuda_graphs']} |")
PY

for f in olmoe qwen3_moe deepseek_v2 mixtral qwen2_moe deepseek_v3; do
    policy_for tests/fixtures/models/$f/config.json /tmp/policy-$f.json
    for q in int8 int4-g128 mixed:/tmp/policy-$f.json; do
        scheme=$q; [[ $q == mixed:* ]] || scheme=$q+minmax
        quantized_fixture_tokens $f-${q%%:*} $f $scheme "env MOESCOPE_FUSED_KERNELS=0 $cli" "$cli" || continue
        shared_token_count $f-${q%%:*}
    done
done | tee "$out/generation_same_tokens.txt"
echo "all done: $(( $(date +%s) - t0 )) s"
