#!/usr/bin/env python3
"""Exact arithmetic benchmark: flowproof decompose/verify vs FLINT.

For each d, a seeded random integer matrix (entries in [-9, 9], det > 0) is
decomposed by `flowproof decompose` and the certificate re-checked by
`flowproof verify`. Two FLINT peers run on the same data: `fmpq_mat.inv` of
the matrix (the issue's reference, in-process), and the product of the
certificate's layers as `fmpq_mat` (the work `verify` does, on FLINT's
kernels instead of flowproof's; in a child process under the same timeout).
Runs alternate (flowproof, flint, flowproof, ...) and medians are reported;
once a decompose takes over 10 s its first round is the only one. Heights
are max bits of any numerator or denominator. A second table decomposes the
channel swap `[0 I; I 0]` (the permutation target: every entry <= 8 bits).

Each `--modes` entry is one set of rows: `rank-one` and `commutator`
(`--method`, depth 3 by theory §5.3's or §5's construction), `auto` (the
default `decompose`: smallest depth-3 certificate within a work budget) and
`height` (`--prefer height`: block LDU, depth about 3·log2(d) + 5). A run
over `--timeout` seconds prints "timeout (> N s)", and the larger d of that
mode print "not run" instead of timing out again; a forced method that does
not apply (rank-one on the swap) prints "declined".

Usage: scripts/bench-exact.py [--d 4 8 16] [--swap-d 64] [--modes rank-one commutator height] [--repeats 3] [--timeout 300]
"""
import argparse, json, multiprocessing, os, random, statistics, subprocess, sys, tempfile, time

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

MODES = {
    "rank-one": ["--method", "rank-one"],
    "commutator": ["--method", "commutator"],
    "auto": [],
    "height": ["--prefer", "height"],
}

# `decompose` exit status when a forced method does not apply.
DECLINED = 3

class Timeout(Exception):
    pass

class Declined(Exception):
    pass

def timed(command, timeout):
    start = time.perf_counter()
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Timeout
    if out.returncode == DECLINED:
        raise Declined
    if out.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {out.stderr.strip()}")
    return time.perf_counter() - start, out.stdout

def flowproof_round(args, mode, source, cert):
    """One timed `decompose --out` and `verify` of its certificate."""
    decompose, out = timed([args.flowproof, "decompose", source, *MODES[mode], "--out", cert, "--json"], args.timeout)
    try:
        verify, _ = timed([args.flowproof, "verify", cert, "--quiet"], args.timeout)
    except Timeout:
        verify = None
    return decompose, json.loads(out), verify

def repeated_rounds(args, mode, source, cert, between=lambda: None):
    """Up to `--repeats` flowproof rounds, `between()` after each (the FLINT
    peers, so runs alternate); the decompose and verify times and the last
    summary. Rounds after one over 10 s would only add minutes of noise."""
    decompose, verify, summary = [], [], None
    for _ in range(args.repeats):
        seconds, summary, checked = flowproof_round(args, mode, source, cert)
        decompose.append(seconds)
        verify.append(checked)
        between()
        if seconds > 10:
            break
    return decompose, verify, summary

def in_process(body):
    start = time.perf_counter()
    value = body()
    return time.perf_counter() - start, value

def layer_product(cert, m, results):
    """Child process: seconds for FLINT's product of the layers (parsing is
    not timed), or an error if it differs from `m`."""
    layers = layer_matrices(cert)
    seconds, p = in_process(lambda: chain_product(layers))
    results.put(seconds if p == flint.fmpq_mat(m) else "FLINT's product of the certificate's layers differs from T")

def flint_layer_product(cert, m, timeout):
    """Seconds for FLINT's product of the layers, or None after `timeout`
    (a 180000-bit certificate can take FLINT many minutes)."""
    results = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=layer_product, args=(cert, m, results))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    result = results.get()
    if isinstance(result, str):
        sys.exit(f"{cert}: {result}")
    return result

def write(path, m):
    with open(path, "w") as f:
        f.write("\n".join(" ".join(map(str, row)) for row in m) + "\n")

