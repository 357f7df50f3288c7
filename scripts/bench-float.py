#!/usr/bin/env python3
"""Floating-point benchmark: flowproof decompose --arith float vs LAPACK solve.

For each d, a seeded Gaussian 2d x 2d matrix T (det > 0) is written as text
(full binary64 precision), decomposed by `flowproof decompose --arith float
--json` (whole command, including reading the file and certifying the
residual) at each of --depths (0: the default ladder), and
numpy.linalg.solve(T, I) (LAPACK) is timed on the same T in the same run.
Runs alternate and medians are reported, with the certified relative
residual, the largest layer entry against max|T|, and the product of the
layer condition numbers.

    scripts/bench-float.py --d 8 16 32 64 128 256 1024 --depths 3 4 7
    scripts/bench-float.py --sweep --d 4 8 --depths 3 4 5 6 --jsonl sweep.jsonl

--sweep measures conditioning against depth; `flowproof plot --conditioning
sweep.jsonl --out fig.svg` draws it.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # numpy on one thread, like flowproof (and stable on a shared machine)
import numpy as np

def gaussian(d, seed):
    n = 2 * d
    t = np.random.default_rng(seed).standard_normal((n, n))
    if np.linalg.slogdet(t)[0] < 0:
        t[:, 0] = -t[:, 0]  # det > 0, as coupling-layer products require
    return t

def write(t, path):
    with open(path, "w") as f:
        for row in t:
            f.write(" ".join(repr(float(x)) for x in row) + "\n")

def flowproof(binary, path, depth, timeout):
    command = [binary, "decompose", path, "--arith", "float", "--json"]
    if depth is not None:
        command += ["--depth", str(depth)]
    start = time.perf_counter()
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, {"error": f"timeout after {timeout:.0f} s"}
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        return seconds, {"error": out.stderr.strip()}
    return seconds, json.loads(out.stdout)

def numpy_solve(t):
    identity = np.eye(t.shape[0])
    start = time.perf_counter()
    np.linalg.solve(t, identity)
    return time.perf_counter() - start

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--d", type=int, nargs="+", default=[16, 32, 64])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--sweep", action="store_true", help="conditioning against depth instead of timing")
    parser.add_argument("--depths", type=int, nargs="+", help="default: 3 4 5 6 7 with --sweep, else 0 (the ladder)")
    parser.add_argument("--jsonl", help="append every flowproof result to this JSON-lines file")
    parser.add_argument("--flowproof", default=".build/release/flowproof")
    args = parser.parse_args()
    args.depths = args.depths or ([3, 4, 5, 6, 7] if args.sweep else [0])
    if not os.path.exists(args.flowproof):
        subprocess.run(["swift", "build", "-c", "release", "--product", "flowproof"], check=True)
    sink = open(args.jsonl, "a") if args.jsonl else None
    with tempfile.TemporaryDirectory() as tmp:
        if args.sweep:
            print(f"{'d':>4} {'depth':>5} {'rel. residual':>13} {'max entry':>10} {'cond product':>13} {'seconds':>8}")
        else:
            print(f"{'d':>4} {'flowproof s':>11} {'numpy s':>9} {'ratio':>7} {'rel. residual':>13} "
                  f"{'max entry/max|T|':>16} {'cond product':>13} {'depth':>5} {'method':>20} {'bound':>11}")
        for d in args.d:
            t = gaussian(d, args.seed + d)
            path = os.path.join(tmp, f"t{d}.txt")
            write(t, path)
            if args.sweep:
                for depth in args.depths:
                    seconds, result = flowproof(args.flowproof, path, depth, args.timeout)
                    if "error" in result:
                        print(f"{d:>4} {depth:>5} {result['error']}")
                        continue
                    if sink:
                        sink.write(json.dumps(result) + "\n")
                    print(f"{d:>4} {depth:>5} {result['relativeResidualBound']:>13.2e} {result['maxLayerEntry']:>10.2e} "
                          f"{result['conditionProduct']:>13.2e} {seconds:>8.2f}", flush=True)
                continue
            numpy_solve(t)  # warm-up: thread pool, page faults
            for depth in args.depths:
                ours, theirs, result = [], [], None
                for _ in range(args.repeats):
                    seconds, result = flowproof(args.flowproof, path, depth or None, args.timeout)
                    if "error" in result:
                        break
                    ours.append(seconds)
                    theirs.append(numpy_solve(t))
                if not ours:
                    print(f"{d:>4} depth {depth}: {result['error']}")
                    continue
                if sink:
                    sink.write(json.dumps(result) + "\n")
                mo, mt = statistics.median(ours), statistics.median(theirs)
                print(f"{d:>4} {mo:>11.3f} {mt:>9.5f} {mo / mt:>6.0f}x {result['relativeResidualBound']:>13.2e} "
                      f"{result['maxLayerEntry'] / result['maxInputEntry']:>16.2e} {result['conditionProduct']:>13.2e} "
                      f"{result['depth']:>5} {result['method']:>20} {result['residualMethod']:>11}", flush=True)

if __name__ == "__main__":
    sys.exit(main())
