#!/usr/bin/env python3
"""Regenerate the certificate corpus in proofs/.

Usage: python3 scripts/make-proofs.py [--flowproof PATH]
Matrices are generated here deterministically and decomposed by the
flowproof CLI, which multiplies every result back exactly before writing.
"""
import argparse, json, os, random, subprocess, sys, tempfile
from fractions import Fraction

def identity(n):
    return [[int(i == j) for j in range(n)] for i in range(n)]

def swap(d):
    return [[int(j == (i + d) % (2 * d)) for j in range(2 * d)] for i in range(2 * d)]

def reversal(n):
    return [[int(i + j == n - 1) for j in range(n)] for i in range(n)]

def two_identity(d):
    n = 2 * d
    return [[(2 if j - i == d else 1) if (i == j or abs(i - j) == d) else 0 for j in range(n)] for i in range(n)]

def zero_corner(d):
    # [0 I; N 0] with N the cyclic shift, one entry negated: sign det N = (-1)^d.
    n = 2 * d
    t = [[0] * n for _ in range(n)]
    for i in range(d):
        t[i][d + i] = 1
        t[d + i][(i + 1) % d] = -1 if i == 0 else 1
    return t

def det(m):
    m = [[Fraction(x) for x in row] for row in m]
    n, sign, result = len(m), 1, Fraction(1)
    for k in range(n):
        p = next((r for r in range(k, n) if m[r][k] != 0), None)
        if p is None:
            return Fraction(0)
        if p != k:
            m[k], m[p] = m[p], m[k]
            sign = -sign
        result *= m[k][k]
        for r in range(k + 1, n):
            f = m[r][k] / m[k][k]
            for c in range(k, n):
                m[r][c] -= f * m[k][c]
    return sign * result

def inverse(m):
    """Gauss-Jordan over the rationals; m must be nonsingular."""
    n = len(m)
    a = [[Fraction(x) for x in row] + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(m)]
    for k in range(n):
        p = next(r for r in range(k, n) if a[r][k] != 0)
        a[k], a[p] = a[p], a[k]
        a[k] = [x / a[k][k] for x in a[k]]
        for r in range(n):
            if r != k and a[r][k] != 0:
                a[r] = [x - a[r][k] * y for x, y in zip(a[r], a[k])]
    return [row[n:] for row in a]

def random_integer(d, rng):
    n = 2 * d
    while True:
        t = [[rng.randint(-9, 9) for _ in range(n)] for _ in range(n)]
        value = det(t)
        if value != 0:
            if value < 0:
                t[0] = [-x for x in t[0]]
            return t

def gaussian_grid(d, rng):
    """Gaussian entries rounded to the 2^-10 grid, as "p/1024" strings; det > 0."""
    n = 2 * d
    while True:
        t = [[round(rng.gauss(0, 1) * 1024) for _ in range(n)] for _ in range(n)]
        value = det(t)
        if value != 0:
            if value < 0:
                t[0] = [-x for x in t[0]]
            return [[str(x) + "/1024" for x in row] for row in t]

def membership_proofs(flowproof, out, tmp):
    """Depth 2 proven by a Krawczyk box: on the intertwiner system for Gaussian
    matrices (docs/certificate-format.md 7.1), on the full system for products
    of two pairs whose T11 is singular, where 7.1 does not apply (7.2)."""
    families = (("gaussian", gaussian_grid, 2028, "krawczyk-intertwiner",
                 ((2, "positive"), (3, "signed"), (4, "positive"), (6, "signed"), (8, "positive"))),
                ("singular-t11", singular_t11_product, 2030, "krawczyk-full-system",
                 ((3, "positive"), (4, "signed"), (6, "positive"))))
    for name, matrix, seed, kind, cases in families:
        rng = random.Random(seed)
        for d, regime in cases:
            source = os.path.join(tmp, f"{name}-d{d}.txt")
            with open(source, "w") as f:
                f.write("\n".join(" ".join(row) for row in matrix(d, rng)) + "\n")
            target = os.path.join(out, "k2-membership", f"{name}-d{d}-{regime}.json")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            result = subprocess.run([flowproof, "depth", source, "--regime", regime, "--seed", "0", "--out", target, "--json"],
                                    check=True, capture_output=True, text=True)
            assert f'"membership": "{kind}"' in result.stdout, (target, result.stdout)
            print(target)

