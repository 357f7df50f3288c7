#!/usr/bin/env python3
"""Floating-point benchmark: flowproof decompose --arith float vs LAPACK solve.

For each d and each --seed s, a Gaussian 2d x 2d matrix T (det > 0, from
seed s + d) is written as a float64 .npy, decomposed by `flowproof decompose --arith float --json`
(whole command, including reading the file and certifying the residual) at
each of --depths (0: the default ladder), and numpy.linalg.solve(T, I)
(LAPACK, one thread like flowproof) is timed on the same T in the same run.
Runs alternate and medians are reported: wall time and CPU time (user+sys;
wall time is unreliable on a loaded machine) of both, their ratios, the
certified relative residual, the largest layer entry against max|T|, and the
product of the layer condition numbers.

    scripts/bench-float.py --d 8 16 32 64 128 256 1024 --depths 3 4 7 --jsonl bench.jsonl
    scripts/plot-conditioning.py bench.jsonl --out docs/conditioning-vs-depth.svg
    scripts/bench-float.py --sweep --d 4 8 --depths 3 4 5 6 --jsonl sweep.jsonl
    scripts/bench-float.py --d 64 128 256 --depths 0 --seed 1 2 3 4 5 6 7 8 9 10 --repeats 1

With several seeds each (d, depth) ends with a summary line: how many
seeds landed at each depth, and the median and worst of the CPU ratio,
residual, entry ratio and condition product (one matrix says little: at
d = 256, depth 3 meets the 1e-12 bar for some seeds and not for others).

--jsonl appends each flowproof result with the medians (`seed`, `requestedDepth`,
`wallSeconds`, `cpuSeconds`, `numpyWallSeconds`, `numpyCpuSeconds`).
--sweep measures conditioning against depth; `flowproof plot --conditioning
sweep.jsonl --out fig.svg` draws it.
"""
import argparse, collections, json, os, resource, statistics, subprocess, sys, tempfile, time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # numpy on one thread, like flowproof (and stable on a shared machine)
import numpy as np

def gaussian(d, seed):
    n = 2 * d
    t = np.random.default_rng(seed).standard_normal((n, n))
    if np.linalg.slogdet(t)[0] < 0:
        t[:, 0] = -t[:, 0]  # det > 0, as coupling-layer products require
    return t

def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime

def flowproof(binary, path, depth, timeout):
    """(wall seconds, CPU seconds, parsed --json result or {"error": ...})."""
    command = [binary, "decompose", path, "--arith", "float", "--json"]
    if depth is not None:
        command += ["--depth", str(depth)]
    start, cpu = time.perf_counter(), children_cpu()
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None, {"error": f"timeout after {timeout:.0f} s"}
    seconds, cpu = time.perf_counter() - start, children_cpu() - cpu
    if out.returncode != 0:
        return seconds, cpu, {"error": out.stderr.strip()}
    return seconds, cpu, json.loads(out.stdout)

def numpy_solve(t):
    """(wall seconds, CPU seconds) of numpy.linalg.solve(T, I)."""
    identity = np.eye(t.shape[0])
    start, cpu = time.perf_counter(), time.process_time()
    np.linalg.solve(t, identity)
    return time.perf_counter() - start, time.process_time() - cpu

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--d", type=int, nargs="+", default=[16, 32, 64])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, nargs="+", default=[1])
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
            print(f"{'d':>4} {'seed':>4} {'ask':>3} {'flowproof s':>11} {'cpu s':>8} {'numpy s':>9} {'cpu s':>8} {'ratio':>6} {'cpu':>6} "
                  f"{'rel. residual':>13} {'max entry/max|T|':>16} {'cond product':>13} {'depth':>5} {'method':>21} "
                  f"{'bound':>11}")
        for d in args.d:
            rows = {depth: [] for depth in args.depths}
            for seed in args.seed:
                t = gaussian(d, seed + d)
                path = os.path.join(tmp, f"t{d}.npy")
                np.save(path, t)
                if args.sweep:
                    sweep(args, sink, d, path)
                    continue
                numpy_solve(t)  # warm-up: page faults
                for depth in args.depths:
                    row = timed(args, sink, d, seed, depth, path, t)
                    if row:
                        rows[depth].append(row)
            if len(args.seed) > 1:
                for depth in args.depths:
                    summary(d, depth, rows[depth], len(args.seed))


def sweep(args, sink, d, path):
    for depth in args.depths:
        seconds, _, result = flowproof(args.flowproof, path, depth, args.timeout)
        if "error" in result:
            print(f"{d:>4} {depth:>5} {result['error']}")
            continue
        if sink:
            sink.write(json.dumps(result) + "\n")
        print(f"{d:>4} {depth:>5} {result['relativeResidualBound']:>13.2e} {result['maxLayerEntry']:>10.2e} "
              f"{result['conditionProduct']:>13.2e} {seconds:>8.2f}", flush=True)


def timed(args, sink, d, seed, depth, path, t):
    """One (d, seed, depth) row, alternating runs with numpy; the result with its medians, or None."""
    ours, theirs, result = [], [], None
    for _ in range(args.repeats):
        seconds, cpu, result = flowproof(args.flowproof, path, depth or None, args.timeout)
        if "error" in result:
            break
        ours.append((seconds, cpu))
        theirs.append(numpy_solve(t))
    if not ours:
        print(f"{d:>4} {seed:>4} depth {depth}: {result['error']}")
        return None
    wall, cpu = (statistics.median(x[k] for x in ours) for k in (0, 1))
    numpy_wall, numpy_cpu = (statistics.median(x[k] for x in theirs) for k in (0, 1))
    result.update(seed=seed, requestedDepth=depth, wallSeconds=wall, cpuSeconds=cpu,
                  numpyWallSeconds=numpy_wall, numpyCpuSeconds=numpy_cpu)
    if sink:
        sink.write(json.dumps(result) + "\n")
        sink.flush()
    print(f"{d:>4} {seed:>4} {depth or '-':>3} {wall:>11.3f} {cpu:>8.3f} {numpy_wall:>9.5f} {numpy_cpu:>8.5f} {wall / numpy_wall:>5.0f}x "
          f"{cpu / max(numpy_cpu, 1e-9):>5.0f}x {result['relativeResidualBound']:>13.2e} "
          f"{result['maxLayerEntry'] / result['maxInputEntry']:>16.2e} {result['conditionProduct']:>13.2e} "
          f"{result['depth']:>5} {result['method']:>21} {result['residualMethod']:>11}", flush=True)
    return result


def summary(d, depth, rows, seeds):
    """Depth counts, then the median and worst of each column over the seeds."""
    if not rows:
        return
    landed = collections.Counter(r["depth"] for r in rows)
    counts = ", ".join(f"depth {k}: {landed[k]}" for k in sorted(landed))
    failed = f", failed: {seeds - len(rows)}" if len(rows) < seeds else ""

    def spread(values, fmt):
        return f"{format(statistics.median(values), fmt)} (worst {format(max(values), fmt)})"

    ratios = [r["cpuSeconds"] / max(r["numpyCpuSeconds"], 1e-9) for r in rows]
    print(f"{d:>4} all  depth {depth or 'ladder'} over {seeds} seeds: {counts}{failed}; "
          f"CPU ratio {spread(ratios, '.0f')}; "
          f"residual {spread([r['relativeResidualBound'] for r in rows], '.1e')}; "
          f"entries {spread([r['maxLayerEntry'] / r['maxInputEntry'] for r in rows], '.1f')}; "
          f"cond product {spread([r['conditionProduct'] for r in rows], '.1e')}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
