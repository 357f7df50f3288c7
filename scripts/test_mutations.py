"""Seeded mutation test of both certificate checkers.

    python3 -m pytest -q -p no:cacheprovider scripts/test_mutations.py -s

Small certificates of every kind (proofs/ plus depth-1/2 and binary64 ones
made here with $FLOWPROOF_BIN, default .build/debug/flowproof) are mutated
deterministically: numbers changed or written non-canonically, layers
reordered, fields retyped, removed or duplicated, text truncated, nested,
padded with huge numbers... Every mutant goes through `flowproof verify
--json` (one run over a directory) and scripts/independent-check.py, and:

- the two checkers agree on every mutant;
- a mutant is accepted iff the oracle below says it is well-formed and its
  claim holds. The oracle is a third reading of the format spec and
  proofs/README.md, written without the checkers' code, in plain Fractions.
"""
import collections
import copy
import functools
import importlib.util
import itertools
import json
import math
import os
import random
import re
import subprocess
import sys
import threading
import time
from fractions import Fraction as Fr

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from test_cli import CRASH_MARKERS  # noqa: E402
from test_independent_check import (cert as hand_cert, N01, SWAP, SWAP_3, N01_FSI, SWAP_FSI,  # noqa: E402
                                    FSI_D3_POSITIVE, FSI_D3_SIGNED)

_spec = importlib.util.spec_from_file_location("independent_check", os.path.join(HERE, "independent-check.py"))
ic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ic)

SEED = 20250601
VERIFY_BUDGET_SECONDS = 120
HUGE = 100_000        # digits of the huge-number mutants, brackets of the deep ones

PROOFS = {   # one small certificate of each kind in proofs/
    "exact-swap-d2": "swap/swap-d2.json",
    "exact-random-d1": "random/random-06-d1.json",
    "exact-two-identity-d2": "two-identity/two-identity-d2.json",
    "exact-height-d4": "small-height/random-d4.json",
    "pm-plus-d2": "counterexamples/positive/positive-d2-b34186f159719375.json",
    "pm-minus-d3": "permutations/d3-positive/positive-d3-6534838f71bee391.json",
    "mono-T11-positive-d2": "permutations/d2-positive/positive-d2-155709b8ce330225.json",
    "mono-V-signed-d2": "permutations/d2-signed/signed-d2-0e9f0ae5625ce465.json",
    "mono-j2-signed-d3": "permutations/d3-signed/signed-d3-eeec1a2886d3b411.json",
    "t11-positive-d2": "permutations/d2-positive/positive-d2-7a8d36ba4cca7865.json",
    "t11-signed-d2": "counterexamples/signed/signed-d2-35010c112c42350c.json",
    "t11-signed-positive-d3": "permutations/d3-positive/positive-d3-092d90262c129d11.json",
    "psatz-d3": "positivstellensatz/gaussian-d3-2.json",
    "psatz-signed-d3": "permutations/d3-signed/signed-d3-20aa0a4dc02804b1.json",
}
GENERATED = {   # name: (flowproof arguments, matrix text or example file)
    "depth1-d2": (["depth"], "1 0 0 0\n0 1 0 0\n0 0 1 0\n0 0 0 1\n"),
    "depth2-positive-d1": (["depth"], "-1 1\n-2 1\n"),
    "depth2-signed-d2": (["depth", "--regime", "signed"], "examples/swap-d2.txt"),
    "binary64-swap-d2": (["decompose", "--arith", "float"], "examples/swap-d2.txt"),
    "binary64-random-d3": (["decompose", "--arith", "float"], "examples/random-d3.txt"),
}
HAND = {   # full-system-ideal witnesses: by hand (d = 2) and Singular's (d = 3), in test_independent_check.py
    "fsi-monomial-signed-d2": hand_cert("not-in-K2", 2, N01, regime="signed", witness=N01_FSI),
    "fsi-positive-d2": hand_cert("not-in-K2", 2, SWAP, witness=SWAP_FSI),
    "fsi-depth3-positive-d2": hand_cert("depth", 2, SWAP, depth=3, layers=SWAP_3, witness=SWAP_FSI),
    "fsi-depth3-positive-d3": FSI_D3_POSITIVE,
    "fsi-depth3-signed-d3": FSI_D3_SIGNED,
}
NOT_IN_K2_FROM = ("pm-plus-d2", "mono-V-signed-d2", "t11-positive-d2", "t11-signed-d2")


# ------------------------------------------------------------------ oracle

class Invalid(Exception):
    pass


def need(condition):
    if not condition:
        raise Invalid


def is_int(x):
    return type(x) is int          # a JSON integer: not bool, float or string


def exact(s):
    need(type(s) is str)
    return _exact(s)


@functools.lru_cache(maxsize=None)      # mutants repeat their base's numbers
def _exact(s):
    need(re.fullmatch(r"-?[0-9]+(/[1-9][0-9]*)?", s))
    v = Fr(s)
    need(str(v) == s)              # lowest terms, no /1, no -0, no leading zeros
    return v


def binary64(s):
    need(type(s) is str)
    m = re.fullmatch(r"(-?)0[xX]([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]{1,5})", s)
    if m:
        frac = m[3] or ""
        need(len(m[2]) + len(frac) <= 40)
        v = Fr(int(m[2] + frac, 16)) * Fr(2) ** (int(m[4]) - 4 * len(frac)) * (-1 if m[1] else 1)
    else:
        v = exact(s)
    try:
        need(Fr(float(v)) == v)    # float() rounds correctly; inf has no Fraction
    except (OverflowError, ValueError):
        raise Invalid
    return v


def table(x, rows, cols, parse):
    need(type(x) is list and len(x) == rows)
    for r in x:
        need(type(r) is list and len(r) == cols)
    return [[parse(v) for v in r] for r in x]


def admissible(v, regime):
    return v > 0 if regime == "positive" else v != 0


_products = {}   # most mutants keep their base's layers: each product is computed once


