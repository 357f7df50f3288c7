#!/usr/bin/env python3
"""Decide the minimal depth of every even permutation matrix of size 2d.

flowproof decides most permutations itself (`flowproof depth`). For the
rest (singular T11, where the characteristic-polynomial equations are only
necessary), this script asks Singular, an external computer-algebra system
used as an untrusted oracle, about the full depth-2 system of
docs/certificate-format.md §6.8:

- a Groebner basis containing 1, a monomial, or (regime positive) a
  polynomial with coefficients of one sign in the scaling variables only,
  gives a `full-system-ideal` witness; Singular's `lift` supplies the
  cofactors, or, when it runs out of time, exact linear algebra on the
  graded pieces of the system (`graded_lift`, python-flint);
- otherwise scalings of +-1 (positive: all +1) are tried, the remaining
  system is cut down greedily by fixing X and W entries to small integers
  while it stays consistent, and a rational point gives an exact depth-2
  factorization.

Nothing Singular returns is trusted: every certificate is checked by
`flowproof verify` before it is written, and CI re-checks the corpus with
the independent checker. Permutations are classified up to conjugation by
diag(P, Q) (P, Q permutations of d) and inversion, which preserve every
K_k: each class (called an orbit below) gets one certificate, counts are
weighted by its size.

    apt-get install singular && pip install python-flint numpy
    scripts/permutation-ideals.py --d 3 --regime positive --out DIR
    scripts/permutation-ideals.py --d 4 --regime signed --shard 1/8 --out part1

Each decided orbit is appended to DIR/permutation-ideals-<regime>-d<d>.outcomes
(`rep orbit-size outcome`); a rerun skips what is recorded, so interrupted
runs resume. The run prints a JSON summary: permutations and orbits per
outcome, and `complete` once every orbit is recorded. `--merge A B ... --out C`
combines the records (and the certificates are simply the files of all
directories). `--flowproof-only` records what `flowproof depth` decides by
itself and stops there (no Singular, no certificates): the counts of
proofs/README.md for flowproof alone.
"""
import argparse
import functools
import itertools
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
from fractions import Fraction

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parity(p):
    p, s = list(p), 0
    for i in range(len(p)):
        while p[i] != i:
            j = p[i]
            p[i], p[j] = p[j], p[i]
            s ^= 1
    return s


def class_key(p, d):
    """What conjugation by diag(P, Q) and inversion leave of the permutation p of 2d.

    Conjugation by diag(P, Q) relabels the points 0..d-1 among themselves and
    d..2d-1 among themselves, so it keeps exactly the cycles as cyclic words
    over {upper, lower}; inversion reverses every cycle. The key is the
    smaller of the two sorted word lists, each word its least rotation.
    """
    def least_rotation(word):
        return min(word[k:] + word[:k] for k in range(len(word)))

    seen, words = [False] * len(p), []
    for start in range(len(p)):
        word, i = [], start
        while not seen[i]:
            seen[i] = True
            word.append("u" if i < d else "l")
            i = p[i]
        if word:
            words.append("".join(word))
    return min(tuple(sorted(least_rotation(w) for w in words)), tuple(sorted(least_rotation(w[::-1]) for w in words)))


@functools.lru_cache(maxsize=None)
def orbit_representatives(d):
    """Even permutations of 2d up to conjugation by diag(P, Q) and inversion:
    [(rep, class size)], rep the lexicographically smallest of its class.

    Both preserve every K_k in both regimes (docs/theory.md §2): conjugation
    by diag(P, Q) maps L(A, B) to L(QAPᵀ, QBQᵀ) and U(C, D) to U(PCPᵀ, PDQᵀ),
    and T = Π·Δ with Π a product of k pairs of shears [I 0; X I][I Y; 0 I]
    gives Tᵀ = Δ·Πᵀ, where Πᵀ is again such a product and Δ moves back to the
    right through it; for a permutation Tᵀ = T⁻¹. Classes: 19, 76, 278 for
    d = 3, 4, 5 (against 67, 898 and at least 15 120 orbits of diag(P, P) alone).
    """
    first, size = {}, {}
    for p in itertools.permutations(range(2 * d)):  # lexicographic: a class's first is its least
        if parity(p):
            continue
        key = class_key(p, d)
        if key not in first:
            first[key], size[key] = p, 0
        size[key] += 1
    return [(first[key], size[key]) for key in first]


