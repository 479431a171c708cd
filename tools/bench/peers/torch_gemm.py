"""PyTorch CUDA peer of tools/bench/cuda-gemm.mjs: float32 torch.matmul TFLOP/s on the GPU.

Usage: python3 torch_gemm.py SHAPES REPS MIN_SECONDS MODES
  SHAPES: comma-separated MxKxN (A[M,K] @ B[K,N]) or BxMxKxN (batched, torch.matmul on 3-D tensors).
  MODES:  comma-separated fp32 (torch.backends.cuda.matmul.allow_tf32 = False) and/or tf32 (= True).
Prints one JSON line: {"torch", "cuda", "device", "results": [{"shape", "mode", "tflops", "ms", "reps"}]}
or {"unavailable": reason} when torch has no CUDA device.
Timing as in the JS bench: three warm-up products, then at least REPS products and MIN_SECONDS
seconds, timed with torch.cuda.synchronize() around the whole loop (products are queued back to back,
as the JS side queues them; an output is dropped each time, so the caching allocator reuses it).
"""
import json
import sys
import time


def main():
    shapes = [tuple(int(x) for x in s.split("x")) for s in sys.argv[1].split(",")]
    reps = int(sys.argv[2])
    min_seconds = float(sys.argv[3])
    modes = sys.argv[4].split(",") if len(sys.argv) > 4 else ["fp32", "tf32"]
    import torch

    if not torch.cuda.is_available():
        print(json.dumps({"unavailable": f"torch {torch.__version__}: torch.cuda.is_available() is False"}))
        return
    device = torch.device("cuda")
    gen = torch.Generator(device=device).manual_seed(1)
    results = []
    for shape in shapes:
        if len(shape) == 3:
            m, k, n = shape
            a = torch.rand((m, k), device=device, generator=gen) * 2 - 1
            b = torch.rand((k, n), device=device, generator=gen) * 2 - 1
            flops = 2.0 * m * k * n
        else:
            batch, m, k, n = shape
            a = torch.rand((batch, m, k), device=device, generator=gen) * 2 - 1
            b = torch.rand((batch, k, n), device=device, generator=gen) * 2 - 1
            flops = 2.0 * batch * m * k * n
        for mode in modes:
            torch.backends.cuda.matmul.allow_tf32 = mode == "tf32"
            for _ in range(3):
                torch.matmul(a, b)
            torch.cuda.synchronize()
            count = 0
            start = time.perf_counter()
            while count < reps or time.perf_counter() - start < min_seconds:
                c = torch.matmul(a, b)
                count += 1
                if count % 16 == 0:
                    torch.cuda.synchronize()
            torch.cuda.synchronize()
            seconds = (time.perf_counter() - start) / count
            assert c.dtype == torch.float32
            results.append(
                {
                    "shape": "x".join(map(str, shape)),
                    "mode": mode,
                    "tflops": flops / seconds / 1e12,
                    "ms": seconds * 1e3,
                    "reps": count,
                }
            )
    torch.backends.cuda.matmul.allow_tf32 = False
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "cuda": torch.version.cuda,
                "device": torch.cuda.get_device_name(0),
                "python": sys.version.split()[0],
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
