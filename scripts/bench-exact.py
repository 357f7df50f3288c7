#!/usr/bin/env python3
"""Exact arithmetic benchmark: flowproof decompose/verify vs FLINT.

For each d, a seeded random integer matrix (entries in [-9, 9], det > 0) is
decomposed by `flowproof decompose` and the certificate re-checked by
`flowproof verify`. Two FLINT peers run on the same data, in-process:
`fmpq_mat.inv` of the matrix (the issue's reference), and the product of the
certificate's layers as `fmpq_mat` (the work `verify` does, on FLINT's
kernels instead of flowproof's). Runs alternate (flowproof, flint,
flowproof, ...) and medians are reported. Heights are max bits of any
numerator or denominator. A second table decomposes the channel swap
`[0 I; I 0]` (the permutation target: every entry <= 8 bits). Each table
runs once per `--prefer` mode: `height` (block LDU construction, depth about
3·log2(d) + 5) and `depth` (depth <= 3, entries grow with d); the `method`
column is the construction `decompose` chose (rank-one, commutator, ...).

Usage: scripts/bench-exact.py [--d 4 8 16] [--swap-d 64] [--prefer height depth] [--repeats 3] [--timeout 300]
"""
import argparse, json, os, random, statistics, subprocess, sys, tempfile, time

try:
    import flint
except ImportError:
    sys.exit("python-flint is missing: python3 -m pip install python-flint")

sys.set_int_max_str_digits(0)  # certificate numbers have tens of thousands of digits

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

def swap(d):
    return [[1 if j == (i + d) % (2 * d) else 0 for j in range(2 * d)] for i in range(2 * d)]

def height(entries):
    return max(max(int(e.p).bit_length(), int(e.q).bit_length()) for e in entries)

def number(text):
    numerator, _, denominator = text.partition("/")
    return flint.fmpq(flint.fmpz(numerator), flint.fmpz(denominator or "1"))

def layer_matrices(path):
    """Each pair's L and U as fmpq_mat (parsing is not timed)."""
    with open(path) as f:
        cert = json.load(f)
    d = cert["d"]
    def dense(rows):
        return flint.fmpq_mat([[number(x) for x in row] for row in rows])
    unit = [["1" if i == j else "0" for j in range(d)] for i in range(d)]
    zero = [["0"] * d for _ in range(d)]
    def diagonal(v):
        return [[v[i] if i == j else "0" for j in range(d)] for i in range(d)]
    result = []
    for pair in cert["layers"]:
        result.append(dense([a + b for a, b in zip(unit, zero)] + [a + b for a, b in zip(pair["A"], diagonal(pair["B"]))]))
        result.append(dense([a + b for a, b in zip(diagonal(pair["C"]), pair["D"])] + [a + b for a, b in zip(zero, unit)]))
    return result

def chain_product(factors):
    result = factors[0]
    for factor in factors[1:]:
        result = result * factor
    return result

def timed(command, timeout):
    start = time.perf_counter()
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None
    if out.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {out.stderr.strip()}")
    return time.perf_counter() - start, out.stdout

def flowproof_round(args, prefer, source, cert):
    """One timed `decompose --out` and `verify` of its certificate, or None on timeout."""
    decompose, out = timed([args.flowproof, "decompose", source, "--prefer", prefer, "--out", cert, "--json"], args.timeout)
    if decompose is None:
        return None
    verify, _ = timed([args.flowproof, "verify", cert, "--quiet"], args.timeout)
    return decompose, json.loads(out), verify if verify is not None else float("inf")

def repeated_rounds(args, prefer, source, cert, between=lambda: None):
    """`--repeats` flowproof rounds, `between()` after each (the FLINT peers,
    so runs alternate); the decompose and verify times and the last summary."""
    decompose, verify, summary = [], [], None
    for _ in range(args.repeats):
        result = flowproof_round(args, prefer, source, cert)
        if result is None:
            break
        seconds, summary, checked = result
        decompose.append(seconds)
        verify.append(checked)
        between()
    return decompose, verify, summary

def in_process(body):
    start = time.perf_counter()
    value = body()
    return time.perf_counter() - start, value

def write(path, m):
    with open(path, "w") as f:
        f.write("\n".join(" ".join(map(str, row)) for row in m) + "\n")

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--d", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--swap-d", type=int, nargs="*", default=[64])
    parser.add_argument("--prefer", nargs="+", choices=["height", "depth"], default=["height", "depth"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--flowproof", default=".build/release/flowproof")
    args = parser.parse_args()
    if not os.path.exists(args.flowproof):
        subprocess.run(["swift", "build", "-c", "release", "--product", "flowproof"], check=True)
    print(f"{'prefer':>6} {'method':>10} {'d':>3} {'depth':>5} {'decompose s':>12} {'verify s':>9} {'flint inv s':>12} {'flint mul s':>12} "
          f"{'dec/inv':>8} {'ver/mul':>8} {'cert bits':>10} {'inv bits':>9} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for prefer, d in ((prefer, d) for prefer in args.prefer for d in args.d):
            m = matrix(d, 1000 + d)
            source, cert = os.path.join(tmp, f"m{d}.txt"), os.path.join(tmp, f"m{d}.json")
            write(source, m)
            fq = flint.fmpq_mat(m)
            inverse, product, layers = [], [], []
            def flint_peers():
                inverse.append(in_process(fq.inv)[0])
                layers[:] = layers or layer_matrices(cert)
                seconds, p = in_process(lambda: chain_product(layers))
                if p != fq:
                    sys.exit(f"d = {d}: FLINT's product of the certificate's layers differs from T")
                product.append(seconds)
            decompose, verify, summary = repeated_rounds(args, prefer, source, cert, flint_peers)
            if not decompose:
                print(f"{prefer:>6} {d:>3} {'':>5} {'timeout':>12} (> {args.timeout:.0f} s)")
                continue
            inv_bits = height(fq.inv().entries())
            md, mv, mi, mp = (statistics.median(x) for x in (decompose, verify, inverse, product))
            print(f"{prefer:>6} {summary['method']:>10} {d:>3} {summary['depth']:>5} {md:>12.3f} {mv:>9.3f} {mi:>12.5f} {mp:>12.5f} {md / mi:>7.0f}x {mv / mp:>7.2f}x "
                  f"{summary['heightBits']:>10} {inv_bits:>9} {summary['heightBits'] / inv_bits:>5.1f}x", flush=True)
        if args.swap_d:
            print(f"\n{'prefer':>6} {'method':>10} {'swap d':>6} {'depth':>5} {'decompose s':>12} {'verify s':>9} {'cert bits':>10}")
        for prefer, d in ((prefer, d) for prefer in args.prefer for d in args.swap_d):
            source, cert = os.path.join(tmp, f"swap{d}.txt"), os.path.join(tmp, f"swap{d}.json")
            write(source, swap(d))
            decompose, verify, summary = repeated_rounds(args, prefer, source, cert)
            if not decompose:
                print(f"{prefer:>6} {d:>6} {'':>5} {'timeout':>12} (> {args.timeout:.0f} s)")
                continue
            print(f"{prefer:>6} {summary['method']:>10} {d:>6} {summary['depth']:>5} {statistics.median(decompose):>12.3f} {statistics.median(verify):>9.3f} "
                  f"{summary['heightBits']:>10}", flush=True)

if __name__ == "__main__":
    main()