def seconds_text(x, width, digits=3):
    return f"{'> timeout':>{width}}" if x is None else f"{x:>{width}.{digits}f}"

def ratio_text(x, y, width, digits=0):
    return f"{'-':>{width}}" if x is None or y is None else f"{x / y:>{width - 1}.{digits}f}x"

def random_rows(args, tmp):
    print(f"{'mode':>10} {'method':>10} {'d':>3} {'depth':>5} {'decompose s':>12} {'verify s':>9} {'flint inv s':>12} {'flint mul s':>12} "
          f"{'dec/inv':>8} {'ver/mul':>8} {'cert bits':>10} {'inv bits':>9} {'ratio':>6}")
    for mode in args.modes:
        stopped = None
        for d in args.d:
            if stopped:
                print(f"{mode:>10} {'':>10} {d:>3} {'':>5} {'not run':>12} (timed out at d = {stopped})", flush=True)
                continue
            m = matrix(d, 1000 + d)
            source, cert = os.path.join(tmp, f"m{d}.txt"), os.path.join(tmp, f"m{d}-{mode}.json")
            write(source, m)
            fq = flint.fmpq_mat(m)
            inverse, product = [], []
            def flint_peers():
                inverse.append(in_process(fq.inv)[0])
                product.append(flint_layer_product(cert, m, args.timeout))
            try:
                decompose, verify, summary = repeated_rounds(args, mode, source, cert, flint_peers)
            except (Timeout, Declined) as outcome:
                text = f"timeout (> {args.timeout:.0f} s)" if isinstance(outcome, Timeout) else "declined (exit 3)"
                print(f"{mode:>10} {'':>10} {d:>3} {'':>5} {text:>12}", flush=True)
                stopped = d if isinstance(outcome, Timeout) else None
                continue
            inv_bits = height(fq.inv().entries())
            md, mi = statistics.median(decompose), statistics.median(inverse)
            mv, mp = (None if None in x else statistics.median(x) for x in (verify, product))
            print(f"{mode:>10} {summary['method']:>10} {d:>3} {summary['depth']:>5} {md:>12.3f} {seconds_text(mv, 9)} {mi:>12.5f} {seconds_text(mp, 12, 5)} "
                  f"{ratio_text(md, mi, 8)} {ratio_text(mv, mp, 8, 2)} {summary['heightBits']:>10} {inv_bits:>9} {summary['heightBits'] / inv_bits:>5.1f}x",
                  flush=True)

def swap_rows(args, tmp):
    print(f"\n{'mode':>10} {'method':>10} {'swap d':>6} {'depth':>5} {'decompose s':>12} {'verify s':>9} {'cert bits':>10}")
    for mode, d in ((mode, d) for mode in args.modes for d in args.swap_d):
        source, cert = os.path.join(tmp, f"swap{d}.txt"), os.path.join(tmp, f"swap{d}-{mode}.json")
        write(source, swap(d))
        try:
            decompose, verify, summary = repeated_rounds(args, mode, source, cert)
        except (Timeout, Declined) as outcome:
            text = f"timeout (> {args.timeout:.0f} s)" if isinstance(outcome, Timeout) else "declined (exit 3)"
            print(f"{mode:>10} {'':>10} {d:>6} {'':>5} {text:>12}", flush=True)
            continue
        print(f"{mode:>10} {summary['method']:>10} {d:>6} {summary['depth']:>5} {statistics.median(decompose):>12.3f} {seconds_text(None if None in verify else statistics.median(verify), 9)} "
              f"{summary['heightBits']:>10}", flush=True)

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--d", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--swap-d", type=int, nargs="*", default=[64])
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=["rank-one", "commutator", "height"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300, help="seconds per decompose, verify or FLINT product")
    parser.add_argument("--flowproof", default=".build/release/flowproof")
    args = parser.parse_args()
    if not os.path.exists(args.flowproof):
        subprocess.run(["swift", "build", "-c", "release", "--product", "flowproof"], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        random_rows(args, tmp)
        if args.swap_d:
            swap_rows(args, tmp)

if __name__ == "__main__":
    main()
