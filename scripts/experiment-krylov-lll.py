#!/usr/bin/env python3
"""Experiment: cyclic vectors with small Krylov determinants for the
rank-one depth-3 construction (theory §5.3, `RankOneConstruction`).

The rank-one construction places poles for (T11ᵀ, v) and (V, u), V =
((TΔ)⁻¹)22. Ackermann's formula puts the determinants of the observability
matrix O(v) = [vᵀ; vᵀT11; …; vᵀT11^(d−1)] and the Krylov matrix
K(u) = [u, Vu, …, V^(d−1)u] in the denominators of `a` and `q`, the tallest
vectors of the recipe. flowproof uses v = e_1 and u = e_d. Here integer v, u
with small |det O(v)|, |det K(u)| are sought by LLL: det K(u) = c·∏ ℓ_j·u
over the left eigenvectors ℓ_j of V (c independent of u), and likewise
det O(v) = c'·∏ vᵀr_j over the right eigenvectors of T11, so a short vector of
the lattice {(x, 2^k·(xᵀr_j)_j) : x ∈ Z^d} (real and imaginary parts for
complex pairs) has a small product by the AM–GM inequality. Each reduced row
(for several seeded weightings of the coordinates) and each unit vector is
a candidate; the few with the smallest Σ log2|c_j| get exact determinants
and the smallest is kept. `Vand` columns: log2 of the Vandermonde
determinant of the eigenvalues (of T11, of det T·V), the part of every
Krylov determinant no choice of vector changes.

For each d the script builds the rank-one factorization (dense rational
algebra, python-flint) with the current (e_d, e_1), with LLL's v, LLL's u,
and both, multiplies every one back exactly, and prints the certificate
height, the heights of a and q, and the Krylov determinants in bits.

Usage: scripts/experiment-krylov-lll.py [--d 8 16 32] [--bits 40] [--weightings 20]
Matrices: scripts/bench-exact.py's (entries in [-9, 9], seed 1000 + d).
"""
import argparse, importlib.util, os, sys, time

import numpy as np
from flint import fmpq, fmpq_mat, fmpz_mat