def layer_product(layers, d, regime, parse):
    key = (json.dumps(layers), d, regime, parse.__name__)
    if key not in _products:
        try:
            _products[key] = _product(layers, d, regime, parse)
        except Invalid:
            _products[key] = None
    need(_products[key] is not None)
    return _products[key]


def _product(layers, d, regime, parse):
    """L1 U1 ... Lk Uk by column blocks: P L(A,B) = [P1 + P2 A, P2 B],
    P U(C,D) = [P1 C, P1 D + P2]."""
    need(type(layers) is list and layers)
    P1 = [[Fr(int(i == j)) for j in range(d)] for i in range(d)] + [[Fr(0)] * d for _ in range(d)]
    P2 = [[Fr(0)] * d for _ in range(d)] + [[Fr(int(i == j)) for j in range(d)] for i in range(d)]
    mul = lambda X, Y: [[sum(a * b for a, b in zip(r, col)) for col in zip(*Y)] for r in X]
    for lay in layers:
        need(type(lay) is dict)
        A, D = table(lay.get("A"), d, d, parse), table(lay.get("D"), d, d, parse)
        B, C = (table([lay.get(k)], 1, d, parse)[0] for k in "BC")
        need(all(admissible(v, regime) for v in B + C))
        P1 = [[x + y for x, y in zip(r1, r2)] for r1, r2 in zip(P1, mul(P2, A))]
        P2 = [[x * b for x, b in zip(r, B)] for r in P2]
        P1, P2 = ([[x * c for x, c in zip(r, C)] for r in P1],
                  [[x + y for x, y in zip(r1, r2)] for r1, r2 in zip(mul(P1, D), P2)])
    return [r1 + r2 for r1, r2 in zip(P1, P2)]


def det(M):
    M, n, out = [r[:] for r in M], len(M), Fr(1)
    for c in range(n):
        p = next((r for r in range(c, n) if M[r][c]), None)
        if p is None:
            return Fr(0)
        if p != c:
            M[c], M[p], out = M[p], M[c], -out
        out *= M[c][c]
        for r in range(c + 1, n):
            f = M[r][c] / M[c][c]
            M[r] = [x - f * y for x, y in zip(M[r], M[c])]
    return out


def v_block(T, d):
    """(T^-1)22: the last d rows of X with T X = [0; I], by elimination."""
    n = 2 * d
    rows = [T[i][:] + [Fr(int(i == d + j)) for j in range(d)] for i in range(n)]
    for c in range(n):
        p = next((r for r in range(c, n) if rows[r][c]), None)
        need(p is not None)                    # singular: V undefined
        rows[c], rows[p] = rows[p], rows[c]
        rows[c] = [x / rows[c][c] for x in rows[c]]
        for r in range(n):
            if r != c and rows[r][c]:
                rows[r] = [x - rows[r][c] * y for x, y in zip(rows[r], rows[c])]
    return [r[n:] for r in rows[d:]]


def witness_holds(w, T, d, regime):
    need(type(w) is dict)
    kind = w.get("type")
    T11 = [r[:d] for r in T[:d]]
    T12, T21 = [r[d:] for r in T[:d]], [r[:d] for r in T[d:]]
    if kind in ("principal-minors", "principal-minors-monomial", "charpoly-positivstellensatz", "full-system-ideal"):
        need(d <= 64)   # format 6.7: V = (T^-1)22 and T^-1 only up to d = 64
    if kind in ("principal-minors", "principal-minors-monomial"):
        j = w.get("j")
        need(is_int(j) and 1 <= j < d and math.comb(d, j) <= 4096)
        minors = lambda X: [det([[X[a][b] for b in I] for a in I]) for I in itertools.combinations(range(d), j)]
        if kind == "principal-minors":
            need(regime == "positive" and w.get("sign") in ("+", "-"))
            V = v_block(T, d)
            ge, le = map(minors, (T11, V) if w["sign"] == "+" else (V, T11))
            return min(ge) >= 0 < max(ge) and max(le) <= 0
        need(w.get("zero") in ("T11", "V"))
        V = v_block(T, d)
        zero, one = map(minors, (T11, V) if w["zero"] == "T11" else (V, T11))
        return not any(zero) and sum(1 for m in one if m) == 1
    if kind == "charpoly-positivstellensatz":
        return positivstellensatz_holds(w.get("terms"), T, d, regime)
    if kind == "full-system-ideal":
        return full_system_ideal_holds(w, T, d, regime)
    need(kind in ("t11-zero-signed", "t11-zero-positive"))
    need(kind == "t11-zero-signed" or regime == "positive")
    M = [[T12[i][c] * T21[c][j] for c in range(d)] for i in range(d) for j in range(d) if i != j]
    y = table([w.get("y")], 1, len(M), exact)[0]
    yM = [sum(a * r[c] for a, r in zip(y, M)) for c in range(d)]
    if kind == "t11-zero-signed":
        k = w.get("k")
        need(is_int(k) and 0 <= k < d)
        return not any(map(any, T11)) and yM == [int(c == k) for c in range(d)]
    u, v = (table([w.get(key)], 1, d, exact)[0] for key in "uw")
    return (not any(map(any, T11)) and min(u + v) >= 0 and any(u + v)
            and all(yM[c] - u[c] + sum(v[i] * T12[i][c] * T21[c][i] for i in range(d)) == 0 for c in range(d)))


