#!/usr/bin/env python3
"""Decide the minimal depth of every even permutation matrix of size 2d.

flowproof decides most permutations itself (`flowproof depth`). For the
rest (singular T11, where the characteristic-polynomial equations are only
necessary), this script asks Singular, an external computer-algebra system
used as an untrusted oracle, about the full depth-2 system of
docs/certificate-format.md §6.8:

- first without Singular: the targets 1 and (regime positive) sums of two
  monomials of degree <= 2 in the scaling variables, such as
  `delta_3 + 1/epsilon_0`, with cofactors by exact linear algebra on the
  graded pieces of the system (`GradedSystem`, python-flint), give a
  `full-system-ideal` witness;
- then a Groebner basis containing 1, a monomial, or (regime positive) a
  polynomial with coefficients of one sign in the scaling variables only;
  Singular's `lift` supplies the cofactors, or, when it runs out of time,
  `GradedSystem` does;
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


def cycles(p):
    """The cycles of the permutation p, each from its least point, in order of that point."""
    seen, out = [False] * len(p), []
    for start in range(len(p)):
        cycle, i = [], start
        while not seen[i]:
            seen[i] = True
            cycle.append(i)
            i = p[i]
        if cycle:
            out.append(cycle)
    return out


def class_key(p, d):
    """What conjugation by diag(P, Q) and inversion leave of the permutation p of 2d.

    Conjugation by diag(P, Q) relabels the points 0..d-1 among themselves and
    d..2d-1 among themselves, so it keeps exactly the cycles as cyclic words
    over {upper, lower}; inversion reverses every cycle. The key is the
    smaller of the two sorted word lists, each word its least rotation.
    """
    def least_rotation(word):
        return min(word[k:] + word[:k] for k in range(len(word)))

    words = ["".join("u" if i < d else "l" for i in cycle) for cycle in cycles(p)]
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


def graded_system(t):
    """The GradedSystem of the permutation matrix t's e_k (5 s to set up at d = 5)."""
    index = {v: k for k, v in enumerate(names(len(t) // 2))}
    return GradedSystem([parse(e, index) for e in equations(t)], len(index))


def cofactor_terms(cofactors):
    """GradedSystem.lift's {(k, monomial): c} as the witness's [k, monomial, c] list."""
    return [[k, [list(v) for v in mono], fmt(c)] for (k, mono), c in sorted(cofactors.items())]


def graded_refutation(t, regime, system=None):
    """A full-system-ideal witness found without Singular, or None (`system`:
    graded_system(t), when the caller has it already).

    The targets tried, each by GradedSystem.lift: 1, then (regime positive)
    m + m' for monomials m, m' of degree <= 2 in the scaling variables
    (delta_i, epsilon_i and their inverses) of equal weight and with no
    variable in common, such as delta_3 + 1/epsilon_0 or delta_1 delta_2 +
    1/(epsilon_0 epsilon_2). Those are the forms Singular's eliminations gave
    at d <= 4 (1 for every signed orbit; of the 310 positive ones, 226 were
    1, 68 sums of two variables and 16 of two products), and at d = 5 the
    lift finds them in seconds to a minute where a Groebner basis of the
    70-variable system runs for more than a minute."""
    import numpy as np

    d = len(t) // 2
    index = {v: k for k, v in enumerate(names(d))}
    system = system or graded_system(t)
    one = Fraction(1)
    targets = [{(): one}]
    if regime == "positive":
        scalings = [index[v] for v in names(d)[2 * d * d:]]
        inverse = {index[f"{v}{i}"]: index[f"i{v}{i}"] for v in "ab" for i in range(d)}
        inverse.update({k: v for v, k in inverse.items()})
        monomials = [()] + [((u, 1),) for u in scalings]
        monomials += [((u, 1), (v, 1)) if u != v else ((u, 2),)
                      for u, v in itertools.combinations_with_replacement(scalings, 2) if inverse[u] != v]
        by_weight = {}
        for m in monomials:
            by_weight.setdefault(tuple(np.round(system.weight(m), 9)), []).append(m)
        targets += [{m: one, n: one} for group in by_weight.values() for m, n in itertools.combinations(group, 2)
                    if not {v for v, _ in m} & {v for v, _ in n}]
    # Degree by degree across the targets: the right one usually has low-degree
    # cofactors. At the top degree only 1: a lift there takes minutes at d = 5
    # (1 for `1254678093` needs it, 53 terms of degree <= 4).
    for bound in range(system.top + 1):
        for target in targets if bound < system.top else targets[:1]:
            cofactors = system.lift(target, [bound])
            if cofactors:
                return {"type": "full-system-ideal", "conclusion": "monomial" if len(target) == 1 else "positive-coefficients",
                        "cofactors": cofactor_terms(cofactors)}
    return None


def refutation(t, regime, timeout, system=None):
    """A full-system-ideal witness, or None (`system` as in graded_refutation)."""
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
        cofactors = (system or graded_system(t)).lift(p)
        terms = cofactor_terms(cofactors) if cofactors else []
    if not terms:
        return None
    conclusion = "monomial" if len(p) == 1 else "positive-coefficients"
    if conclusion == "positive-coefficients" and next(iter(p.values())) < 0:
        for term in terms:
            term[2] = fmt(-Fraction(term[2]))
    return {"type": "full-system-ideal", "conclusion": conclusion, "cofactors": terms}


class GradedSystem:
    """The e_k of a permutation with cofactors by linear algebra (no Singular).

    Every e_k of a permutation is homogeneous for a grading of rank 7 to 9
    at d = 3..5 (weights making all terms of each polynomial, the constant 1
    included, equal), so the ideal is homogeneous too: a target in it has
    cofactors of e_k among the monomials of weight wt(target) - wt(e_k)
    alone, and a target that is not homogeneous is in it only if each of
    its homogeneous parts is. For degree bounds D = 0, 1, ... the linear
    system on those coefficients is pruned, tested for consistency modulo a
    prime, then a nonsingular square part (pivots modulo the prime) is
    solved over Q with FLINT, and the solution is kept only if the expansion
    equals the target. The monomial budget allows degree 4 at d = 4, 5
    (1.15 million monomials at d = 5, 5 s to set up)."""

    def __init__(self, polys, n, monomial_budget=1_200_000):
        import flint  # python-flint: exact and modular matrices
        import numpy as np

        self.polys, self.n = polys, n
        differences = [[a - b for a, b in zip(self.vector(m), self.vector(next(iter(q))))] for q in polys for m in q]
        form, rank = flint.fmpq_mat(len(differences), n, [x for row in differences for x in row]).rref()
        pivots = [next(j for j in range(n) if form[i, j] != 0) for i in range(rank)]
        self.weights = np.zeros((n, n - rank))
        for f, free in enumerate(j for j in range(n) if j not in pivots):
            self.weights[free, f] = 1
            for i, j in enumerate(pivots):
                self.weights[j, f] = -float(Fraction(int(form[i, free].p), int(form[i, free].q)))
        self.top = 1
        while math.comb(n + self.top + 1, self.top + 1) <= monomial_budget:
            self.top += 1
        monomials = [c for degree in range(self.top + 1) for c in itertools.combinations_with_replacement(range(n), degree)]
        self.exponents = np.zeros((len(monomials), n), dtype=np.int16)
        for i, c in enumerate(monomials):
            for v in c:
                self.exponents[i, v] += 1
        self.grades = self.exponents @ self.weights
        self.fitting_cache = {}

    def vector(self, m):
        v = [0] * self.n
        for var, e in m:
            v[var] = e
        return v

    def weight(self, m):
        return self.vector(m) @ self.weights

    def homogeneous(self, q):
        first = self.weight(next(iter(q)))
        return all(abs(self.weight(m) - first).max() < 1e-9 for m in q)

    @staticmethod
    def pruned(entries, rhs):
        """The entries (row, column, value) left once every unknown that is
        alone in an equation with zero right-hand side is set to 0, repeatedly
        (at d = 5 this keeps about 12% of the unknowns and 5% of the
        equations), or None when an equation of the target loses all its
        unknowns. A column is a monomial times one e_k, so its entries are in
        distinct rows and never cancel."""
        by_row, by_column = {}, {}
        for r, c, _ in entries:
            by_row.setdefault(r, set()).add(c)
            by_column.setdefault(c, []).append(r)
        stack, dead = [r for r, cs in by_row.items() if len(cs) == 1 and r not in rhs], set()
        while stack:
            r = stack.pop()
            if len(by_row[r]) != 1:
                continue
            c = by_row[r].pop()
            dead.add(c)
            for other in by_column[c]:
                by_row[other].discard(c)
                if len(by_row[other]) == 1 and other not in rhs:
                    stack.append(other)
        if any(not by_row.get(r) for r in rhs):
            return None
        return [(r, c, v) for r, c, v in entries if c not in dead]

    def fitting(self, wt, bound):
        """For each e_k, the monomials of weight wt - wt(e_k) and degree <= bound
        (a prefix of the monomials, which go by degree)."""
        import numpy as np

        key = (tuple(np.round(wt, 9)), bound)
        if key not in self.fitting_cache:
            grades = self.grades[:math.comb(self.n + bound, bound)]
            self.fitting_cache[key] = [np.nonzero(np.all(np.abs(grades - (wt - self.weight(next(iter(q))))) < 1e-9, axis=1))[0]
                                       for q in self.polys]
        return self.fitting_cache[key]

    def lift(self, target, bounds=None, unknown_budget=10_000):
        """{(k, monomial): c} with sum c*monomial*polys[k] == target exactly and
        cofactor degrees within one of `bounds` (default: each up to the top), or
        None (also for a target that is not homogeneous: try its parts)."""
        import flint

        if not self.homogeneous(target):
            return None
        polys, exponents = self.polys, self.exponents
        prime = 2 ** 31 - 1
        for bound in range(self.top + 1) if bounds is None else bounds:
            fitting = self.fitting(self.weight(next(iter(target))), bound)
            columns = [(k, i) for k, found in enumerate(fitting) for i in found]
            rows, entries = {}, []
            for c, (k, i) in enumerate(columns):
                for m, v in polys[k].items():
                    key = tuple((exponents[i] + self.vector(m)).tolist())
                    entries.append((rows.setdefault(key, len(rows)), c, v))
            rhs = {rows.setdefault(tuple(self.vector(m)), len(rows)): v for m, v in target.items()}
            entries = self.pruned(entries, rhs)
            if entries is None:
                continue  # a monomial of the target is out of reach at this degree
            kept_rows = sorted({r for r, _, _ in entries} | set(rhs))
            kept_columns = sorted({c for _, c, _ in entries})
            if len(kept_columns) > unknown_budget:
                return None
            row_of = {r: i for i, r in enumerate(kept_rows)}
            column_of = {c: i for i, c in enumerate(kept_columns)}
            columns = [columns[c] for c in kept_columns]
            entries = [(row_of[r], column_of[c], v) for r, c, v in entries]
            rhs = {row_of[r]: v for r, v in rhs.items()}
            height = len(kept_rows)
            modular = lambda v: v.numerator * pow(v.denominator, -1, prime) % prime
            a = flint.nmod_mat(height, len(columns) + 1, prime)
            for r, c, v in entries:
                a[r, c] = (int(a[r, c]) + modular(v)) % prime
            for r, v in rhs.items():
                a[r, len(columns)] = modular(v)
            reduced, rank = a.rref()
            used = [next(j for j in range(len(columns) + 1) if int(reduced[i, j])) for i in range(rank)]
            if used and used[-1] == len(columns):
                continue  # the right-hand side is a pivot: no cofactors of this degree
            transposed = flint.nmod_mat(len(used), height, prime)
            position = {c: i for i, c in enumerate(used)}
            for r, c, v in entries:
                if c in position:
                    transposed[position[c], r] = (int(transposed[position[c], r]) + modular(v)) % prime
            reduced, count = transposed.rref()
            equations = [next(j for j in range(height) if int(reduced[i, j])) for i in range(count)]
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


def balanced_blocks(p, d):
    """The points 0..2d-1 split into groups of cycles of p, each with as many
    upper points (< d) as lower ones and no such proper subgroup. p maps each
    group to itself, so after relabeling T is the direct sum of the groups'
    permutations, and direct sums of their factorizations factor T."""
    balanced = lambda group: sum(1 if x < d else -1 for cycle in group for x in cycle) == 0
    done, todo = [], [cycles(p)]
    while todo:
        group = todo.pop()
        part = next((sub for r in range(1, len(group)) for sub in itertools.combinations(group, r) if balanced(sub)), None)
        if part is None:
            done.append(sorted(x for cycle in group for x in cycle))
        else:
            todo += [list(part), [c for c in group if c not in part]]
    return sorted(done)


def block_zeros(blocks, d):
    """Singular equations setting the X and W entries that couple two blocks to
    0 (x_il: lower point d + i, upper point l; w_lj: upper l, lower d + j)."""
    block = {x: k for k, group in enumerate(blocks) for x in group}
    return [f"x{i}_{l}" for i in range(d) for l in range(d) if block[d + i] != block[l]] + \
        [f"w{l}_{j}" for l in range(d) for j in range(d) if block[l] != block[d + j]]


def rational_point(t, regime, rng, timeout, tries=4):
    """Exact (X, W, delta, epsilon) of a depth-2 factorization, or None.

    When T is a direct sum (balanced_blocks), direct sums of factorizations
    are searched first: the same system with the entries across blocks set
    to 0, which Singular treats in pieces (in the positive regime only when
    every block is an even permutation). At d = 5 that found a point for
    `1032547896` (signed) in 1.4 s where the whole system gave none in 60 s."""
    d = len(t) // 2
    p = [row.index(1) for row in t]
    blocks = balanced_blocks(p, d)
    # Positive layers have det > 0, so in that regime every block must be even.
    even = all(not parity([group.index(p[x]) for x in group]) for group in blocks)
    split = len(blocks) > 1 and (regime == "signed" or even)
    whole = equations(t)
    systems = ([whole + block_zeros(blocks, d)] if split else []) + [whole]
    for eqs in systems:
        point = rational_point_of(eqs, regime, d, rng, timeout, tries)
        if point:
            return point
    return None


def rational_point_of(eqs, regime, d, rng, timeout, tries):
    """A rational zero of eqs with scalings of the regime's signs, or None."""
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
            system = graded_system(t)
            witness = graded_refutation(t, regime, system) or refutation(t, regime, timeout, system)
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
