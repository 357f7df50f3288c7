#!/usr/bin/env python3
"""Exact arithmetic benchmark: flowproof decompose/verify vs FLINT's inverse.

For each d, a seeded random integer matrix (entries in [-9, 9], det > 0) is
decomposed by `flowproof decompose` and the certificate re-checked by
`flowproof verify`; python-flint's `fmpq_mat.inv` of the same matrix is the
peer. Runs alternate (flowproof, flint, flowproof, ...) and medians are
reported. Heights are max bits of any numerator or denominator.

Usage: scripts/bench-exact.py [--d 4 8 16] [--repeats 3] [--timeout 300]
"""
import argparse, json, os, random, statistics, subprocess, sys, tempfile, time

try:
    import flint
except ImportError:
    sys.exit("python-flint is missing: python3 -m pip install python-flint")

def matrix(d, seed):
    rng = random.Random(seed)
    n = 2 * d
    while True:
        m = [[rng.randint(-9, 9) for _ in range(n)] for _ in range(n)]
        det = flint.fmpq_mat(m).det()
        if det != 0:
            if det < 0:
                m[0] = [-x for x in m[0]]
            return m

def height(entries):
    return max(max(int(e.p).bit_length(), int(e.q).bit_length()) for e in entries)

def timed(command, timeout):
    start = time.perf_counter()
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None
    if out.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {out.stderr.strip()}")
    return time.perf_counter() - start, out.stdout

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--d", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--flowproof", default=".build/release/flowproof")
    args = parser.parse_args()
    if not os.path.exists(args.flowproof):
        subprocess.run(["swift", "build", "-c", "release", "--product", "flowproof"], check=True)
    print(f"{'d':>3} {'decompose s':>12} {'verify s':>9} {'flint inv s':>12} {'ratio':>8} "
          f"{'cert bits':>10} {'inv bits':>9} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for d in args.d:
            m = matrix(d, 1000 + d)
            source = os.path.join(tmp, f"m{d}.txt")
            cert = os.path.join(tmp, f"m{d}.json")
            with open(source, "w") as f:
                f.write("\n".join(" ".join(map(str, row)) for row in m) + "\n")
            fq = flint.fmpq_mat(m)
            decompose, verify, inverse = [], [], []
            summary = None
            for _ in range(args.repeats):
                seconds, out = timed([args.flowproof, "decompose", source, "--out", cert, "--json"], args.timeout)
                if seconds is None:
                    break
                decompose.append(seconds)
                summary = json.loads(out)
                seconds, _ = timed([args.flowproof, "verify", cert, "--quiet"], args.timeout)
                verify.append(seconds if seconds is not None else float("inf"))
                start = time.perf_counter()
                inv = fq.inv()
                inverse.append(time.perf_counter() - start)
            if not decompose:
                print(f"{d:>3} {'timeout':>12} (> {args.timeout:.0f} s)")
                continue
            inv_bits = height(inv.entries())
            md, mv, mi = (statistics.median(x) for x in (decompose, verify, inverse))
            print(f"{d:>3} {md:>12.3f} {mv:>9.3f} {mi:>12.5f} {md / mi:>8.0f}x "
                  f"{summary['heightBits']:>10} {inv_bits:>9} {summary['heightBits'] / inv_bits:>5.0f}x", flush=True)

if __name__ == "__main__":
    main()