def positivstellensatz_holds(terms, T, d, regime):
    """Format 6.5: sigma = sum of c x^e f_j has coefficients >= 0, one > 0;
    in regime signed only even exponents."""
    need(type(terms) is list and 1 <= len(terms) <= 1 << 16)
    seen, work = set(), 0
    for t in terms:
        need(type(t) is list and len(t) == 3 and is_int(t[0]) and 1 <= t[0] <= d and math.comb(d, t[0]) <= 4096)
        need(type(t[1]) is list and len(t[1]) == 2 * d and all(is_int(x) and 0 <= x <= 64 for x in t[1]))
        need(sum(t[1]) <= 64 and (t[0], tuple(t[1])) not in seen and exact(t[2]) != 0)
        seen.add((t[0], tuple(t[1])))
        work += 2 * math.comb(d, t[0])
        need(work <= 1 << 20)
    V = v_block(T, d)
    T11 = [r[:d] for r in T[:d]]
    sigma = collections.Counter()
    for j, e, c in terms:
        for I in itertools.combinations(range(d), j):
            for offset, X, sign in ((0, T11, 1), (d, V, -1)):
                mono = list(e)
                for i in I:
                    mono[offset + i] += 1
                sigma[tuple(mono)] += sign * exact(c) * det([[X[a][b] for b in I] for a in I])
    sigma = {m: v for m, v in sigma.items() if v}
    return bool(sigma) and min(sigma.values()) > 0 and (regime == "positive" or all(x % 2 == 0 for m in sigma for x in m))


def poly_mul(a, b):
    """Polynomials as {((variable, exponent), ...) sorted: coefficient}."""
    out = collections.Counter()
    for ma, ca in a.items():
        for mb, cb in b.items():
            m = collections.Counter(dict(ma))
            m.update(dict(mb))
            out[tuple(sorted(m.items()))] += ca * cb
    return {m: c for m, c in out.items() if c}


def poly_sum(*ps):
    out = collections.Counter()
    for p in ps:
        out.update(p)
    return {m: c for m, c in out.items() if c}


def poly_matmul(X, Y):
    return [[poly_sum(*(poly_mul(a, b) for a, b in zip(r, col))) for col in zip(*Y)] for r in X]


@functools.lru_cache(maxsize=None)
def full_system(T, d):
    """Format 6.8's e_0 .. e_(2d^2+2d-1), built as block matrix products of
    polynomial matrices (not entry formulas): Q = T diag(delta, eps),
    Q22 - X Q12 - Q21 W + X Q11 W - I, then the upper-left block of
    N+(W) diag(delta-bar, eps-bar) T^-1 N-(X) minus I, then the Rabinowitsch
    equations. T is a tuple of row tuples."""
    var = lambda v: {((v, 1),): Fr(1)}
    const = lambda c: {(): Fr(c)} if c else {}
    n = 2 * d
    X = [[var(i * d + j) for j in range(d)] for i in range(d)]
    W = [[var(d * d + i * d + j) for j in range(d)] for i in range(d)]
    scale = [2 * d * d + i for i in range(n)]              # delta_0.., eps_0..
    inv = [2 * d * d + n + i for i in range(n)]            # their bars
    Q = [[poly_mul(const(T[i][j]), var(scale[j])) for j in range(n)] for i in range(n)]
    blk = lambda M, r, c: [row[c * d:(c + 1) * d] for row in M[r * d:(r + 1) * d]]
    neg = lambda M: [[{m: -c for m, c in p.items()} for p in r] for r in M]
    I = [[const(int(i == j)) for j in range(d)] for i in range(d)]
    add = lambda *Ms: [[poly_sum(*ps) for ps in zip(*rows)] for rows in zip(*Ms)]
    E1 = add(blk(Q, 1, 1), neg(poly_matmul(X, blk(Q, 0, 1))), neg(poly_matmul(blk(Q, 1, 0), W)),
             poly_matmul(poly_matmul(X, blk(Q, 0, 0)), W), neg(I))
    cols = [inverse_column(T, n, c) for c in range(n)]
    R = [[poly_mul(var(inv[i]), const(cols[j][i])) for j in range(n)] for i in range(n)]
    E2 = add(blk(R, 0, 0), poly_matmul(W, blk(R, 1, 0)), poly_matmul(blk(R, 0, 1), X),
             poly_matmul(poly_matmul(W, blk(R, 1, 1)), X), neg(I))
    rab = [poly_sum(poly_mul(var(a), var(b)), const(-1)) for a, b in zip(scale, inv)]
    return [p for row in E1 for p in row] + [p for row in E2 for p in row] + rab


def inverse_column(T, n, c):
    """Column c of T^-1, by Cramer's rule (yet another way than elimination)."""
    D = det([list(r) for r in T])
    need(D != 0)
    return [det([[Fr(int(r == c)) if k == i else T[r][k] for k in range(n)] for r in range(n)]) / D
            for i in range(n)]


def full_system_ideal_holds(w, T, d, regime):
    """Format 6.8: p = sum c m e_k is nonzero, in the 4d scaling variables
    only, and a single term or (regime positive) all coefficients > 0."""
    conclusion, cofactors = w.get("conclusion"), w.get("cofactors")
    need(conclusion == "monomial" or (conclusion == "positive-coefficients" and regime == "positive"))
    need(type(cofactors) is list and 1 <= len(cofactors) <= 1 << 16 and len(cofactors) * (d + 2) ** 2 <= 1 << 22)
    seen, terms = set(), []
    for t in cofactors:
        need(type(t) is list and len(t) == 3 and is_int(t[0]) and 0 <= t[0] < 2 * d * d + 2 * d)
        need(type(t[1]) is list and all(type(pair) is list and len(pair) == 2 for pair in t[1]))
        need(all(is_int(v) and 0 <= v < 2 * d * d + 4 * d and is_int(e) and 1 <= e <= 64 for v, e in t[1]))
        vs = [v for v, _ in t[1]]
        need(vs == sorted(set(vs)) and sum(e for _, e in t[1]) <= 64 and exact(t[2]) != 0)
        key = (t[0], tuple(map(tuple, t[1])))
        need(key not in seen)
        seen.add(key)
        terms.append(key + (exact(t[2]),))
    e = full_system(tuple(map(tuple, T)), d)
    p = poly_sum(*(poly_mul({m: c}, e[k]) for k, m, c in terms))
    if not p or any(v < 2 * d * d for m in p for v, _ in m):
        return False
    return len(p) == 1 if conclusion == "monomial" else min(p.values()) > 0