def matrix(p):
    n = len(p)
    return [[1 if p[i] == j else 0 for j in range(n)] for i in range(n)]


# --- the full system (format §6.8) as Singular text -------------------------

def names(d):
    x = [f"x{i}_{j}" for i in range(d) for j in range(d)]
    w = [f"w{i}_{j}" for i in range(d) for j in range(d)]
    return x + w + [f"a{i}" for i in range(d)] + [f"b{i}" for i in range(d)] + \
        [f"ia{i}" for i in range(d)] + [f"ib{i}" for i in range(d)]


def equations(t):
    """e_k of format §6.8 as Singular strings (T a permutation: S = T^T)."""
    n = len(t)
    d = n // 2
    s = [[t[j][i] for j in range(n)] for i in range(n)]
    blk = lambda m, r, c: [[m[r * d + i][c * d + j] for j in range(d)] for i in range(d)]
    t11, t12, t21, t22 = blk(t, 0, 0), blk(t, 0, 1), blk(t, 1, 0), blk(t, 1, 1)
    s11, s12, s21, s22 = blk(s, 0, 0), blk(s, 0, 1), blk(s, 1, 0), blk(s, 1, 1)
    x = lambda i, j: f"x{i}_{j}"
    w = lambda i, j: f"w{i}_{j}"
    out = []
    r = range(d)
    for i in r:
        for j in r:
            e = [f"{t22[i][j]}*b{j}"] if t22[i][j] else []
            e += ["-1"] if i == j else []
            e += [f"-{t12[l][j]}*{x(i, l)}*b{j}" for l in r if t12[l][j]]
            e += [f"-{t21[i][l]}*a{l}*{w(l, j)}" for l in r if t21[i][l]]
            e += [f"{t11[l][m]}*{x(i, l)}*a{m}*{w(m, j)}" for l in r for m in r if t11[l][m]]
            out.append("+".join(e).replace("+-", "-") or "0")
    for i in r:
        for j in r:
            e = [f"{s11[i][j]}*ia{i}"] if s11[i][j] else []
            e += ["-1"] if i == j else []
            e += [f"{s21[l][j]}*{w(i, l)}*ib{l}" for l in r if s21[l][j]]
            e += [f"{s12[i][l]}*ia{i}*{x(l, j)}" for l in r if s12[i][l]]
            e += [f"{s22[l][m]}*{w(i, l)}*ib{l}*{x(m, j)}" for l in r for m in r if s22[l][m]]
            out.append("+".join(e).replace("+-", "-") or "0")
    out += [f"a{i}*ia{i}-1" for i in r] + [f"b{i}*ib{i}-1" for i in r]
    return out


