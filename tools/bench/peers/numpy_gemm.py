"""numpy peer of tools/bench/native-gemm.mjs: float32 GEMM GFLOP/s at the given shapes.

Usage: python3 numpy_gemm.py SHAPES REPS MIN_SECONDS
  SHAPES: comma-separated MxKxN (2-D) or BxMxKxN (batched, np.matmul on 3-D arrays).
Prints one JSON line: {"numpy": version, "blas": ..., "results": [{"shape", "gflops", "ms", "reps"}]}.
Timing as in the JS bench: one warm-up product, then at least REPS products and MIN_SECONDS seconds.
"""
import json
import os
import sys
import time

import numpy as np


def blas_name():
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f'{blas.get("name")} {blas.get("version")}'
    except Exception:  # older numpy: no mode="dicts"; name the BLAS library the process has mapped
        try:
            with open("/proc/self/maps") as maps:
                libs = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and ".so" in line})
            return ", ".join(os.path.realpath(lib) for lib in libs) or "unknown"
        except OSError:
            return "unknown"


def openblas_config():
    """openblas_get_config() of the OpenBLAS this process mapped (names the kernels in use), or None."""
    try:
        import ctypes

        with open("/proc/self/maps") as maps:
            libs = sorted({line.split()[-1] for line in maps if "openblas" in line.lower() and ".so" in line})
        for lib in libs:
            handle = ctypes.CDLL(lib)
            for name in ("openblas_get_config", "scipy_openblas_get_config64_", "openblas_get_config64_"):
                fn = getattr(handle, name, None)
                if fn is not None:
                    fn.restype = ctypes.c_char_p
                    return fn().decode()
    except Exception:
        return None
    return None


def main():
    shapes = [tuple(int(x) for x in s.split("x")) for s in sys.argv[1].split(",")]
    reps = int(sys.argv[2])
    min_seconds = float(sys.argv[3])
    rng = np.random.default_rng(1)
    results = []
    for shape in shapes:
        if len(shape) == 3:
            m, k, n = shape
            a = rng.standard_normal((m, k), dtype=np.float32)
            b = rng.standard_normal((k, n), dtype=np.float32)
            flops = 2.0 * m * k * n
        else:
            batch, m, k, n = shape
            a = rng.standard_normal((batch, m, k), dtype=np.float32)
            b = rng.standard_normal((batch, k, n), dtype=np.float32)
            flops = 2.0 * batch * m * k * n
        np.matmul(a, b)  # warm-up
        count = 0
        start = time.perf_counter()
        while count < reps or time.perf_counter() - start < min_seconds:
            c = np.matmul(a, b)
            count += 1
        seconds = (time.perf_counter() - start) / count
        assert c.dtype == np.float32
        results.append({"shape": "x".join(map(str, shape)), "gflops": flops / seconds / 1e9, "ms": seconds * 1e3, "reps": count})
    print(json.dumps({"numpy": np.__version__, "python": sys.version.split()[0], "blas": " / ".join(x for x in (blas_name(), openblas_config()) if x), "results": results}))


if __name__ == "__main__":
    main()