def in_K1(T, d, regime):
    T11 = [r[:d] for r in T[:d]]
    if any(T11[i][j] if i != j else not admissible(T11[i][i], regime) for i in range(d) for j in range(d)):
        return False
    S = [[T[d + i][d + j] - sum(T[d + i][c] * T[c][d + j] / T[c][c] for c in range(d)) for j in range(d)]
         for i in range(d)]
    return not any(S[i][j] if i != j else not admissible(S[i][i], regime) for i in range(d) for j in range(d))


def holds(c):
    """Whether the parsed certificate c is well-formed and its claim true."""
    try:
        need(type(c) is dict and c.get("format") == "flowproof-certificate")
        need(is_int(c.get("version")) and c["version"] == 1)
        regime, d, claim = c.get("regime"), c.get("d"), c.get("claim")
        need(regime in ("positive", "signed") and is_int(d) and 1 <= d <= 8192)
        T = table(c.get("matrix"), 2 * d, 2 * d, exact)
        if claim == "factorization":
            arithmetic = c.get("arithmetic")
            need(arithmetic in ("exact", "binary64"))
            P = layer_product(c.get("layers"), d, regime, binary64 if arithmetic == "binary64" else exact)
            if arithmetic == "exact":
                return P == T
            r = c.get("residual")
            need(type(r) is dict and r.get("norm") == "frobenius")
            bound = exact(r.get("bound"))
            need(bound >= 0)
            return sum((x - y) ** 2 for pr, tr in zip(P, T) for x, y in zip(pr, tr)) <= bound ** 2
        if claim == "not-in-K2":
            return witness_holds(c.get("witness"), T, d, regime)
        need(claim == "depth")
        m, layers = c.get("depth"), c.get("layers")
        need(is_int(m) and 1 <= m <= 3 and c.get("arithmetic", "exact") == "exact")
        need(type(layers) is list and len(layers) == m)
        return (layer_product(layers, d, regime, exact) == T
                and (m != 2 or not in_K1(T, d, regime))
                and (m != 3 or witness_holds(c.get("witness"), T, d, regime)))
    except Invalid:
        return False


# ---------------------------------------------------------------- mutants

class Pairs(list):
    """A JSON object as (key, value) pairs, so a key can appear twice."""


def dumps(x):
    if isinstance(x, (dict, Pairs)):
        items = x.items() if isinstance(x, dict) else x
        return "{" + ", ".join(json.dumps(k) + ": " + dumps(v) for k, v in items) + "}"
    if isinstance(x, list):
        return "[" + ", ".join(map(dumps, x)) + "]"
    return json.dumps(x)


Mutant = collections.namedtuple("Mutant", "base category detail data expect")


class Mutants:
    def __init__(self):
        self.items = []

    def obj(self, base, category, detail, c, must_reject=False):
        """A mutant written as plain JSON; the oracle decides its verdict.
        must_reject: the mutation alone makes it invalid (checks the oracle)."""
        expect = holds(c)
        assert not (must_reject and expect), f"oracle accepts {base} {category} {detail}"
        self.items.append(Mutant(base, category, detail, dumps(c).encode(), expect))

    def raw(self, base, category, detail, data, expect):
        self.items.append(Mutant(base, category, detail, data if isinstance(data, bytes) else data.encode(), expect))


def paths(c):
    """Paths of every number string (matrix, layers, residual bound, witness vectors)."""
    d = c["d"]
    out = [("matrix", i, j) for i in range(2 * d) for j in range(2 * d)]
    for k in range(len(c.get("layers", []))):
        out += [("layers", k, X, i, j) for X in "AD" for i in range(d) for j in range(d)]
        out += [("layers", k, X, i) for X in "BC" for i in range(d)]
    if "residual" in c:
        out.append(("residual", "bound"))
    for key in "yuw":
        out += [("witness", key, i) for i in range(len(c.get("witness", {}).get(key, [])))]
    out += [("witness", "terms", k, 2) for k in range(len(c.get("witness", {}).get("terms", [])))]
    out += [("witness", "cofactors", k, 2) for k in range(len(c.get("witness", {}).get("cofactors", [])))]
    return out


def get(c, path):
    for p in path:
        c = c[p]
    return c


def put(c, path, value):
    c = copy.deepcopy(c)
    get(c, path[:-1])[path[-1]] = value
    return c


def value_of(s):
    return Fr(float.fromhex(s)) if "x" in s.lower() else Fr(s)


def same_value_forms(s, in_binary64_layer):
    """Other spellings of the value of s: (text, valid) pairs."""
    v = value_of(s)
    n, q = v.numerator, v.denominator
    forms = [(f"{2 * n}/{2 * q}", False), ("+" + str(v), False), (" " + str(v), False), (str(v) + " ", False),
             (str(v), True),                                      # new only where s is a hex float
             ("-0" + str(-v) if n < 0 else "0" + str(v), False),  # a leading zero
             (repr(n / q), False), (f"{n}e0", False)]             # decimal, exponent
    if q == 1:
        forms.append((f"{n}/1", False))
    if n == 0:
        forms.append(("-0", False))
    if Fr(float(v)) == v:
        h = float(v).hex()
        sign, mant, exp = "-" if h[0] == "-" else "", h.lstrip("-")[2:].split("p")[0], int(h.split("p")[1])
        ip, _, fp = mant.partition(".")
        digits = lambda n: f"{sign}0x{ip}.{fp}{'0' * (n - len(ip) - len(fp))}p{exp:+d}"
        forms += [(h, in_binary64_layer), (h.upper(), in_binary64_layer),
                  (f"{sign}0x{mant}p{exp:+07d}", False),              # 6 exponent digits
                  (f"{sign}0x{mant}p{exp:+06d}", in_binary64_layer),  # 5, with leading zeros
                  (digits(40), in_binary64_layer), (digits(41), False)]
    return forms


