#!/usr/bin/python3
"""pocketfft peers of bench/bench_fft.c: numpy.fft (pocketfft C, float64 only
in numpy 1.24) and scipy.fft (pocketfft C++, float32 in, float32 out, one
thread), the same sizes, forward complex (fft) and real (rfft), ns per call. Each cell: best of 7 batches of >= min_ms, median of
`reps` such samples, in process CPU time (as bench_fft.c). numpy < 2 computes in float64 only, so
numpy's inputs are float64/complex128 (a float32 input would add a
conversion); scipy's are float32/complex64.
The Python call overhead (~1-2 us) is included: small sizes favour the C
benchmarks. Usage: bench_fft_numpy.py [min_ms [reps]]"""
import sys
import time

import numpy as np
import scipy
import scipy.fft

SIZES = [64, 100, 128, 256, 257, 480, 512, 1000, 1009, 1024, 1103, 1536, 2048, 2053,
         3000, 4096, 4099, 8191, 8192, 16384, 19683, 30030, 65536, 65537]


def time_call(f, x, min_s, reps):
    n = 1
    while True:  # calibrate a batch of >= min_s
        t = time.process_time()
        for _ in range(n):
            f(x)
        if time.process_time() - t >= min_s:
            break
        n *= 2
    samples = []
    for _ in range(reps):
        best = 1e30
        for _ in range(7):
            t = time.process_time()
            for _ in range(n):
                f(x)
            best = min(best, (time.process_time() - t) / n)
        samples.append(best)
    return sorted(samples)[reps // 2] * 1e9


def main():
    min_s = (float(sys.argv[1]) if len(sys.argv) > 1 else 10.0) * 1e-3
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rng = np.random.default_rng(1)
    print(f"numpy {np.__version__} (pocketfft C, float64), scipy {scipy.__version__} (pocketfft C++, float32)")
    print("| kind | N | numpy ns | scipy.fft ns |")
    print("|---|---:|---:|---:|")
    for kind in ("real", "complex"):
        for n in SIZES:
            if kind == "real":
                x = rng.standard_normal(n)
                t = time_call(np.fft.rfft, x, min_s, reps)
                t2 = time_call(scipy.fft.rfft, x.astype(np.float32), min_s, reps)
            else:
                x = rng.standard_normal(n) + 1j * rng.standard_normal(n)
                t = time_call(np.fft.fft, x, min_s, reps)
                t2 = time_call(scipy.fft.fft, x.astype(np.complex64), min_s, reps)
            print(f"| {kind} | {n} | {t:.0f} | {t2:.0f} |", flush=True)


if __name__ == "__main__":
    main()