def singular_t11_product(d, rng):
    """L(A1,B1) U(C1,D1) L(A2,B2) U(C2,D2) with small integer blocks, positive
    diagonals and T11 = (C1 + D1 A2) C2 of rank d - 1 (D1 A2 = K - C1 with K's
    last row the sum of its first two), as canonical rational strings."""
    integer = lambda: [[Fraction(rng.randint(-3, 3)) for _ in range(d)] for _ in range(d)]
    positive = lambda: [Fraction(rng.randint(1, 3)) for _ in range(d)]
    mul = lambda a, b: [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]
    while True:
        d1 = integer()
        if det(d1) != 0:
            break
    k = integer()
    k[d - 1] = [k[0][j] + k[1][j] for j in range(d)]
    c1 = positive()
    a2 = mul(inverse(d1), [[k[i][j] - (c1[i] if i == j else 0) for j in range(d)] for i in range(d)])
    a1, b1, b2, c2, d2 = integer(), positive(), positive(), positive(), integer()
    eye = lambda i, j: Fraction(int(i == j))
    lower = lambda a, b: [[eye(i, j) if i < d and j < d else (0 if i < d else (a[i - d][j] if j < d else (b[i - d] if i == j else 0)))
                           for j in range(2 * d)] for i in range(2 * d)]
    upper = lambda c, e: [[(c[i] if i == j else 0) if i < d and j < d else (e[i][j - d] if i < d else eye(i, j))
                           for j in range(2 * d)] for i in range(2 * d)]
    t = mul(mul(mul(lower(a1, b1), upper(c1, d1)), lower(a2, b2)), upper(c2, d2))
    return [[str(Fraction(x)) for x in row] for row in t]

def permutation_source(tmp, name):
    """The permutation matrix of `name` (row i has its 1 in column name[i]) as a text file in tmp."""
    p = [int(c) for c in name]
    source = os.path.join(tmp, f"permutation-{name}.txt")
    with open(source, "w") as f:
        f.write("\n".join(" ".join("1" if p[i] == j else "0" for j in range(len(p))) for i in range(len(p))) + "\n")
    return source