def number_mutants(out, name, c, rng, sample):
    b64 = c.get("arithmetic") == "binary64"
    ps = paths(c)
    for path in rng.sample(ps, min(sample, len(ps))):
        s = get(c, path)
        in_layer = b64 and path[0] == "layers"
        v = value_of(s)
        for op, f in rng.sample(list(VALUE_OPS.items()), 3):
            w = f(v)
            if w != v:
                text = float(w).hex() if in_layer and rng.random() < 0.5 and Fr(float(w)) == w else str(w)
                out.obj(name, f"value:{op}", f"{path}: {s} -> {text}", put(c, path, text))
        for text, valid in rng.sample(same_value_forms(s, in_layer), 3):
            if text != s:
                out.obj(name, "spelling:" + ("valid" if valid else "invalid"), f"{path}: {s!r} -> {text!r}",
                        put(c, path, text), must_reject=not valid)
        bad = rng.choice(["2/4", "01", "-0", "1/1", "0.5", " 1", "1e3", "+1", "1/0", "0/5", "", "1/-2", "½", "١"])
        out.obj(name, "noncanonical", f"{path}: {bad!r}", put(c, path, bad), must_reject=True)
        if in_layer:
            for text in ("0x1.00000000000001p+0", "0x1p+99999999999", "0x1p+99999", "0x1p-1075",
                         "0x1." + "0" * 60 + "p+0", "0x1p+1024", "1/3", "0x1.8p1", "0X1P-1074"):
                if rng.random() < 0.3:
                    out.obj(name, "binary64-entry", f"{path}: {text}", put(c, path, text))
        elif rng.random() < 0.3:
            out.obj(name, "hex-in-exact-field", f"{path}: 0x1p+0", put(c, path, "0x1p+0"), must_reject=True)
        retype = rng.choice([1, 0, 1.5, None, True, ["1"], {"n": "1"}])
        out.obj(name, "number-retyped", f"{path}: {retype!r}", put(c, path, retype), must_reject=True)


VALUE_OPS = {"+1": lambda v: v + 1, "-1": lambda v: v - 1, "x2": lambda v: 2 * v,
             "neg": lambda v: -v, "zero": lambda v: Fr(0)}
RETYPES = {"string": "1", "int": 1, "float": 1.5, "list": [], "object": {}, "null": None, "bool": True}
CHANGES = {   # field: values it is changed to (besides retyping)
    "format": ["flowproof", "flowproof-certificate ", "Flowproof-certificate"],
    "version": [0, 2, -1, 1.0, "1", 2 ** 64],
    "d": ["+1", "-1", 0, -1, 8192, 8193, 2 ** 63, 2 ** 64, 10 ** 30, "str", "float"],
    "depth": ["+1", "-1", 0, 4, -1, 2 ** 64, "str", "float"],
    "regime": ["positive", "signed", "Positive", "", "complex"],
    "claim": ["factorization", "not-in-K2", "depth", "Depth", "not-in-k2"],
    "arithmetic": ["exact", "binary64", "Exact", "float"],
    "type": ["principal-minors", "principal-minors-monomial", "t11-zero-signed", "t11-zero-positive",
             "full-system-ideal", "farkas"],
    "conclusion": ["monomial", "positive-coefficients", "Monomial", ""],
    "j": ["+1", "-1", 0, -1, "d", 2 ** 64, "str", "float"],
    "k": ["+1", "-1", -1, "d", 2 ** 64, "str", "float"],
    "sign": ["+", "-", "plus", ""],
    "zero": ["T11", "V", "t11", "v"],
    "norm": ["frobenius", "max", "Frobenius"],
}


def field_mutants(out, name, c, rng):
    objects = [((), c)]
    objects += [((key,), c[key]) for key in ("witness", "residual") if isinstance(c.get(key), dict)]
    if "layers" in c:
        k = rng.randrange(len(c["layers"]))
        objects.append((("layers", k), c["layers"][k]))
    for where, o in objects:
        for key, old in o.items():
            path = where + (key,)
            smaller = {k: v for k, v in o.items() if k != key}
            out.obj(name, "field-removed", str(path), put(c, where, smaller) if where else smaller)
            for t, v in RETYPES.items():
                if v != old or type(v) is not type(old):
                    out.obj(name, f"field-retyped:{t}", f"{path} = {v!r}", put(c, path, v))
            for v in CHANGES.get(key, []):
                if isinstance(old, int) and not isinstance(old, bool):
                    v = {"+1": old + 1, "-1": old - 1, "d": c["d"], "str": str(old), "float": float(old)}.get(v, v)
                if v != old or type(v) is not type(old):
                    out.obj(name, f"field-changed:{key}", f"{path} = {v!r}", put(c, path, v))
            for same in (True, False):   # raw text: the key twice
                dup = Pairs([(key, old if same else rng.choice(list(RETYPES.values())))] + list(o.items()))
                text = dumps(put(c, where, dup) if where else dup)
                out.raw(name, "duplicate-key", f"{path} ({'same' if same else 'other'} value)", text, False)


def identity_pair(d):
    return {"A": [["0"] * d for _ in range(d)], "B": ["1"] * d, "C": ["1"] * d, "D": [["0"] * d for _ in range(d)]}


def layer_mutants(out, name, c):
    L, d = c["layers"], c["d"]
    variants = {"reversed": L[::-1], "identity-appended": L + [identity_pair(d)],
                "identity-prepended": [identity_pair(d)] + L, "empty": [], "not-a-list": L[0]}
    for i in range(len(L)):
        variants[f"drop {i}"] = L[:i] + L[i + 1:]
        variants[f"duplicate {i}"] = L[:i + 1] + L[i:]
        if i + 1 < len(L):
            variants[f"swap {i},{i + 1}"] = L[:i] + [L[i + 1], L[i]] + L[i + 2:]
    for detail, layers in variants.items():
        out.obj(name, "layers", detail, dict(c, layers=layers))