def singular(script, timeout):
    """Singular's output, or "" when it runs over `timeout` seconds (no answer, no proof)."""
    try:
        done = subprocess.run(["Singular", "-q", "--no-warn"], input=script + "\nquit;\n",
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return ""
    return done.stdout


def ring(d):
    # Block order, X and W before the scalings: Singular's lift (cofactors)
    # takes 0.1 s where plain dp takes 40-150 s at d = 3.
    return f"ring r=0,({','.join(names(d))}),(dp({2 * d * d}),dp({4 * d}));\noption(redSB);\n"


def parse(poly, index):
    """A Singular polynomial string -> {((var, exp), ...): Fraction}."""
    out = {}
    for m in re.finditer(r"[+-]?[^+-]+", poly.replace(" ", "")):
        term = m.group(0)
        sign = -1 if term.startswith("-") else 1
        term = term.lstrip("+-")
        coef, mono = Fraction(1), {}
        for factor in term.split("*"):
            if re.fullmatch(r"[0-9]+(/[0-9]+)?", factor):
                coef *= Fraction(factor)
            else:
                v, _, e = factor.partition("^")
                mono[index[v]] = mono.get(index[v], 0) + int(e or 1)
        key = tuple(sorted(mono.items()))
        out[key] = out.get(key, 0) + sign * coef
    return {k: c for k, c in out.items() if c}


def fmt(q):
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def refutation(t, regime, timeout):
    """A full-system-ideal witness, or None."""
    d = len(t) // 2
    eqs = equations(t)
    index = {v: k for k, v in enumerate(names(d))}
    xw = "*".join(names(d)[:2 * d * d])
    script = ring(d) + f"ideal I={','.join(eqs)};\n" + f"""
ideal G=std(I);
if (G[1]==1) {{ print("TARGET 1"); }}
else {{
  ideal E=std(eliminate(I,{xw}));
  int k; for (k=1;k<=ncols(E);k++) {{ print("GEN "+string(E[k])); }}
}}
"""
    out = singular(script, timeout)
    targets = [line[7:] for line in out.splitlines() if line.startswith("TARGET ")]
    if not targets:
        candidates = [(parse(line[4:], index), line[4:]) for line in out.splitlines() if line.startswith("GEN ")]
        # The shortest target tends to have the shortest cofactors.
        targets = [g for p, g in sorted(candidates, key=lambda pg: (len(pg[0]), len(pg[1]), pg[1]))
                   if len(p) == 1 or (regime == "positive" and len({c > 0 for c in p.values()}) == 1)]
    if not targets:
        return None
    target = targets[0]
    script = ring(d) + f"ideal I={','.join(eqs)};\nmatrix M=lift(I,ideal({target}));\n" + """
int k; for (k=1;k<=nrows(M);k++) { if (M[k,1]!=0) { print("COF "+string(k-1)+" "+string(M[k,1])); } }
"""
    out = singular(script, timeout)
    terms = []
    for line in out.splitlines():
        if line.startswith("COF "):
            _, k, poly = line.split(" ", 2)
            for mono, c in sorted(parse(poly, index).items()):
                terms.append([int(k), [list(p) for p in mono], fmt(c)])
    p = parse(target, index)
    if not terms:
        # Singular's lift ran out of time (at d = 4 it can take minutes where
        # the elimination took 0.4 s): linear algebra on the graded pieces.
        cofactors = graded_lift([parse(e, index) for e in eqs], p, len(index))
        terms = [[k, [list(v) for v in mono], fmt(c)] for (k, mono), c in sorted(cofactors.items())] if cofactors else []
    if not terms:
        return None
    conclusion = "monomial" if len(p) == 1 else "positive-coefficients"
    if conclusion == "positive-coefficients" and next(iter(p.values())) < 0:
        for term in terms:
            term[2] = fmt(-Fraction(term[2]))
    return {"type": "full-system-ideal", "conclusion": conclusion, "cofactors": terms}


def graded_lift(polys, target, n, monomial_budget=300_000, unknown_budget=6000):
    """{(k, monomial): c} with sum c*monomial*polys[k] == target exactly, or None.

    Every e_k of a permutation is homogeneous for a grading of rank 7 or so
    (weights making all terms of each polynomial, the constant 1 included,
    equal), so the cofactor of e_k only needs the monomials of weight
    wt(target) - wt(e_k). For degree bounds D = 1, 2, ... the linear system
    on those coefficients is tested for consistency modulo a prime, then a
    nonsingular square part (pivots modulo the prime) is solved over Q with
    FLINT, and the solution is kept only if the expansion equals the target."""
    import flint  # python-flint: exact and modular matrices
    import numpy as np

    def vector(m):
        v = [0] * n
        for var, e in m:
            v[var] = e
        return v

    differences = [[a - b for a, b in zip(vector(m), vector(next(iter(q))))] for q in polys + [target] for m in q]
    form, rank = flint.fmpq_mat(len(differences), n, [x for row in differences for x in row]).rref()
    pivots = [next(j for j in range(n) if form[i, j] != 0) for i in range(rank)]
    weights = np.zeros((n, n - rank))
    for f, free in enumerate(j for j in range(n) if j not in pivots):
        weights[free, f] = 1
        for i, j in enumerate(pivots):
            weights[j, f] = -float(Fraction(int(form[i, free].p), int(form[i, free].q)))
    top = 1
    while math.comb(n + top + 1, top + 1) <= monomial_budget:
        top += 1
    monomials = [c for degree in range(top + 1) for c in itertools.combinations_with_replacement(range(n), degree)]
    exponents = np.zeros((len(monomials), n), dtype=np.int16)
    for i, c in enumerate(monomials):
        for v in c:
            exponents[i, v] += 1
    grades, degrees = exponents @ weights, exponents.sum(axis=1)
    wt = lambda q: np.array(vector(next(iter(q)))) @ weights
    # The monomials of the right weight for each cofactor, whatever the degree bound.
    fitting = [np.nonzero(np.all(np.abs(grades - (wt(target) - wt(q))) < 1e-9, axis=1))[0] for q in polys]
    prime = 2 ** 31 - 1
    for bound in range(top + 1):
        columns = [(k, i) for k, found in enumerate(fitting) for i in found[degrees[found] <= bound]]
        if len(columns) > unknown_budget:
            return None
        rows, entries = {}, []
        for c, (k, i) in enumerate(columns):
            for m, v in polys[k].items():
                key = tuple((exponents[i] + vector(m)).tolist())
                entries.append((rows.setdefault(key, len(rows)), c, v))
        rhs = {rows.setdefault(tuple(vector(m)), len(rows)): v for m, v in target.items()}
        modular = lambda v: v.numerator * pow(v.denominator, -1, prime) % prime
        a = flint.nmod_mat(len(rows), len(columns) + 1, prime)
        for r, c, v in entries:
            a[r, c] = (int(a[r, c]) + modular(v)) % prime
        for r, v in rhs.items():
            a[r, len(columns)] = modular(v)
        reduced, rank = a.rref()
        used = [next(j for j in range(len(columns) + 1) if int(reduced[i, j])) for i in range(rank)]
        if used and used[-1] == len(columns):
            continue  # the right-hand side is a pivot: no cofactors of this degree
        transposed = flint.nmod_mat(len(used), len(rows), prime)
        position = {c: i for i, c in enumerate(used)}
        for r, c, v in entries:
            if c in position:
                transposed[position[c], r] = (int(transposed[position[c], r]) + modular(v)) % prime
        reduced, count = transposed.rref()
        equations = [next(j for j in range(len(rows)) if int(reduced[i, j])) for i in range(count)]
        row = {r: i for i, r in enumerate(equations)}
        square, b = flint.fmpq_mat(count, count), flint.fmpq_mat(count, 1)
        for r, c, v in entries:
            if r in row and c in position:
                square[row[r], position[c]] += flint.fmpq(v.numerator, v.denominator)
        for r, v in rhs.items():
            if r in row:
                b[row[r], 0] = flint.fmpq(v.numerator, v.denominator)
        x = square.solve(b)
        solution = {}
        for c, i in position.items():
            if x[i, 0] != 0:
                k, m = columns[c]
                mono = tuple((v, int(e)) for v, e in enumerate(exponents[m]) if e)
                solution[(k, mono)] = Fraction(int(x[i, 0].p), int(x[i, 0].q))
        total = {}
        for (k, mono), c in solution.items():
            for m, v in polys[k].items():
                product = dict(mono)
                for var, e in m:
                    product[var] = product.get(var, 0) + e
                key = tuple(sorted(product.items()))
                total[key] = total.get(key, 0) + c * v
        if {m: v for m, v in total.items() if v} == target:
            return solution
    return None


def unit_scalings(signs, d):
    """Singular equations fixing delta, epsilon to the signs (+-1)."""
    return [f"a{i}-({signs[i]})" for i in range(d)] + [f"b{i}-({signs[d + i]})" for i in range(d)]


def rational_point(t, regime, rng, timeout, tries=4):
    """Exact (X, W, delta, epsilon) of a depth-2 factorization, or None."""
    d = len(t) // 2
    eqs = equations(t)
    if regime == "positive":
        patterns = [(1,) * (2 * d)]
    else:
        # One Singular call sorts out the sign patterns with no complex solution at all.
        candidates = list(itertools.product([1, -1], repeat=2 * d))
        script = ring(d) + f"ideal I={','.join(eqs)};\nideal G;\n"
        for k, signs in enumerate(candidates):
            script += f'G=std(I+ideal({",".join(unit_scalings(signs, d))}));if(dim(G)>=0){{print("SIGNS {k}");}}\n'
        out = singular(script, timeout)
        patterns = [candidates[int(line.split()[1])] for line in out.splitlines() if line.startswith("SIGNS ")]
    for signs in patterns:
        point = greedy_point(eqs + unit_scalings(signs, d), [], d, rng, timeout, tries)
        if point:
            return point
    # Scalings other than +-1 (derogatory solutions at d = 4 need them): fixed
    # greedily like X and W, to short rationals of the regime's signs.
    values = [1, 2, Fraction(1, 2), 3, Fraction(1, 3)]
    values += [] if regime == "positive" else [-v for v in values]
    scalings = [f"a{i}" for i in range(d)] + [f"b{i}" for i in range(d)]
    point = greedy_point(eqs, [(v, values) for v in scalings], d, rng, timeout, tries)
    # A scaling no candidate could fix is set by the others, maybe to a negative value.
    if point and (regime == "signed" or all(point[v] > 0 for v in scalings)):
        return point
    return None


def greedy_point(eqs, first, d, rng, timeout, tries):
    """A rational zero of eqs: the variables of `first` ((name, values) in
    that order), then X and W in a random order, each fixed to the first of
    its values (X, W: small integers) that keeps a complex solution."""
    xw = names(d)[:2 * d * d]
    for _ in range(tries):
        order = xw[:]
        rng.shuffle(order)
        steps = [(v, rng.sample(values, len(values))) for v, values in first]
        steps += [(v, [rng.choice([0, 0, 1, -1, 2, -2])]) for v in order]
        script = ring(d) + f"ideal I={','.join(eqs)};\nideal G=std(I);\n"
        script += 'if (dim(G)<0) { print("EMPTY"); quit; }\nideal H; int done;\n'
        for v, values in steps:
            script += "done=0;\n"
            for value in values:
                script += f"if(!done){{H=std(G+ideal({v}-({value})));if(dim(H)>=0){{G=H;done=1;}}}}\n"
        script += 'int k; for (k=1;k<=ncols(G);k++) { print("G "+string(G[k])); }\n'
        out = singular(script, timeout)
        if "EMPTY" in out:
            return None
        sol = fixed_values([line[2:] for line in out.splitlines() if line.startswith("G ")], d)
        if all(v in sol for v in xw + [f"a{i}" for i in range(d)] + [f"b{i}" for i in range(d)]):
            return sol
    return None


def fixed_values(generators, d):
    """{variable: value} for the generators of the form c*v - c*value
    (Singular need not make them monic: `2*x0_1-1` is x0_1 = 1/2)."""
    index = {v: k for k, v in enumerate(names(d))}
    sol = {}
    for g in generators:
        p = parse(g, index)
        linear = [(m, c) for m, c in p.items() if len(m) == 1 and m[0][1] == 1]
        if len(linear) == 1 and len(p) == 1 + (() in p):
            (m, c), = linear
            sol[names(d)[m[0][0]]] = -p.get((), Fraction(0)) / c
    return sol


def layers_from_point(t, sol):
    """T = L(X, I) U(I, Y) L(Z, 1/epsilon) U(1/delta, W diag(1/epsilon)) (theory §2)."""
    d = len(t) // 2
    dl = [sol[f"a{i}"] for i in range(d)]
    ep = [sol[f"b{i}"] for i in range(d)]
    X = [[sol[f"x{i}_{j}"] for j in range(d)] for i in range(d)]
    W = [[sol[f"w{i}_{j}"] for j in range(d)] for i in range(d)]
    q = lambda i, j: t[i][j] * (dl[j] if j < d else ep[j - d])
    q11 = [[q(i, j) for j in range(d)] for i in range(d)]
    q12 = [[q(i, d + j) for j in range(d)] for i in range(d)]
    q21 = [[q(d + i, j) for j in range(d)] for i in range(d)]
    mul = lambda a, b: [[sum(a[i][k] * b[k][j] for k in range(d)) for j in range(d)] for i in range(d)]
    Y = [[q12[i][j] - v for j, v in enumerate(row)] for i, row in enumerate(mul(q11, W))]
    Z = [[q21[i][j] - v for j, v in enumerate(row)] for i, row in enumerate(mul(X, q11))]
    one = Fraction(1)
    m = lambda a: [[fmt(v) for v in row] for row in a]
    return [
        {"A": m(X), "B": [fmt(one)] * d, "C": [fmt(one)] * d, "D": m(Y)},
        {"A": m(Z), "B": [fmt(1 / e) for e in ep], "C": [fmt(1 / x) for x in dl],
         "D": m([[W[i][j] / ep[j] for j in range(d)] for i in range(d)])},
    ]


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def certificate(t, regime, claim_fields):
    d = len(t) // 2
    c = {"format": "flowproof-certificate", "version": 1, "claim": "depth", "arithmetic": "exact",
         "regime": regime, "d": d, "matrix": [[str(v) for v in row] for row in t]}
    c.update(claim_fields)
    c["generator"] = "scripts/permutation-ideals.py (Singular oracle)"
    return c


def write_checked(c, path, flowproof):
    with tempfile.NamedTemporaryFile("w", suffix=".json", dir=os.path.dirname(path), delete=False) as f:
        json.dump(c, f, separators=(", ", ": "))
        f.write("\n")
    if run([flowproof, "verify", f.name]).returncode != 0:
        os.unlink(f.name)
        return False
    os.chmod(f.name, 0o644)  # NamedTemporaryFile makes it 0600
    os.replace(f.name, path)
    return True


def classify(p, regime, out, flowproof, timeout, flowproof_only=False):
    """Outcome key for permutation p; writes a certificate when this script proves it."""
    t = matrix(p)
    d = len(p) // 2
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(" ".join(map(str, row)) for row in t) + "\n")
    try:
        summary = json.loads(run([flowproof, "depth", f.name, "--regime", regime, "--json"]).stdout)
        outcome = summary["outcome"]
        if outcome.startswith("proven depth"):
            return f"depth {summary['upperBound']} (flowproof)"
        if flowproof_only:
            return f"{outcome} (flowproof)"
        name = os.path.join(out, f"{regime}-d{d}-{''.join(map(str, p))}.json")

        def lower():
            witness = refutation(t, regime, timeout)
            if witness:
                c = certificate(t, regime, {"depth": 3, "layers": decomposed(f.name, regime, flowproof), "witness": witness})
                if write_checked(c, name, flowproof):
                    return "depth 3 (full-system ideal)"

        def upper():
            # Seeded by the permutation, so a shard's certificates do not depend on its other orbits.
            point = rational_point(t, regime, random.Random("".join(map(str, p))), timeout)
            if point:
                c = certificate(t, regime, {"depth": 2, "layers": layers_from_point(t, point)})
                if write_checked(c, name, flowproof):
                    return "depth 2 (exact rational point)"

        # The likelier side first: at d = 3, every open positive case is refuted
        # and two thirds of the signed ones have a point; at d = 4 the open signed
        # orbits were 230 refuted against 98 with a point, and at d = 5 a failed
        # point search (1024 sign patterns, then four greedy tries) costs minutes.
        for attempt in (upper, lower) if regime == "signed" and d <= 3 else (lower, upper):
            outcome = attempt()
            if outcome:
                return outcome
        return "undecided"
    finally:
        os.unlink(f.name)


