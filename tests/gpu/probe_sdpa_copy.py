"""Which kernels SDPA runs for a GQA decode step shaped as the engine calls it (nn/attention.cpp: q [T, H, D] and the
cache [S, Hkv, D] viewed as [1, H, T, D] / [1, Hkv, S, D], an additive bf16 mask [T, S], enable_gqa), and which
input layout or mask form avoids the copy kernel seen beside cuDNN's in decode traces. Prints the CUDA kernels of
each variant. Run on the GPU machine: python3 tests/gpu/probe_sdpa_copy.py"""
import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile

torch.manual_seed(0)
dev, dt = "cuda", torch.bfloat16
H, HKV, D, S, T = 32, 4, 128, 2048, 1  # Qwen3-30B-A3B, a 2k cache
q3 = torch.randn(T, H, D, device=dev, dtype=dt)
cache_k = torch.randn(4096, HKV, D, device=dev, dtype=dt)
cache_v = torch.randn(4096, HKV, D, device=dev, dtype=dt)
allowed = torch.arange(S, device=dev)[None, :] <= S - 1
mask = torch.zeros(T, S, device=dev, dtype=dt).masked_fill(~allowed, float("-inf"))


def batched(t):
    return t.view(1, t.shape[0], t.shape[1], t.shape[2]).transpose(1, 2)


k, v = batched(cache_k[:S]), batched(cache_v[:S])
variants = {
    "as the engine calls it": lambda: F.scaled_dot_product_attention(batched(q3), k, v, mask, 0.0, False,
                                                                      scale=D ** -0.5, enable_gqa=True),
    "no mask": lambda: F.scaled_dot_product_attention(batched(q3), k, v, None, 0.0, False, scale=D ** -0.5,
                                                       enable_gqa=True),
    "bool mask": lambda: F.scaled_dot_product_attention(batched(q3), k, v, allowed, 0.0, False, scale=D ** -0.5,
                                                         enable_gqa=True),
    "mask [1, 1, T, S]": lambda: F.scaled_dot_product_attention(batched(q3), k, v, mask[None, None], 0.0, False,
                                                                 scale=D ** -0.5, enable_gqa=True),
    "q contiguous [1, H, T, D]": lambda: F.scaled_dot_product_attention(batched(q3).contiguous(), k, v, mask, 0.0,
                                                                         False, scale=D ** -0.5, enable_gqa=True),
}
for name, run in variants.items():
    for _ in range(3):
        out = run()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(10):
            out = run()
        torch.cuda.synchronize()
    kernels = [(e.key, e.count, e.device_time_total / e.count) for e in prof.key_averages() if e.device_time_total > 0]
    print(f"== {name}: out {tuple(out.shape)} strides {out.stride()}")
    for key, count, us in sorted(kernels, key=lambda x: -x[2]):
        print(f"   {us:7.2f} us x{count:3d}  {key[:110]}")