def claim_mutants(out, name, c):
    """Claims moved between kinds, and the binary64 relabelling of exact
    layers: true exactly when every entry is a binary64 value and the
    residual bound holds (the oracle computes both)."""
    for r in ("0", "1/1000000000000", "1"):
        out.obj(name, "relabel-binary64", f"bound {r}", dict(c, claim="factorization", arithmetic="binary64",
                                                            residual={"norm": "frobenius", "bound": r}))
    if c["claim"] == "depth":
        out.obj(name, "claim-moved", "depth -> factorization", dict(c, claim="factorization"))
        out.obj(name, "claim-moved", "depth -> not-in-K2", dict(c, claim="not-in-K2"))
    if "witness" in c and c["claim"] != "depth":
        for m in (1, 2, 3):
            layers = (c.get("layers") or [identity_pair(c["d"])] * m)[:m]
            out.obj(name, "claim-moved", f"not-in-K2 -> depth {m}", dict(c, claim="depth", depth=m, layers=layers))
    if c.get("witness", {}).get("type", "").startswith("principal-minors"):
        for key, v in (("zero", "V"), ("zero", "T11"), ("sign", "+"), ("sign", "-")):
            for kind in ("principal-minors", "principal-minors-monomial"):
                out.obj(name, "witness-retargeted", f"{kind} {key}={v}",
                        dict(c, witness={"type": kind, "j": c["witness"]["j"], key: v}))


def cofactor_mutants(out, name, c, rng):
    """full-system-ideal cofactor terms (format 6.8) dropped, repeated, moved
    to another equation or multiplied by a variable (the oracle judges those),
    and malformed: monomial pairs unsorted or repeated, exponents, variables
    and k out of range, non-integers, degree over 64."""
    w, d = c["witness"], c["d"]
    terms = w["cofactors"]
    n_eq, n_var = 2 * d * d + 2 * d, 2 * d * d + 4 * d

    def mutant(detail, new_terms, must_reject=False):
        out.obj(name, "cofactors", detail, dict(c, witness=dict(w, cofactors=new_terms)), must_reject)

    def times(m, v):
        pairs = dict(map(tuple, m))
        pairs[v] = pairs.get(v, 0) + 1
        return [list(p) for p in sorted(pairs.items())]
    mutant("reversed", terms[::-1])
    mutant("empty", [], True)
    # every h_k scaled: p is scaled too, so the claim holds iff the factor is a
    # nonzero constant or a scaling variable (an x keeps p in x; -1 flips signs)
    for factor in ("-1", "2/3"):
        mutant(f"all times {factor}", [[k, m, str(Fr(x) * Fr(factor))] for k, m, x in terms])
    for v in (0, d * d, 2 * d * d, n_var - 1):           # an x, a w, a delta, the last eps-bar
        mutant(f"all times variable {v}", [[k, times(m, v), x] for k, m, x in terms])
    for i in sorted(rng.sample(range(len(terms)), min(3, len(terms)))):
        k, m, x = terms[i]
        at = lambda term: terms[:i] + [term] + terms[i + 1:]
        mutant(f"drop {i}", terms[:i] + terms[i + 1:])
        mutant(f"repeat {i}", terms + [terms[i]], True)
        mutant(f"{i}: k {k} -> {(k + 1) % n_eq}", at([(k + 1) % n_eq, m, x]))
        for v in (0, 2 * d * d, n_var - 1):               # an x, a delta, the last eps-bar
            mutant(f"{i}: times variable {v}", at([k, times(m, v), x]))
        for bad_k in (-1, n_eq, True, float(k), str(k)):
            mutant(f"{i}: k = {bad_k!r}", at([bad_k, m, x]), True)
        bad_monomials = [[[0, 0]], [[0, 65]], [[n_var, 1]], [[-1, 1]], [[0, 32], [1, 33]], [[0, 1.0]],
                         [[0, True]], [[0]], [[0, 1, 1]], [0, 1], {"0": 1}]
        if m:
            bad_monomials += [m + [m[-1]], [[m[0][0], 0]] + m[1:]]
        if len(m) >= 2:
            bad_monomials.append(m[::-1])
        for bad in bad_monomials:
            mutant(f"{i}: monomial {bad!r}", at([k, bad, x]), True)
        for bad in ([k, m], [k, m, x, x], {"k": k}):
            mutant(f"{i}: term {bad!r}", at(bad), True)
    for conclusion in ("monomial", "positive-coefficients"):
        for regime in ("positive", "signed"):
            out.obj(name, "conclusion", f"{conclusion} in {regime}",
                    dict(c, regime=regime, witness=dict(w, conclusion=conclusion)))