def depth_certificate(flowproof, source, regime, target):
    """`flowproof depth` writing `target` (seed 0); its --json summary."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    return json.loads(subprocess.run([flowproof, "depth", source, "--regime", regime, "--seed", "0", "--out", target, "--json"],
                                     check=True, capture_output=True, text=True).stdout)

def rational_point_proofs(flowproof, out, tmp):
    """Depth 2 proven by exact factorizations that flowproof finds itself
    on degenerate solution sets (docs/theory.md 4c, successive snapping):
    signed permutations whose T11 has rank 1 (d = 3) or 2 (d = 4)."""
    for name in ("034125", "054321", "134520", "143250", "14356702"):
        target = os.path.join(out, "permutations", "rational-point", f"signed-d{len(name) // 2}-{name}.json")
        result = depth_certificate(flowproof, permutation_source(tmp, name), "signed", target)
        assert result["outcome"] == "proven depth 2" and result["membership"] is None, (target, result)
        print(target)

def positivstellensatz_proofs(flowproof, out, tmp):
    """Depth 3 proven by charpoly-positivstellensatz multipliers
    (docs/certificate-format.md 6.5): the first Gaussian matrices, in a
    fixed random order, that no one-coefficient witness decides."""
    rng = random.Random(2029)
    for d, wanted in ((3, 2), (4, 1)):
        found = 0
        for attempt in range(1000):
            source = os.path.join(tmp, "candidate.txt")
            with open(source, "w") as f:
                f.write("\n".join(" ".join(row) for row in gaussian_grid(d, rng)) + "\n")
            scratch = os.path.join(tmp, "candidate.json")
            result = subprocess.run([flowproof, "depth", source, "--seed", "0", "--out", scratch, "--json"],
                                    check=True, capture_output=True, text=True)
            if json.loads(result.stdout)["witness"] != "charpoly-positivstellensatz":
                continue
            found += 1
            target = os.path.join(out, "positivstellensatz", f"gaussian-d{d}-{found}.json")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(scratch, target)
            print(target)
            if found == wanted:
                break
        assert found == wanted, (d, found)
    # Signed regime: squares of monomials. diag(P, I), P = 1 + a 3-cycle, lies on
    # the boundary of K_2 (numerical residual 7e-11) yet sigma = 2 sum w_i^2 w_j^2.
    for name in ("01234675", "02314567"):
        target = os.path.join(out, "positivstellensatz", f"permutation-d4-{name}-signed.json")
        result = depth_certificate(flowproof, permutation_source(tmp, name), "signed", target)
        assert result["witness"] == "charpoly-positivstellensatz", (target, result)
        print(target)

def monomial_cycle_proofs(flowproof, out, tmp):
    """Depth 3 proven by monomial-cycles (docs/certificate-format.md 6.9):
    diag(I, P) at d = 5 with P two fixed points and a 3-cycle, which the
    numerical search calls "in K_2 numerically" (both regimes), and A + J
    (signed; J the swap, T11 and V with a zero row: one path point each),
    whose depth-2 system has complex points and so no ideal witness."""
    for name, regimes in (("0123456897", ("positive", "signed")), ("0132546897", ("signed",))):
        source = permutation_source(tmp, name)
        for regime in regimes:
            target = os.path.join(out, "monomial-cycles", f"permutation-d{len(name) // 2}-{name}-{regime}.json")
            assert depth_certificate(flowproof, source, regime, target)["witness"] == "monomial-cycles", target
            print(target)

def dyadic_gaussian(d, seed):
    """Gaussian entries rounded to multiples of 2^-20 and written as exact
    fractions, so the input is the same rational on every platform; det > 0."""
    rng = random.Random(seed)
    n = 2 * d
    t = [[Fraction(round(rng.gauss(0, 1) * 2**20), 2**20) for _ in range(n)] for _ in range(n)]
    if det_sign_float(t) < 0:
        t[0] = [-x for x in t[0]]
    return t

def det_sign_float(m):
    """Sign of det by partially pivoted elimination in binary64: exact
    elimination is too slow at 2d = 512; Gaussian matrices are far from
    singular, and flowproof re-checks the sign."""
    a = [[float(x) for x in row] for row in m]
    n, sign = len(a), 1
    for k in range(n):
        p = max(range(k, n), key=lambda r: abs(a[r][k]))
        if p != k:
            a[k], a[p] = a[p], a[k]
            sign = -sign
        if a[k][k] < 0:
            sign = -sign
        for r in range(k + 1, n):
            f = a[r][k] / a[k][k]
            if f:
                a[r][k:] = [x - f * y for x, y in zip(a[r][k:], a[k][k:])]
    return sign

def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flowproof", default=".build/release/flowproof")
    parser.add_argument("--out", default="proofs")
    args = parser.parse_args()
    families = {
        "identity": [(f"identity-d{d}", identity(2 * d)) for d in range(1, 5)],
        "swap": [(f"swap-d{d}", swap(d)) for d in range(2, 9, 2)],
        "reversal": [(f"reversal-d{d}", reversal(2 * d)) for d in range(2, 9, 2)],
        "two-identity": [(f"two-identity-d{d}", two_identity(d)) for d in range(2, 9, 2)],
        "zero-corner": [(f"zero-corner-d{d}", zero_corner(d)) for d in range(2, 7)],
    }
    rng = random.Random(2026)
    families["random"] = [(f"random-{k:02d}-d{1 + k % 6}", random_integer(1 + k % 6, rng)) for k in range(20)]
    rng = random.Random(2027)
    families["small-height"] = [(f"random-d{d}", random_integer(d, rng)) for d in (4, 8, 16, 32)]
    options = {"small-height": ["--prefer", "height"]}
    with tempfile.TemporaryDirectory() as tmp:
        for family, items in families.items():
            for name, matrix in items:
                assert det(matrix) > 0, name
                source = os.path.join(tmp, name + ".txt")
                with open(source, "w") as f:
                    f.write("\n".join(" ".join(map(str, row)) for row in matrix) + "\n")
                target = os.path.join(args.out, family, name + ".json")
                os.makedirs(os.path.dirname(target), exist_ok=True)
                subprocess.run([args.flowproof, "decompose", source, "--seed", "0", "--out", target, "--json",
                                *options.get(family, [])], check=True, stdout=subprocess.DEVNULL)
                print(target)
        membership_proofs(args.flowproof, args.out, tmp)
        rational_point_proofs(args.flowproof, args.out, tmp)
        positivstellensatz_proofs(args.flowproof, args.out, tmp)
        monomial_cycle_proofs(args.flowproof, args.out, tmp)
    # Binary64 depth-3 certificates (Horn construction) on Gaussian inputs.
    # The layers come from OpenBLAS on one thread: byte-identical on the
    # same machine and library build, not necessarily on another CPU.
    with tempfile.TemporaryDirectory() as tmp:
        for d in (64, 256):
            source = os.path.join(tmp, f"gaussian-d{d}.txt")
            with open(source, "w") as f:
                f.write("\n".join(" ".join(map(str, row)) for row in dyadic_gaussian(d, 2026 + d)) + "\n")
            target = os.path.join(args.out, "float", f"gaussian-d{d}.json")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            subprocess.run([args.flowproof, "decompose", source, "--arith", "float", "--depth", "3", "--seed", "0",
                            "--out", target, "--json"], check=True, stdout=subprocess.DEVNULL)
            print(target)
    # Certified counterexamples to depth 2 (depth certificates, depth 3).
    for regime in ("positive", "signed"):
        for d in range(2, 9):
            run(args.flowproof, "search-k2", "--d", str(d), "--regime", regime, "--count", "2", "--seed", "7",
                "--out", os.path.join(args.out, "counterexamples", regime))
        # Every depth-3 permutation matrix for d = 2, 3.
        for d in (2, 3):
            run(args.flowproof, "search-k2", "--d", str(d), "--regime", regime, "--family", "permutations",
                "--out", os.path.join(args.out, "permutations", f"d{d}-{regime}"))

def run(*command):
    subprocess.run(list(command) + ["--quiet"], check=True)

if __name__ == "__main__":
    sys.exit(main())
