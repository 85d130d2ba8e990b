#!/usr/bin/env python3
"""First-hand calibration points for aifactory's performance model, measured on one NVIDIA GPU.

The performance model (docs/perf.md) turns FLOPs and bytes into time with a few efficiency
factors: the achieved fraction of dense peak in GEMMs and of HBM bandwidth. This script
measures those primitives on the GPU at hand, at the shapes LLM serving and training use:

  gemm     dense matrix products, bf16 and fp8 (e4m3, tensor-wise scales), square and
           Llama-70B-like shapes, from weight-streaming (few tokens) to compute-bound;
  hbm      device-to-device copy and a read-only reduction over large buffers;
  sustain  a long fp8 and bf16 GEMM stream with SM clock and board power sampled while it
           runs, to see whether the part is power-limited at its TDP;
  attn     bf16 attention through PyTorch's fused scaled_dot_product_attention at Llama-70B
           head shapes (64 query heads, 8 KV heads, head dim 128): decode (one new token per
           sequence against a KV cache; the 8 query heads sharing a KV head are laid out
           as 8 query rows, which is exactly grouped-query attention) and causal prefill.

Each timing is the median of 5 repeats of a loop long enough (>= 100 ms) to hide launch
cost, after warm-up, on random data (random operands draw more power than zeros). Output:
one CSV row per measurement on stdout and in OUTDIR/gpu_microbench_<gpu>.csv.

Needs PyTorch with CUDA (and nvidia-ml-py for clocks and power; optional). Not part of the
build or the tests: it is run by hand where a GPU is available, and its output is committed
under data/validation/ with the date and the machine it came from.

Usage: python3 bench/gpu_microbench.py [OUTDIR] [--quick] [--only hbm,gemm,sustain,attn]
"""
import csv
import os
import statistics
import sys
import threading
import time

import torch

QUICK = "--quick" in sys.argv
ONLY = None
if "--only" in sys.argv:
    ONLY = set(sys.argv[sys.argv.index("--only") + 1].split(","))
ARGS = [a for i, a in enumerate(sys.argv[1:]) if not a.startswith("--") and sys.argv[i] != "--only"]
OUTDIR = ARGS[0] if ARGS else "."
REPEATS = 3 if QUICK else 5
MIN_LOOP_S = 0.05 if QUICK else 0.1

try:
    import pynvml

    pynvml.nvmlInit()
    NVML = pynvml.nvmlDeviceGetHandleByIndex(torch.cuda.current_device())
except Exception as exc:  # clocks and power are extras; timings do not need them
    print(f"# nvml unavailable: {exc}", file=sys.stderr)
    NVML = None

DEV = torch.device("cuda")
PROPS = torch.cuda.get_device_properties(DEV)
GPU = PROPS.name
ROWS = []


def nvml_read():
    """SM clock (MHz) and board power (W) right now, or (nan, nan)."""
    if NVML is None:
        return float("nan"), float("nan")
    try:
        clk = pynvml.nvmlDeviceGetClockInfo(NVML, pynvml.NVML_CLOCK_SM)
        pw = pynvml.nvmlDeviceGetPowerUsage(NVML) / 1000.0
        return float(clk), pw
    except Exception:
        return float("nan"), float("nan")


def time_loop(fn, iters):
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters):
        fn()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / 1000.0 / iters


def measure(fn):
    """Median seconds per call of fn over REPEATS loops of >= MIN_LOOP_S each."""
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    one = time_loop(fn, 3)
    iters = max(3, int(MIN_LOOP_S / max(one, 1e-7)))
    return statistics.median(time_loop(fn, iters) for _ in range(REPEATS))


def emit(test, dtype, m, n, k, flops, nbytes, secs, clock=float("nan"), power=float("nan")):
    row = {
        "gpu": GPU,
        "test": test,
        "dtype": dtype,
        "m": m,
        "n": n,
        "k": k,
        "flop": f"{flops:.6g}",
        "bytes": f"{nbytes:.6g}",
        "seconds": f"{secs:.6g}",
        "tflops": f"{flops / secs / 1e12:.1f}" if flops else "",
        "tbytes_per_s": f"{nbytes / secs / 1e12:.3f}" if nbytes else "",
        "sm_clock_mhz": "" if clock != clock else f"{clock:.0f}",
        "power_w": "" if power != power else f"{power:.0f}",
    }
    ROWS.append(row)
    print(",".join(str(v) for v in row.values()), flush=True)