def text_mutants(out, name, c, rng, heavy):
    text = dumps(c)
    ok = True                  # c is a base certificate, so its claim holds
    for cut in sorted(rng.sample(range(len(text)), 6)):
        out.raw(name, "truncated", f"at {cut}/{len(text)}", text[:cut], False)
    closers = [m.start() for m in re.finditer(r"[\]}]", text)]
    for at in rng.sample(closers, 3):
        out.raw(name, "trailing-comma", f"at {at}", text[:at] + "," + text[at:], False)
    strings = [m.span() for m in re.finditer(r'"-?[0-9][0-9/]*"', text)]
    for const in ("NaN", "Infinity", "-Infinity"):
        a, b = rng.choice(strings)
        out.raw(name, "nan", f"{const} for {text[a:b]}", text[:a] + const + text[b:], False)
        out.raw(name, "nan", f"{const} in an extra field", text[:-1] + f', "x": {const}}}', False)
    out.raw(name, "comment", "// line", "// c\n" + text, False)
    out.raw(name, "comment", "/* block */", text[:-1] + "/* c */}", False)
    out.raw(name, "reformatted", "indent=1, compact separators",
            json.dumps(c, indent=1, separators=(",", ":")), ok)
    a, b = rng.choice(strings)
    escaped = '"' + "".join(f"\\u{ord(ch):04x}" for ch in text[a + 1:b - 1]) + '"'
    out.raw(name, "escaped-string", f"{text[a:b]} as {escaped}", text[:a] + escaped + text[b:], ok)
    out.raw(name, "escaped-string", "key d as \\u0064", text.replace('"d":', '"\\u0064":', 1), ok)
    out.raw(name, "extra-field", "raw UTF-8 text", text[:-1] + ', "note": "café ☃ 😀"}', ok)
    out.raw(name, "extra-field", "lone surrogate", text[:-1] + r', "note": "\ud800"}', False)
    out.raw(name, "extra-field", "lone surrogate key", text[:-1] + r', "\udc00": 1}', False)
    out.raw(name, "extra-field", "invalid UTF-8", text[:-1].encode() + b', "note": "\xc3\x28"}', False)
    out.raw(name, "bom", "UTF-8 BOM", b"\xef\xbb\xbf" + text.encode(), False)
    out.raw(name, "top-level", "array", "[" + text + "]", False)
    if c.get("witness", {}).get("k") == 0:
        out.raw(name, "integer-spelling", "k as -0", text.replace('"k": 0', '"k": -0'), ok)
    for n, expect in ((31, ok), (32, False)):     # the certificate object is level 1
        out.raw(name, "nesting", f"{n + 1} levels", text[:-1] + ', "x": ' + "[" * n + "]" * n + "}", expect)
    if not heavy:
        return
    for detail, t, expect in (
            ("10^5 brackets", text[:-1] + ', "x": ' + "[" * HUGE + "]" * HUGE + "}", False),
            ("10^5 unclosed brackets", text[:-1] + ', "x": ' + "[" * HUGE, False),
            ("10^5 nested objects", text[:-1] + ', "x": ' + '{"a":' * HUGE + "1" + "}" * HUGE + "}", False)):
        out.raw(name, "nesting", detail, t, expect)
    for detail, t, expect in (
            ("10^5-digit integer in an extra field", text[:-1] + ', "x": ' + "9" * HUGE + "}", ok),
            ("10^5-digit decimal in an extra field", text[:-1] + ', "x": 0.' + "1" * HUGE + "}", ok),
            ("10^5-digit d", text.replace(f'"d": {c["d"]}', '"d": ' + "9" * HUGE, 1), False),
            ("10^5-digit version", text.replace('"version": 1', '"version": 1' + "0" * HUGE, 1), False)):
        out.raw(name, "huge-digits", detail, t, expect)
    path = ("layers", 0, "A", 0, 0)
    for detail, s in (("numerator", "1" + "0" * HUGE), ("denominator", "1/3" + "0" * HUGE + "1"),
                      ("hex mantissa", "0x1" + "0" * HUGE + "p+0"), ("hex exponent", "0x1p+" + "9" * HUGE),
                      ("hex zero, huge exponent", "0x0p+" + "9" * HUGE)):
        out.obj(name, "huge-digits", f"{detail} in {path}", put(c, path, s))


def build_mutants(bases):
    rng = random.Random(SEED)
    out = Mutants()
    for name, c in sorted(bases.items()):
        out.obj(name, "original", "", c)
        number_mutants(out, name, c, rng, sample=14)
        field_mutants(out, name, c, rng)
        if "layers" in c:
            layer_mutants(out, name, c)
        claim_mutants(out, name, c)
        if c.get("witness", {}).get("type") == "full-system-ideal":
            cofactor_mutants(out, name, c, rng)
        text_mutants(out, name, c, rng, heavy=name in ("exact-swap-d2", "binary64-swap-d2"))
    for kind, text in (("empty", ""), ("whitespace", " \n"), ("string", '"flowproof-certificate"'),
                       ("number", "1"), ("null", "null"), ("empty object", "{}")):
        out.raw("-", "top-level", kind, text, False)
    budget_mutants(out)
    return out.items


def budget_mutants(out):
    """[I 2I; I I] has T11 = I and V = -I, so principal-minors (sign +) holds
    for every odd j; C(30, 3) = 4060 is within the budget of 4096 minors,
    C(31, 3) = 4495 is not (rejected though true), nor are the (false)
    monomial witnesses, which must be refused before computing anything."""
    for d, j, kind in ((30, 3, "principal-minors"), (31, 3, "principal-minors"), (30, 4, "principal-minors"),
                       (31, 3, "principal-minors-monomial"), (30, 5, "principal-minors-monomial")):
        I = [[str(int(a == b)) for b in range(d)] for a in range(d)]
        matrix = [r + [str(2 * int(x)) for x in r] for r in I] + [r + r for r in I]
        wit = {"type": kind, "j": j, "sign": "+"} if kind == "principal-minors" else {"type": kind, "j": j, "zero": "V"}
        c = {"format": "flowproof-certificate", "version": 1, "claim": "not-in-K2", "regime": "positive",
             "d": d, "matrix": matrix, "witness": wit}
        out.obj(f"two-identity-d{d}", "minor-budget", f"{kind} j={j}, C(d, j) = {math.comb(d, j)}", c,
                must_reject=math.comb(d, j) > 4096)
    # full-system-ideal: d = 65 needs T^-1 above d = 64; at d = 7, 51782 terms of
    # (d + 2)^2 = 81 products pass 2^22. T = I is in K_2, so these are false anyway;
    # both checkers must refuse them before the work.
    for d, count in ((65, 1), (7, 51782)):
        terms = list(itertools.islice(([k, [[v, e]], "1"] for k in range(2 * d * d + 2 * d)
                                       for v in range(2 * d * d + 4 * d) for e in range(1, 5)), count))
        c = {"format": "flowproof-certificate", "version": 1, "claim": "not-in-K2", "regime": "signed", "d": d,
             "matrix": [[str(int(a == b)) for b in range(2 * d)] for a in range(2 * d)],
             "witness": {"type": "full-system-ideal", "conclusion": "monomial", "cofactors": terms}}
        out.obj(f"identity-d{d}", "fsi-budget", f"{count} terms", c, must_reject=True)


# ------------------------------------------------------------------ the run