def decomposed(path, regime, flowproof):
    """The exact depth-3 layers flowproof writes for the matrix in path."""
    out = path + ".decomposed.json"
    try:
        if run([flowproof, "decompose", path, "--regime", regime, "--out", out]).returncode != 0:
            raise RuntimeError(f"flowproof decompose failed on {path}")
        with open(out) as f:
            return json.load(f)["layers"]
    finally:
        if os.path.exists(out):
            os.unlink(out)


def outcomes_path(directory, regime, d):
    # Not .json: `flowproof verify DIR` checks every .json file as a certificate.
    return os.path.join(directory, f"permutation-ideals-{regime}-d{d}.outcomes")


def read_outcomes(path):
    """{rep: (orbit size, outcome)} from an outcomes file (lines `rep size outcome`)."""
    found = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                rep, size, outcome = line.rstrip("\n").split(" ", 2)
                found[rep] = (int(size), outcome)
    return found


def summary(d, regime, found):
    """Counts of permutations and of orbits per outcome; complete when every orbit is there."""
    counts, orbits = {}, {}
    for size, outcome in found.values():
        counts[outcome] = counts.get(outcome, 0) + size
        orbits[outcome] = orbits.get(outcome, 0) + 1
    complete = {"".join(map(str, rep)) for rep, _ in orbit_representatives(d)} <= set(found)
    return {"d": d, "regime": regime, "complete": complete, "permutations": counts, "orbits": orbits}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--d", type=int, required=True)
    ap.add_argument("--regime", choices=["positive", "signed"], default="positive")
    ap.add_argument("--out", required=True, help="directory for the certificates and the .outcomes record")
    ap.add_argument("--shard", default="1/1", help="I/N: this run takes orbits I-1, I-1+N, ... (1-based)")
    ap.add_argument("--flowproof", default=os.path.join(ROOT, ".build", "release", "flowproof"))
    ap.add_argument("--timeout", type=float, default=600, help="seconds per Singular call")
    ap.add_argument("--merge", nargs="*", metavar="DIR",
                    help="combine the .outcomes records of these directories into --out and print the summary")
    ap.add_argument("--largest-first", action="store_true",
                    help="take the orbits by decreasing size (a run cut short covers the most permutations)")
    ap.add_argument("--flowproof-only", action="store_true",
                    help="record flowproof's own outcome for every orbit, without Singular (no certificates)")
    a = ap.parse_args()
    i, n = map(int, a.shard.split("/"))
    if not 1 <= i <= n:
        ap.error("--shard I/N needs 1 <= I <= N")
    os.makedirs(a.out, exist_ok=True)
    path = outcomes_path(a.out, a.regime, a.d)
    found = read_outcomes(path)
    if a.merge is not None:
        for directory in a.merge:
            found.update(read_outcomes(outcomes_path(directory, a.regime, a.d)))
        with open(path + ".tmp", "w") as f:
            f.writelines(f"{rep} {size} {outcome}\n" for rep, (size, outcome) in sorted(found.items()))
        os.replace(path + ".tmp", path)
    else:
        # One line per orbit, appended as it is decided: a rerun (any shard) skips
        # what is recorded, so interrupted runs resume.
        with open(path, "a") as record:
            orbits = list(enumerate(orbit_representatives(a.d)))  # k: the shard index, whatever the order
            if a.largest_first:
                orbits.sort(key=lambda item: -item[1][1])
            for k, (rep, size) in orbits:
                name = "".join(map(str, rep))
                if k % n != i - 1 or name in found:
                    continue
                outcome = classify(rep, a.regime, a.out, a.flowproof, a.timeout, a.flowproof_only)
                record.write(f"{name} {size} {outcome}\n")
                record.flush()
                found[name] = (size, outcome)
                print(f"{name} x{size}: {outcome}", file=sys.stderr, flush=True)
    print(json.dumps(summary(a.d, a.regime, found), sort_keys=True))


if __name__ == "__main__":
    main()
