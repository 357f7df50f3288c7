#!/usr/bin/env python3
"""Exit codes of the default `flowproof decompose --arith float` over valid
inputs of the kinds that used to fail (issue 13): products of two random
integer coupling pairs, [I 2I; I I], T11 = 0 families, permutations with
det > 0, random integer matrices, and the principal-minor counterexamples
kept in proofs/counterexamples/positive. Prints one line per input (exit
code, depth, method, fallback) and a tally; exits 1 if any valid input
exits 3.

    scripts/float-exit-codes.py --d 1 2 3 4 5 6 8 16 32 64
"""
import argparse, collections, glob, json, os, subprocess, sys, tempfile
from fractions import Fraction

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def positive(t):
    """Negates the first column when det < 0 (every family here has det != 0)."""
    t = np.array(t, dtype=object)
    if np.linalg.slogdet(t.astype(float))[0] < 0:
        t[:, 0] = -t[:, 0]
    return t


def pair_product(d, rng):
    """L1 U1 L2 U2 with small integer blocks and positive integer diagonals."""
    def pair():
        a, dd = rng.integers(-3, 4, (d, d)), rng.integers(-3, 4, (d, d))
        b, c = rng.integers(1, 4, d), rng.integers(1, 4, d)
        z, i = np.zeros((d, d), int), np.eye(d, dtype=int)
        return np.block([[i, z], [a, np.diag(b)]]) @ np.block([[np.diag(c), dd], [z, i]])
    return pair() @ pair()


def families(d, rng):
    i, z = np.eye(d, dtype=int), np.zeros((d, d), int)
    yield "two-pairs", pair_product(d, rng)
    if d % 2 == 0:  # det [I 2I; I I] = (-1)^d
        yield "i-2i-i-i", np.block([[i, 2 * i], [i, i]])
    yield "t11-zero", positive(np.block([[z, rng.integers(-3, 4, (d, d))], [rng.integers(-3, 4, (d, d)), rng.integers(-3, 4, (d, d))]]))
    yield "t11-zero-rotation", np.block([[z, i], [-i, z]])
    p = np.eye(2 * d, dtype=int)[rng.permutation(2 * d)]
    yield "permutation", positive(p)
    yield "random-integer", positive(rng.integers(-9, 10, (2 * d, 2 * d)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--d", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6, 8, 12, 16, 24, 32, 48, 64])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--flowproof", default=os.path.join(ROOT, ".build/release/flowproof"))
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    inputs = [(f"{name}-d{d}", t) for d in args.d for name, t in families(d, rng)]
    for path in sorted(glob.glob(os.path.join(ROOT, "proofs/counterexamples/positive/*.json"))):
        inputs.append((os.path.basename(path)[:-5], np.array(json.load(open(path))["matrix"], dtype=object)))
    tally = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name, t in inputs:
            path = os.path.join(tmp, name + ".txt")
            with open(path, "w") as f:
                f.write("\n".join(" ".join(str(Fraction(x)) for x in row) for row in t) + "\n")
            try:
                out = subprocess.run([args.flowproof, "decompose", path, "--arith", "float", "--json"],
                                     capture_output=True, text=True, timeout=args.timeout)
                code, text = out.returncode, out.stdout if out.returncode == 0 else out.stderr.strip()
            except subprocess.TimeoutExpired:
                code, text = "timeout", ""
            tally[code] += 1
            if code == 0:
                r = json.loads(text)
                print(f"{name:>40} exit 0 depth {r['depth']} {r['method']:>24} rel {r['relativeResidualBound']:.1e} "
                      f"{r['seconds']:.2f}s fallback: {r['fallback']}", flush=True)
            else:
                print(f"{name:>40} exit {code}: {text}", flush=True)
    print("exit codes:", dict(tally), "over", len(inputs), "inputs")
    return 1 if tally[3] else 0


if __name__ == "__main__":
    sys.exit(main())