def flowproof_binary():
    path = os.environ.get("FLOWPROOF_BIN") or os.path.join(ROOT, ".build", "debug", "flowproof")
    if not os.path.exists(path):
        try:
            subprocess.run(["swift", "build"], cwd=ROOT, check=True, capture_output=True, timeout=1800)
        except (OSError, subprocess.SubprocessError) as e:
            pytest.skip(f"flowproof binary {path} missing and `swift build` failed: {e}")
        if not os.path.exists(path):
            pytest.skip(f"flowproof binary {path} missing (`swift build` does not make it)")
    return path


def bases(binary, tmp):
    out = {name: json.load(open(os.path.join(ROOT, "proofs", p))) for name, p in PROOFS.items()}
    out.update(copy.deepcopy(HAND))
    for name, (args, source) in GENERATED.items():
        if not source.startswith("examples/"):
            src, source = source, os.path.join(tmp, name + ".txt")
            with open(source, "w") as f:
                f.write(src)
        cert = os.path.join(tmp, name + ".json")
        r = subprocess.run([binary, args[0], source, *args[1:], "--out", cert], cwd=ROOT, capture_output=True)
        assert r.returncode == 0, r.stderr
        out[name] = json.load(open(cert))
    for name in NOT_IN_K2_FROM:
        out["not-in-K2-" + name] = {k: v for k, v in out[name].items() if k not in ("depth", "layers", "arithmetic")}
        out["not-in-K2-" + name]["claim"] = "not-in-K2"
    for name, c in out.items():
        assert holds(c), f"oracle rejects the base certificate {name}"
    return out


def test_mutants_agree_and_false_claims_are_rejected(tmp_path, capsys):
    binary = flowproof_binary()
    start = time.time()
    mutants = build_mutants(bases(binary, str(tmp_path)))
    mutant_dir = tmp_path / "mutants"
    mutant_dir.mkdir()
    for i, m in enumerate(mutants):
        (mutant_dir / f"{i:05d}.json").write_bytes(m.data)
    generated = time.time() - start

    # flowproof on one core (waited for by a thread, to time it alone), the
    # independent checker on the other.
    t0 = time.time()
    swift = subprocess.Popen([binary, "verify", "--json", str(mutant_dir)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    swift_run = {}
    waiter = threading.Thread(target=lambda: swift_run.update(output=swift.communicate(), seconds=time.time() - t0))
    waiter.start()
    python = [ic.check_file(str(mutant_dir / f"{i:05d}.json")) for i in range(len(mutants))]
    python_seconds = time.time() - t0
    waiter.join(max(1, VERIFY_BUDGET_SECONDS - python_seconds))
    if waiter.is_alive():
        swift.kill()
        waiter.join()
        pytest.fail(f"flowproof verify took over {VERIFY_BUDGET_SECONDS} s", pytrace=False)
    stdout, stderr = swift_run["output"]
    swift_seconds = swift_run["seconds"]
    stderr = stderr.decode("utf-8", "replace")
    assert swift.returncode in (0, 1), (swift.returncode, stderr[-2000:])
    for marker in CRASH_MARKERS:
        assert marker not in stderr, stderr[-2000:]
    results = {os.path.basename(r["path"]): r for r in json.loads(stdout)["results"]}
    assert len(results) == len(mutants)

    problems = collections.defaultdict(list)   # (kind, category) -> [(mutant, (flowproof's, independent's verdict))]
    for i, m in enumerate(mutants):
        s, p = results[f"{i:05d}.json"], python[i]
        swift_ok, python_ok = s["accepted"], p[0]
        verdicts = (s.get("summary") or s.get("reason"), p[1])
        if swift_ok != python_ok:
            problems[("disagree", m.category)].append((m, verdicts))
        for checker, accepted in (("flowproof", swift_ok), ("independent", python_ok)):
            if accepted != m.expect:
                kind = f"{checker} {'accepts a false claim' if accepted else 'rejects a true claim'}"
                problems[(kind, m.category)].append((m, verdicts))
    counts = collections.Counter("accepted" if m.expect else "rejected" for m in mutants)
    disagreements = sum(len(v) for (k, _), v in problems.items() if k == "disagree")
    with capsys.disabled():
        print(f"\nmutation test: {len(mutants)} mutants of {len({m.base for m in mutants})} certificates, "
              f"{counts['rejected']} must be rejected, {counts['accepted']} accepted-true; "
              f"{disagreements} disagreements; generation {generated:.1f} s, "
              f"independent check {python_seconds:.1f} s, flowproof verify {swift_seconds:.1f} s")
        for (kind, category), items in sorted(problems.items()):
            m, (sv, pv) = items[0]
            print(f"  {kind}: {category} x{len(items)}, e.g. {m.base} {m.detail[:100]}\n"
                  f"      flowproof: {str(sv)[:120]}\n      independent: {str(pv)[:120]}")
    if problems:
        pytest.fail(f"{len(problems)} kinds of failure, listed above", pytrace=False)


def test_file_over_1_gib_is_rejected_unread(tmp_path):
    """A valid certificate followed by zeros up to 1 GiB + 1 byte (a sparse
    file): both checkers refuse it by its size, and flowproof's peak memory
    shows it did not read the file first."""
    binary = flowproof_binary()
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.write(open(os.path.join(ROOT, "proofs", "swap", "swap-d2.json"), "rb").read())
        f.truncate(ic.MAX_FILE_BYTES + 1)
    assert ic.check_file(str(big)) == (False, f"file larger than {ic.MAX_FILE_BYTES} bytes")
    with subprocess.Popen([binary, "verify", "--json", str(big)], stdout=subprocess.PIPE) as p:
        _, status, usage = os.wait4(p.pid, 0)   # this child's own peak memory
        p.returncode = os.waitstatus_to_exitcode(status)
        result = json.loads(p.stdout.read())["results"][0]
    assert p.returncode == 1 and not result["accepted"], result
    assert usage.ru_maxrss < 256 * 1024, f"flowproof verify peaked at {usage.ru_maxrss // 1024} MiB: {result}"