def fp8_operands(m, n, k):
    a = torch.randn(m, k, device=DEV).to(torch.float8_e4m3fn)
    # _scaled_mm wants the second operand column-major: a (n, k) row-major tensor, transposed.
    b = torch.randn(n, k, device=DEV).to(torch.float8_e4m3fn).t()
    one = torch.tensor(1.0, device=DEV)
    return lambda: torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)


def bf16_operands(m, n, k):
    a = torch.randn(m, k, device=DEV, dtype=torch.bfloat16)
    b = torch.randn(k, n, device=DEV, dtype=torch.bfloat16)
    return lambda: torch.matmul(a, b)


def gemm(dtype, m, n, k):
    make = fp8_operands if dtype == "fp8" else bf16_operands
    elem = 1 if dtype == "fp8" else 2
    try:
        fn = make(m, n, k)
        secs = measure(fn)
    except Exception as exc:
        print(f"# gemm {dtype} {m}x{n}x{k} failed: {exc}", file=sys.stderr)
        return
    # Bytes: both operands read once and the bf16 result written once (the minimum traffic).
    emit("gemm", dtype, m, n, k, 2.0 * m * n * k, elem * (m * k + k * n) + 2 * m * n, secs)
    del fn
    torch.cuda.empty_cache()


def hbm():
    sizes = [1 << 28, 1 << 30] if QUICK else [1 << 26, 1 << 28, 1 << 30, 1 << 32]
    for nbytes in sizes:
        src = torch.empty(nbytes // 2, device=DEV, dtype=torch.bfloat16).uniform_()
        dst = torch.empty_like(src)
        secs = measure(lambda: dst.copy_(src))
        emit("hbm_copy", "bf16", nbytes, 0, 0, 0, 2.0 * nbytes, secs)  # read + write
        del dst
        out = torch.empty((), device=DEV, dtype=torch.float32)
        secs = measure(lambda: torch.sum(src, 0, dtype=torch.float32, out=out))
        emit("hbm_read", "bf16", nbytes, 0, 0, 0, float(nbytes), secs)
        del src, out
        torch.cuda.empty_cache()


def sustain(dtype, seconds):
    """Run one large GEMM back to back for `seconds`, sampling clock and power meanwhile.

    Sampling runs on its own thread: the launching thread blocks once the launch queue is
    full, so it cannot sample while the GPU works through the queue."""
    m = n = k = 8192
    fn = (fp8_operands if dtype == "fp8" else bf16_operands)(m, n, k)
    per = measure(fn)
    iters = max(1, int(seconds / per))
    samples = []
    stop = threading.Event()

    def sample():
        time.sleep(seconds * 0.3)  # let clocks settle under load first
        while not stop.is_set():
            samples.append(nvml_read())
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()
    sampler.start()
    for _ in range(iters):
        fn()
    end.record()
    end.synchronize()
    stop.set()
    sampler.join()
    secs = start.elapsed_time(end) / 1000.0 / iters
    clk = statistics.median(s[0] for s in samples) if samples else float("nan")
    pw = statistics.median(s[1] for s in samples) if samples else float("nan")
    emit(f"sustain_{seconds:g}s", dtype, m, n, k, 2.0 * m * n * k, 0, secs, clk, pw)
    del fn
    torch.cuda.empty_cache()


def attention():
    """Decode and causal-prefill attention, bf16, Llama-70B head layout."""
    sdpa = torch.nn.functional.scaled_dot_product_attention
    d, kvh, group = 128, 8, 8
    for batch, ctx in ((16, 2048), (64, 1024), (64, 4096), (256, 1024)):
        try:
            q = torch.randn(batch, kvh, group, d, device=DEV, dtype=torch.bfloat16)
            k = torch.randn(batch, kvh, ctx, d, device=DEV, dtype=torch.bfloat16)
            v = torch.randn_like(k)
            secs = measure(lambda: sdpa(q, k, v))
        except Exception as exc:
            print(f"# attn decode {batch}x{ctx} failed: {exc}", file=sys.stderr)
            continue
        # m = sequences, n = context, k = query heads; bytes: K and V read once.
        emit("attn_decode", "bf16", batch, ctx, kvh * group, 4.0 * batch * kvh * group * ctx * d,
             2.0 * 2 * batch * kvh * ctx * d, secs)
        del q, k, v
        torch.cuda.empty_cache()
    heads = kvh * group
    for batch, seq in ((16, 512), (4, 2048), (1, 8192)):
        try:
            q = torch.randn(batch, heads, seq, d, device=DEV, dtype=torch.bfloat16)
            k = torch.randn_like(q)
            v = torch.randn_like(q)
            secs = measure(lambda: sdpa(q, k, v, is_causal=True))
        except Exception as exc:
            print(f"# attn prefill {batch}x{seq} failed: {exc}", file=sys.stderr)
            continue
        # Causal: half of the S x S score matrix, 4*S*S*d FLOP per head in full.
        emit("attn_prefill", "bf16", batch, seq, heads, 2.0 * batch * heads * seq * seq * d,
             0, secs)
        del q, k, v
        torch.cuda.empty_cache()


def want(section):
    return ONLY is None or section in ONLY


def main():
    torch.backends.cuda.matmul.allow_tf32 = False
    clk0, pw0 = nvml_read()
    limit = float("nan")
    max_clk = float("nan")
    if NVML is not None:
        try:
            limit = pynvml.nvmlDeviceGetPowerManagementLimit(NVML) / 1000.0
            max_clk = float(pynvml.nvmlDeviceGetMaxClockInfo(NVML, pynvml.NVML_CLOCK_SM))
        except Exception:
            pass
    print(
        f"# {GPU}: {PROPS.multi_processor_count} SMs, {PROPS.total_memory / 2**30:.1f} GiB, "
        f"torch {torch.__version__}, CUDA {torch.version.cuda}, power limit {limit:.0f} W, "
        f"max SM clock {max_clk:.0f} MHz, idle {clk0:.0f} MHz {pw0:.0f} W, "
        f"{time.strftime('%Y-%m-%d', time.gmtime())}",
        flush=True,
    )
    print(
        "gpu,test,dtype,m,n,k,flop,bytes,seconds,tflops,tbytes_per_s,sm_clock_mhz,power_w",
        flush=True,
    )
    if want("hbm"):
        hbm()
    for dtype in ("bf16", "fp8") if want("gemm") else ():
        for s in (4096, 8192, 16384):
            gemm(dtype, s, s, s)
        # Llama-2/3 70B shapes at TP1: QKV (8192 -> 10240), attention out, FFN gate+up
        # (8192 -> 2 x 28672) and down (28672 -> 8192); M is tokens in the iteration.
        tokens = (16, 64, 256, 1024, 4096) if QUICK else (16, 64, 128, 256, 512, 1024, 2048, 4096, 8192)
        for m in tokens:
            gemm(dtype, m, 57344, 8192)
        for m in (256, 4096):
            gemm(dtype, m, 10240, 8192)
            gemm(dtype, m, 8192, 28672)
    for dtype in ("bf16", "fp8") if want("sustain") else ():
        sustain(dtype, 2.0 if QUICK else 5.0)
    if want("attn"):
        attention()
    tag = "".join(c if c.isalnum() else "_" for c in GPU).strip("_")
    os.makedirs(OUTDIR, exist_ok=True)
    suffix = "_" + "_".join(sorted(ONLY)) if ONLY else ""
    path = os.path.join(OUTDIR, f"gpu_microbench_{tag}{suffix}.csv")
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(ROWS[0].keys()))
        w.writeheader()
        w.writerows(ROWS)
    os.replace(path + ".tmp", path)
    print(f"# wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