sys.set_int_max_str_digits(0)
_spec = importlib.util.spec_from_file_location("bench_exact", os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-exact.py"))
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def block(m, rows, columns):
    return fmpq_mat([[m[i, j] for j in columns] for i in rows])


def column(values):
    return fmpq_mat([[x] for x in values])


def entries(m):
    return [m[i, 0] for i in range(m.nrows())]


def dot(a, b):
    return sum((x * y for x, y in zip(a, b)), fmpq(0))


def diagonal(values):
    n = len(values)
    return fmpq_mat([[values[i] if i == j else 0 for j in range(n)] for i in range(n)])


def bits(values):
    return max(max(int(x.p).bit_length(), int(x.q).bit_length()) for x in values)


def primitive_scale(values):
    """c with c·values a primitive integer vector."""
    from math import gcd, lcm
    denominator = lcm(*(int(x.q) for x in values))
    g = 0
    for x in values:
        g = gcd(g, int(x.p) * (denominator // int(x.q)))
    return fmpq(denominator, g or 1)


def eigenvalues(d, excluded):
    out, k = [], 1
    while len(out) < d:
        for x in (fmpq(k), fmpq(-k)):
            if x not in excluded and len(out) < d:
                out.append(x)
        k += 1
    return out


def krylov_det(a, x, transpose):
    """det O(x) (rows xᵀaᵏ) when `transpose`, else det K(x) (columns aᵏx)."""
    d = a.nrows()
    vectors, current = [], column(x)
    step = a.transpose() if transpose else a
    for _ in range(d):
        vectors.append(entries(current))
        current = step * current
    return fmpq_mat(vectors).det()


def lll_vector(a, transpose, precision, weightings, exact=5):
    """Integer x with a small nonzero |Krylov det|: the unit vectors and the
    rows LLL reduces (once unweighted, once for each of `weightings` seeded
    random scalings of the coordinates with product 1: ∏|c_j| is the same
    under any of them, LLL's short vectors are not) are ranked by
    Σ log2|c_j(x)|, and the `exact` best get exact determinants. Also
    returns log2 of the Vandermonde determinant of a's eigenvalues, the
    part of every Krylov determinant that does not depend on x."""
    d = a.nrows()
    numeric = np.array([[float(a[i, j]) for j in range(d)] for i in range(d)])
    values, vectors = np.linalg.eig(numeric.T if transpose else numeric)
    vandermonde = sum(np.log2(abs(values[j] - values[i])) for i in range(d) for j in range(i + 1, d))
    # Coordinates of x in the eigenbasis of a (of aᵀ for O(x) = K_aᵀ(x)ᵀ).
    coordinates = np.linalg.inv(vectors).T
    coordinates = coordinates / np.linalg.norm(coordinates, axis=0)
    real = []
    for j in range(d):
        if abs(values[j].imag) < 1e-12:
            real.append(coordinates[:, j].real)
        elif values[j].imag > 0:
            real += [np.sqrt(2) * coordinates[:, j].real, np.sqrt(2) * coordinates[:, j].imag]
    embedding = np.array(real).T
    candidates = {tuple(int(i == j) for j in range(d)) for i in range(d)}
    rng = np.random.default_rng(d)
    for w in range(weightings + 1):
        logs = rng.normal(0, 1, d) if w else np.zeros(d)
        scaled = embedding * np.exp(logs - logs.mean())
        basis = [[int(i == j) for j in range(d)] + [int(round(x * 2.0 ** precision)) for x in scaled[i]] for i in range(d)]
        reduced = fmpz_mat(basis).lll()
        candidates |= {tuple(int(reduced[i, j]) for j in range(d)) for i in range(d)}
    def score(x):
        return float(np.sum(np.log2(np.abs(np.array(x, dtype=float) @ coordinates) + 1e-300)))
    best = None
    for x in sorted(candidates, key=score)[:exact]:
        det = abs(krylov_det(a, [fmpq(e) for e in x], transpose))
        if det != 0 and (best is None or det < best[1]):
            best = ([fmpq(e) for e in x], det)
    return best[0], vandermonde


def rank_one(t, u, v):
    """The rank-one construction with the given integer u, v (dense algebra);
    returns the three pairs as (A, B, C, D) and the heights of a and q."""
    n = t.nrows(); d = n // 2
    det = t.det()
    g2 = [fmpq(1)] * (d - 1) + [det]
    scaled = t * diagonal([fmpq(1)] * (n - 1) + [1 / det])
    lo, hi = range(d), range(d, n)
    t11, t12, t21 = block(scaled, lo, lo), block(scaled, lo, hi), block(scaled, hi, lo)
    inverse = scaled.inv()
    q_block, v_block = block(inverse, lo, hi), block(inverse, hi, hi)
    identity = diagonal([fmpq(1)] * d)
    excluded, lambdas = set(), None
    while lambdas is None:
        candidate = eigenvalues(d, excluded)
        bad = [x for x in candidate if (x * identity - t11).det() == 0 or (x * identity - v_block).det() == 0]
        excluded.update(bad)
        lambdas = None if bad else candidate
    rows = [entries((x * identity - t11).transpose().solve(column(v))) for x in lambdas]
    a = entries(fmpq_mat(rows).solve(column([1] * d)))
    p = entries(t11.solve(column([x + y for x, y in zip(a, entries(t12 * column(u)))])))
    ys = [entries((x * identity - v_block).solve(column(u))) for x in lambdas]
    ss = [entries(q_block * column(y)) for y in ys]
    q_rows = [[lambdas[i] * y - w for y, w in zip(ys[i], u)] for i in range(d - 1)] + [list(u)]
    q_right = [1 - dot(v, ss[i]) for i in range(d - 1)] + [dot(v, p)]
    q = entries(fmpq_mat(q_rows).solve(column(q_right)))
    k = max(i for i in range(d) if u[i] != 0)
    c = [fmpq(int(i == k)) / u[k] for i in range(d)]
    vv, vp = dot(v, v), dot(v, p)
    y = fmpq_mat([[p[i] * c[j] + v[i] * q[j] / vv - vp * v[i] * c[j] / vv for j in range(d)] for i in range(d)])
    x = fmpq_mat([[u[i] * v[j] for j in range(d)] for i in range(d)])
    t_prime = scaled * unipotent(-y, upper=True) * unipotent(-x, upper=False)
    m, tp12, tp21 = block(t_prime, lo, lo), block(t_prime, lo, hi), block(t_prime, hi, lo)
    s1 = fmpq_mat([entries((lam * identity - t11).solve(column(a))) for lam in lambdas]).transpose()
    s2 = fmpq_mat(ys).transpose()
    s1_inverse, s2_inverse = s1.inv(), s2.inv()
    # z as flowproof chooses it: each term of Z1 primitive, λ = 1 no term.
    weights, z = [], []
    for i, lam in enumerate(lambdas):
        term = [s2[r, i] * s1_inverse[i, col] for r in range(d) for col in range(d)]
        scale = primitive_scale(term)
        weights.append(fmpq(0) if lam == 1 else scale)
        z.append(fmpq(0) if lam == 1 else (lam - 1) / scale)
    p_matrix = s1 * diagonal(z) * s2_inverse
    z1 = s2 * diagonal(weights) * s1_inverse
    m_inverse = m.inv()
    w1 = m_inverse * (tp12 - p_matrix)
    x1 = (tp21 - z1) * m_inverse
    g2_matrix, g2_inverse = diagonal(g2), diagonal([1 / g for g in g2])
    ones = [fmpq(1)] * d
    pairs = [(x1, g2, ones, p_matrix * g2_matrix), (g2_inverse * z1, ones, ones, w1 * g2_matrix),
             (g2_inverse * x, ones, ones, y * g2_matrix)]
    return pairs, bits(a), bits(q)


def unipotent(m, upper):
    d = m.nrows()
    out = fmpq_mat([[int(i == j) for j in range(2 * d)] for i in range(2 * d)])
    for i in range(d):
        for j in range(d):
            if upper:
                out[i, d + j] = m[i, j]
            else:
                out[d + i, j] = m[i, j]
    return out


def pair_product(pairs):
    d = pairs[0][0].nrows()
    total = None
    for a, b, c, dd in pairs:
        lower = unipotent(a, upper=False)
        for i in range(d):
            lower[d + i, d + i] = b[i]
        upper = unipotent(dd, upper=True)
        for i in range(d):
            upper[i, i] = c[i]
        factor = lower * upper
        total = factor if total is None else total * factor
    return total


def certificate_bits(pairs):
    return max(max(bits(a.entries()), bits(b), bits(c), bits(dd.entries())) for a, b, c, dd in pairs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--d", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--bits", type=int, default=40, help="fixed-point bits of the eigenvector embedding")
    parser.add_argument("--weightings", type=int, default=20, help="random coordinate scalings tried besides none")
    args = parser.parse_args()
    print(f"{'d':>3} {'u':>6} {'v':>6} {'det K(u)':>9} {'Vand(V)':>8} {'det O(v)':>9} {'Vand(T11)':>9} {'a bits':>7} {'q bits':>7} {'cert bits':>10} {'inv bits':>9} {'ratio':>6} {'LLL s':>6}")
    for d in args.d:
        t = fmpq_mat(bench.matrix(d, 1000 + d))
        n = 2 * d
        det = t.det()
        scaled = t * diagonal([fmpq(1)] * (n - 1) + [1 / det])
        t11 = block(scaled, range(d), range(d))
        # det·V is an integer matrix: its Krylov determinants are V's times
        # one power of det T for every u, without V's denominators.
        v_integral = det * block(scaled.inv(), range(d, n), range(d, n))
        start = time.perf_counter()
        v_lll, t11_vandermonde = lll_vector(t11, True, args.bits, args.weightings)
        u_lll, v_vandermonde = lll_vector(v_integral, False, args.bits, args.weightings)
        lll_seconds = time.perf_counter() - start
        e_first = [fmpq(int(i == 0)) for i in range(d)]
        e_last = [fmpq(int(i == d - 1)) for i in range(d)]
        inv_bits = bits(t.inv().entries())
        for u_name, u, v_name, v in (("e_d", e_last, "e_1", e_first), ("e_d", e_last, "LLL", v_lll),
                                     ("LLL", u_lll, "e_1", e_first), ("LLL", u_lll, "LLL", v_lll)):
            pairs, a_bits, q_bits = rank_one(t, u, v)
            if pair_product(pairs) != t:
                sys.exit(f"d = {d}, u = {u_name}, v = {v_name}: the product differs from T")
            ku = abs(krylov_det(v_integral, u, False)); ov = abs(krylov_det(t11, v, True))
            cert = certificate_bits(pairs)
            print(f"{d:>3} {u_name:>6} {v_name:>6} {bits([ku]):>9} {v_vandermonde:>8.0f} {bits([ov]):>9} {t11_vandermonde:>9.0f} {a_bits:>7} {q_bits:>7} {cert:>10} {inv_bits:>9} "
                  f"{cert / inv_bits:>5.1f}x {lll_seconds:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
