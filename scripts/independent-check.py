#!/usr/bin/env python3
"""Independent checker for flowproof certificates, format version 1.

Written only from docs/certificate-format.md, which specifies the format
completely (docs/theory.md explains the mathematics); exact rational
arithmetic (fractions.Fraction), standard library only.

    python3 scripts/independent-check.py PATH...

PATH is a .json file or a directory (searched recursively for *.json).
Prints `OK  <path>  <summary>` or `FAIL <path>: <reason>` per file.
Exit status: 0 all OK, 1 some failed, 2 usage error.
"""
import itertools
import json
import math
import os
import re
import sys
from fractions import Fraction


if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)   # exact entries may have thousands of digits


class Bad(Exception):
    """The certificate is rejected; the message is the reason."""


MAX_FILE_BYTES = 1 << 30      # larger files are rejected unread
MAX_NESTING = 32              # JSON containers nested deeper are rejected before parsing
MAX_D = 8192
MINOR_BUDGET = 4096           # most j x j principal minors a witness may ask for, C(d, j)
INVERSE_BUDGET = 64           # largest d whose witnesses may need V = (T^-1)22
RATIONAL = re.compile(r"(-?)(0|[1-9][0-9]*)(?:/([1-9][0-9]*))?")
# At most 40 mantissa digits and 5 exponent digits: enough for any binary64
# value as %a writes it, and it bounds the work before the value is known.
HEXFLOAT = re.compile(r"(-?)0[xX]([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]{1,5})")
MAX_HEX_DIGITS = 40
# The canonical string of a binary64 value is at most 342 characters
# ("-" + 16-digit odd numerator + "/" + 2^1074); longer ones are rejected unread.
MAX_BINARY64_RATIONAL = 342


# ---------------------------------------------------------------- parsing

def rational(s, where):
    """A canonical rational string -> Fraction (lowest terms, no /1, no -0)."""
    m = RATIONAL.fullmatch(s) if isinstance(s, str) else None
    if not m:
        raise Bad(f"{where}: not a rational number string: {_short(s)}")
    num, den = int(m[2]), int(m[3] or 1)
    if (m[1] and num == 0) or m[3] == "1" or math.gcd(num, den) != 1:
        raise Bad(f"{where}: non-canonical rational {_short(s)} (lowest terms, no /1, no -0)")
    return Fraction(-num if m[1] else num, den)


def _short(x):
    """repr(x), cut short: messages must stay one line even for huge fields."""
    r = repr(x)
    return r if len(r) <= 60 else f"{r[:40]}... ({len(r)} characters)"


def binary64_number(s, where):
    """A layer entry of a binary64 certificate: a canonical rational or a
    C99 %a hex float, whose exact value must be a finite binary64 value."""
    if not isinstance(s, str):
        raise Bad(f"{where}: not a rational or hex-float string: {_short(s)}")
    m = HEXFLOAT.fullmatch(s)
    if m and len(m[2]) + len(m[3] or "") <= MAX_HEX_DIGITS:
        v = Fraction(int(m[1] + m[2] + (m[3] or ""), 16))
        exp = int(m[4]) - 4 * len(m[3] or "")
    elif m or "x" in s or "X" in s:
        raise Bad(f"{where}: {_short(s)} is not a hex float with at most {MAX_HEX_DIGITS} "
                  "digits and a 5-digit exponent")
    elif len(s) > MAX_BINARY64_RATIONAL:
        raise Bad(f"{where}: {_short(s)} is not exactly a binary64 value")
    else:
        v, exp = rational(s, where), 0
    if not v:
        return v
    # v * 2^exp is a binary64 value iff it is n * 2^e with n odd, n < 2^53,
    # e >= -1074 and magnitude below 2^1024; decided on the integers, so a
    # huge exponent like 0x1p+99999 is never expanded.
    n, q = abs(v.numerator), v.denominator
    tz = (n & -n).bit_length() - 1
    n, e = n >> tz, exp + tz - (q.bit_length() - 1)
    if q & (q - 1) or n >= 1 << 53 or e < -1074 or n.bit_length() + e > 1024:
        raise Bad(f"{where}: {_short(s)} is not exactly a binary64 value")
    return v * Fraction(2) ** exp


def approx(x):
    try:
        return f"{float(x):.6g}"
    except OverflowError:
        return "huge"


class LongInteger(str):
    """A JSON integer of more than 20 digits, kept as its text: no integer
    field can hold one, and int() of a huge digit string is quadratic."""


def integer(x, where, lo=None, hi=None):
    """Integer metadata (version, d, depth, witness j and k): a JSON integer,
    not a string, boolean or number with a fraction or exponent."""
    if isinstance(x, LongInteger):
        raise Bad(f"{where}: integer {_short(x)} out of range")
    if type(x) is not int:
        raise Bad(f"{where}: expected a JSON integer, got {_short(x)}")
    if lo is not None and x < lo:
        raise Bad(f"{where}: {x} < {lo}")
    if hi is not None and x > hi:
        raise Bad(f"{where}: {x} > {hi}")
    return x


def field(obj, key, where="certificate"):
    if not isinstance(obj, dict) or key not in obj:
        raise Bad(f"{where}: missing field {key!r}")
    return obj[key]


def vector(x, n, where, parse=rational):
    if not isinstance(x, list) or len(x) != n:
        raise Bad(f"{where}: expected a list of {n} numbers")
    return [parse(s, f"{where}[{i}]") for i, s in enumerate(x)]


def matrix(x, rows, cols, where, parse=rational):
    if not isinstance(x, list) or len(x) != rows:
        raise Bad(f"{where}: expected {rows} rows")
    return [vector(r, cols, f"{where}[{i}]", parse) for i, r in enumerate(x)]


# ---------------------------------------------------------- linear algebra

def matmul(X, Y, zero=Fraction(0)):
    cols = len(Y[0])
    out = []
    for row in X:
        acc = [zero] * cols
        for a, yrow in zip(row, Y):
            if a:
                for c, b in enumerate(yrow):
                    if b:
                        acc[c] += a * b
        out.append(acc)
    return out


def identity(n):
    return [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]


def blocks(T, d):
    return ([r[:d] for r in T[:d]], [r[d:] for r in T[:d]],
            [r[:d] for r in T[d:]], [r[d:] for r in T[d:]])


def inverse_columns(T, cols, what):
    """The columns `cols` of T^-1: solve T X = I[:, cols] by Gauss-Jordan."""
    n = len(T)
    aug = [T[i][:] + [Fraction(int(i == c)) for c in cols] for i in range(n)]
    for col in range(n):
        piv = next((r for r in range(col, n) if aug[r][col]), None)
        if piv is None:
            raise Bad(f"matrix is singular, {what} undefined")
        aug[col], aug[piv] = aug[piv], aug[col]
        p = aug[col][col]
        aug[col] = [x / p for x in aug[col]]
        for r in range(n):
            f = aug[r][col]
            if r != col and f:
                aug[r] = [x - f * y for x, y in zip(aug[r], aug[col])]
    return [row[n:] for row in aug]


def v_block(T, d):
    """V = (T^-1)_22: only the last d columns are solved for, rows d..2d-1 kept."""
    return inverse_columns(T, range(d, 2 * d), "V = (T^-1)22")[d:]


def int_det(A):
    """Determinant of an integer matrix (Bareiss, fraction-free)."""
    A = [r[:] for r in A]
    n, sign, prev = len(A), 1, 1
    for k in range(n - 1):
        if A[k][k] == 0:
            sw = next((r for r in range(k + 1, n) if A[r][k]), None)
            if sw is None:
                return 0
            A[k], A[sw], sign = A[sw], A[k], -sign
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                A[i][j] = (A[i][j] * A[k][k] - A[i][k] * A[k][j]) // prev
        prev = A[k][k]
    return sign * A[n - 1][n - 1] if n else 1


def principal_minors(A, j):
    """(I, det A[I, I]) for every j-subset I, exactly: Bareiss on A scaled
    to integers by the common denominator den > 0, then divided by den^j."""
    den = math.lcm(*(x.denominator for r in A for x in r))
    Z = [[int(x * den) for x in r] for r in A]
    for I in itertools.combinations(range(len(A)), j):
        yield I, Fraction(int_det([[Z[a][b] for b in I] for a in I]), den ** j)


def minor_signs(A, j):
    """Signs of all j x j principal minors of the rational matrix A."""
    for _, m in principal_minors(A, j):
        yield (m > 0) - (m < 0)


# ------------------------------------------------------------ the claims

def admissible(x, regime):
    return x > 0 if regime == "positive" else x != 0


def check_layers(cert, d, regime, binary64, want_pairs=None):
    layers = field(cert, "layers")
    if not isinstance(layers, list) or not layers:
        raise Bad("layers: expected a non-empty list")
    if want_pairs is not None and len(layers) != want_pairs:
        raise Bad(f"layers: depth {want_pairs} needs exactly {want_pairs} pairs, got {len(layers)}")
    num = binary64_number if binary64 else rational
    n = 2 * d
    P = identity(n)
    # Binary64 values are dyadic: their product is taken on integer matrices
    # over one power-of-two denominator (the same exact product, far faster).
    P_int, P_den = [[int(i == j) for j in range(n)] for i in range(n)], 1
    for idx, lay in enumerate(layers):
        w = f"layers[{idx}]"
        if not isinstance(lay, dict):
            raise Bad(f"{w}: expected an object")
        A = matrix(field(lay, "A", w), d, d, w + ".A", num)
        B = vector(field(lay, "B", w), d, w + ".B", num)
        C = vector(field(lay, "C", w), d, w + ".C", num)
        D = matrix(field(lay, "D", w), d, d, w + ".D", num)
        for name, diag in (("B", B), ("C", C)):
            for i, x in enumerate(diag):
                if not admissible(x, regime):
                    raise Bad(f"{w}.{name}[{i}] = {x} violates regime {regime}")
        L = [[Fraction(int(i == j)) for j in range(d)] + [Fraction(0)] * d for i in range(d)]
        L += [A[i] + [B[i] if i == j else Fraction(0) for j in range(d)] for i in range(d)]
        U = [[C[i] if i == j else Fraction(0) for j in range(d)] + D[i] for i in range(d)]
        U += [[Fraction(0)] * d + [Fraction(int(i == j)) for j in range(d)] for i in range(d)]
        if binary64:
            for F in (L, U):
                den = max(x.denominator for row in F for x in row)
                scaled = [[x.numerator * (den // x.denominator) for x in row] for row in F]
                P_int, P_den = matmul(P_int, scaled, 0), P_den * den
        else:
            P = matmul(matmul(P, L), U)
    if binary64:
        P = [[Fraction(x, P_den) for x in row] for row in P_int]
    return P


def check_factorization(cert, T, d, regime):
    arith = field(cert, "arithmetic")
    if arith == "exact":
        P = check_layers(cert, d, regime, False)
        for i in range(2 * d):
            for j in range(2 * d):
                if P[i][j] != T[i][j]:
                    raise Bad(f"product of layers differs from matrix at ({i},{j}): {P[i][j]} != {T[i][j]}")
        return f"factorization exact, {len(cert['layers'])} pair(s)"
    if arith == "binary64":
        res = field(cert, "residual")
        if field(res, "norm", "residual") != "frobenius":
            raise Bad(f"residual.norm: expected 'frobenius', got {res['norm']!r}")
        r = rational(field(res, "bound", "residual"), "residual.bound")
        if r < 0:
            raise Bad(f"residual.bound {r} is negative")
        P = check_layers(cert, d, regime, True)
        sq = sum((T[i][j] - P[i][j]) ** 2 for i in range(2 * d) for j in range(2 * d))
        if sq > r * r:
            raise Bad(f"Frobenius residual^2 {approx(sq)} exceeds bound^2 {approx(r * r)}")
        return f"factorization binary64, {len(cert['layers'])} pair(s), residual <= {r}"
    raise Bad(f"arithmetic: expected 'exact' or 'binary64', got {arith!r}")


def minor_count(d, j):
    """C(d, j), saturated at MINOR_BUDGET + 1: the partial products
    C(d, 1), C(d, 2), ... grow up to the middle, so stop once one passes."""
    c = 1
    for i in range(min(j, d - j)):
        c = c * (d - i) // (i + 1)
        if c > MINOR_BUDGET:
            return MINOR_BUDGET + 1
    return c


def witness_order(wit, d):
    """witness.j: an integer with 1 <= j < d whose C(d, j) minors fit the budget."""
    j = integer(field(wit, "j", "witness"), "witness.j", 1, d - 1)
    if minor_count(d, j) > MINOR_BUDGET:
        raise Bad(f"witness.j = {j}: C({d}, {j}) principal minors exceed the work budget of {MINOR_BUDGET}")
    return j


def cycles(M, name):
    """([(length, product of entries < 0)], path points) of a matrix with at most one
    nonzero entry per row and column: its cycles, and the points on its paths."""
    n = len(M)
    image = []
    for i, row in enumerate(M):
        nonzero = [j for j, x in enumerate(row) if x != 0]
        if len(nonzero) > 1:
            raise Bad(f"monomial-cycles: {name} has {len(nonzero)} nonzero entries in row {i}")
        image.append(nonzero[0] if nonzero else None)
    hit = [j for j in image if j is not None]
    if len(set(hit)) != len(hit):
        raise Bad(f"monomial-cycles: {name} has two nonzero entries in one column")
    # The map is injective: a walk comes back to its start exactly on a cycle.
    seen, out, path = [False] * n, [], 0
    for start in range(n):
        length, negative, i = 0, False, start
        while i is not None and not seen[i]:
            seen[i] = True
            length += 1
            negative ^= image[i] is not None and M[i][image[i]] < 0
            i = image[i]
        if i == start and length:
            out.append((length, negative))
        else:
            path += length
    return out, path


def cyclotomic(cycles, signs):
    """Sorted indices k of the cyclotomic factors of prod (x^m - 1) (sign False) or (x^m + 1) (sign True)."""
    out = []
    for (m, _), negative in zip(cycles, signs):
        out += [k for k in range(1, 2 * m + 1) if 2 * m % k == 0 and m % k != 0] if negative \
            else [k for k in range(1, m + 1) if m % k == 0]
    return sorted(out)


def check_monomial_cycles(T11, V, regime):
    """T11 and V with at most one nonzero per row and column: chi(T11 D1) = chi(D2^-1 V)
    would need equal numbers of roots 0 (path points) and, radius class by radius class,
    equal products of x^m - sign over the cycles (format §6.9); no signs allowed by the
    regime (the entries' in positive, any in signed) make them equal."""
    (a, pa), (b, pb) = cycles(T11, "T11"), cycles(V, "V")
    if pa != pb:
        agree = False
    elif regime == "positive":
        agree = cyclotomic(a, [s for _, s in a]) == cyclotomic(b, [s for _, s in b])
    else:
        if max(len(a), len(b)) > 16:
            raise Bad("monomial-cycles: more than 16 cycles on a side exceed the work budget")
        every = lambda c: {tuple(cyclotomic(c, [mask >> k & 1 for k in range(len(c))])) for mask in range(1 << len(c))}
        agree = not every(a).isdisjoint(every(b))
    if agree:
        raise Bad("monomial-cycles: some admissible signs give equal characteristic polynomials")
    return f"monomial-cycles ({len(a)} and {len(b)} cycles, {pa} and {pb} path points)"


def check_witness(cert, T, d, regime):
    """Prove T not in K_2(regime) from cert['witness']; return a summary."""
    wit = field(cert, "witness")
    kind = field(wit, "type", "witness")
    T11, T12, T21, _ = blocks(T, d)
    if kind in ("principal-minors", "principal-minors-monomial", "charpoly-positivstellensatz",
                "full-system-ideal", "monomial-cycles") and d > INVERSE_BUDGET:
        raise Bad(f"witness {kind} needs the inverse of T: d = {d} exceeds the work budget (d <= {INVERSE_BUDGET})")
    if kind == "principal-minors":
        if regime != "positive":
            raise Bad("witness principal-minors only proves not-in-K2 in regime positive")
        j = witness_order(wit, d)
        sign = field(wit, "sign", "witness")
        if sign not in ("+", "-"):
            raise Bad(f"witness.sign: expected '+' or '-', got {sign!r}")
        V = v_block(T, d)
        nonneg, nonpos = (T11, V) if sign == "+" else (V, T11)
        s = list(minor_signs(nonneg, j))
        if min(s) < 0 or max(s) <= 0:
            raise Bad(f"principal minors of size {j} of {'T11' if sign == '+' else 'V'} are not all >= 0 with one > 0")
        if max(minor_signs(nonpos, j)) > 0:
            raise Bad(f"some principal minor of size {j} of {'V' if sign == '+' else 'T11'} is > 0")
        return f"principal-minors j={j} sign={sign}"
    if kind == "principal-minors-monomial":
        # proofs/README.md: all j-minors of `zero` vanish, exactly one of the
        # other matrix does not; valid in both regimes.
        j = witness_order(wit, d)
        zero = field(wit, "zero", "witness")
        if zero not in ("T11", "V"):
            raise Bad(f"witness.zero: expected 'T11' or 'V', got {zero!r}")
        V = v_block(T, d)
        vanishing, single = (T11, V) if zero == "T11" else (V, T11)
        if any(s != 0 for s in minor_signs(vanishing, j)):
            raise Bad(f"some principal minor of size {j} of {zero} is nonzero")
        if sum(1 for s in minor_signs(single, j) if s != 0) != 1:
            raise Bad(f"the other matrix does not have exactly one nonzero principal minor of size {j}")
        return f"principal-minors-monomial j={j} zero={zero}"
    if kind == "charpoly-positivstellensatz":
        return check_positivstellensatz(field(wit, "terms", "witness"), T, d, regime)
    if kind == "monomial-cycles":
        return check_monomial_cycles(T11, v_block(T, d), regime)
    if kind == "full-system-ideal":
        return check_full_system_ideal(wit, T, d, regime)
    if kind not in ("t11-zero-signed", "t11-zero-positive"):
        raise Bad(f"witness.type: unknown {kind!r}")
    if kind == "t11-zero-positive" and regime != "positive":
        raise Bad("witness t11-zero-positive only proves not-in-K2 in regime positive")
    if any(x for r in T11 for x in r):
        raise Bad(f"witness {kind} requires T11 = 0")
    pairs = [(i, j) for i in range(d) for j in range(d) if i != j]
    M = [[T12[i][c] * T21[c][j] for c in range(d)] for i, j in pairs]
    y = vector(field(wit, "y", "witness"), len(pairs), "witness.y")
    yM = [sum(y[r] * M[r][c] for r in range(len(pairs))) for c in range(d)]
    if kind == "t11-zero-signed":
        k = integer(field(wit, "k", "witness"), "witness.k", 0)
        if k >= d:
            raise Bad(f"witness.k = {k} must be < d = {d}")
        if yM != [Fraction(int(c == k)) for c in range(d)]:
            raise Bad(f"y^T M != e_{k}")
        return f"t11-zero-signed k={k}"
    u = vector(field(wit, "u", "witness"), d, "witness.u")
    w = vector(field(wit, "w", "witness"), d, "witness.w")
    if min(u + w) < 0 or not any(u + w):
        raise Bad("witness u, w must be >= 0 and not all zero")
    for c in range(d):   # (M^T y - u + N^T w)_c with N[i, c] = T12[i][c] T21[c][i]
        if yM[c] - u[c] + sum(w[i] * T12[i][c] * T21[c][i] for i in range(d)) != 0:
            raise Bad(f"M^T y - u + N^T w is nonzero at index {c}")
    return "t11-zero-positive"


PSATZ_TERMS = 1 << 16          # charpoly-positivstellensatz budget (format section 6.5)
PSATZ_DEGREE = 64
PSATZ_PRODUCTS = 1 << 20


def check_positivstellensatz(terms, T, d, regime):
    """sigma = sum_j g_j f_j has every coefficient >= 0 and one > 0, where
    f_j = sum_{|I|=j} M_I(T11) delta^I - sum_{|I|=j} M_I(V) w^I; in regime
    signed every term of sigma also has even exponents (a sum of squares of
    monomials, positive wherever no scaling is 0)."""
    if not isinstance(terms, list) or not 1 <= len(terms) <= PSATZ_TERMS:
        raise Bad(f"witness.terms: expected a list of 1 to {PSATZ_TERMS} terms")
    parsed, seen, products = [], set(), 0
    for k, term in enumerate(terms):
        where = f"witness.terms[{k}]"
        if not isinstance(term, list) or len(term) != 3:
            raise Bad(f"{where}: expected [j, exponents, coefficient]")
        j = integer(term[0], f"{where}.j", 1, d)
        if minor_count(d, j) > MINOR_BUDGET:
            raise Bad(f"{where}: C({d}, {j}) principal minors exceed the work budget of {MINOR_BUDGET}")
        e = term[1]
        if not isinstance(e, list) or len(e) != 2 * d:
            raise Bad(f"{where}: expected {2 * d} exponents")
        e = tuple(integer(x, f"{where}.exponents", 0, PSATZ_DEGREE) for x in e)
        if sum(e) > PSATZ_DEGREE:
            raise Bad(f"{where}: total degree {sum(e)} > {PSATZ_DEGREE}")
        c = rational(term[2], f"{where}.coefficient")
        if c == 0:
            raise Bad(f"{where}: coefficient 0")
        if (j, e) in seen:
            raise Bad(f"{where}: repeats an earlier (j, exponents)")
        seen.add((j, e))
        products += 2 * minor_count(d, j)
        if products > PSATZ_PRODUCTS:
            raise Bad(f"witness.terms exceed the work budget of {PSATZ_PRODUCTS} products")
        parsed.append((j, e, c))
    T11 = blocks(T, d)[0]
    V = v_block(T, d)
    f = {}
    for j in sorted({j for j, _, _ in parsed}):
        f[j] = []
        for offset, A, sign in ((0, T11, 1), (d, V, -1)):
            for I, m in principal_minors(A, j):
                if m:
                    mono = [0] * (2 * d)
                    for i in I:
                        mono[offset + i] = 1
                    f[j].append((mono, sign * m))
    sigma = {}
    for j, e, c in parsed:
        for mono, v in f[j]:
            key = tuple(a + b for a, b in zip(mono, e))
            sigma[key] = sigma.get(key, 0) + c * v
    sigma = {m: v for m, v in sigma.items() if v != 0}
    if not sigma:
        raise Bad("charpoly-positivstellensatz: sum g_j f_j is the zero polynomial")
    if min(sigma.values()) < 0:
        raise Bad("charpoly-positivstellensatz: sum g_j f_j has a negative coefficient")
    if regime == "signed" and any(x % 2 for m in sigma for x in m):
        raise Bad("charpoly-positivstellensatz: in regime signed sum g_j f_j has a term with an odd exponent")
    return f"charpoly-positivstellensatz {len(parsed)} terms"


FSI_TERMS = 1 << 16            # full-system-ideal limits (format section 6.8)
FSI_DEGREE = 64
FSI_PRODUCTS = 1 << 22         # sum over terms of (d + 2)^2, a bound on the monomial products


def fsi_cofactors(cofactors, d):
    """witness.cofactors -> [(k, monomial, c)], a monomial a tuple of
    (variable, exponent) pairs in increasing variable order."""
    if not isinstance(cofactors, list) or not 1 <= len(cofactors) <= FSI_TERMS:
        raise Bad(f"witness.cofactors: expected a list of 1 to {FSI_TERMS} terms")
    # Every term costs the same, so the budget is decided before any is read.
    if len(cofactors) * (d + 2) ** 2 > FSI_PRODUCTS:
        raise Bad(f"witness.cofactors exceed the work budget of {FSI_PRODUCTS} products")
    n_eq, n_var = 2 * d * d + 2 * d, 2 * d * d + 4 * d
    parsed, seen = [], set()
    for t, term in enumerate(cofactors):
        where = f"witness.cofactors[{t}]"
        if not isinstance(term, list) or len(term) != 3:
            raise Bad(f"{where}: expected [k, monomial, coefficient]")
        k = integer(term[0], f"{where}.k", 0, n_eq - 1)
        m = term[1]
        if not isinstance(m, list):
            raise Bad(f"{where}: expected a monomial, a list of [variable, exponent] pairs")
        if len(m) > FSI_DEGREE:   # every exponent is >= 1: cut a long list short
            raise Bad(f"{where}: total degree > {FSI_DEGREE}")
        mono = []
        for pair in m:
            if not isinstance(pair, list) or len(pair) != 2:
                raise Bad(f"{where}: expected a monomial, a list of [variable, exponent] pairs")
            v = integer(pair[0], f"{where}.variable", 0, n_var - 1)
            e = integer(pair[1], f"{where}.exponent", 1, FSI_DEGREE)
            if mono and v <= mono[-1][0]:
                raise Bad(f"{where}: monomial variables not strictly increasing")
            mono.append((v, e))
        if sum(e for _, e in mono) > FSI_DEGREE:
            raise Bad(f"{where}: total degree > {FSI_DEGREE}")
        c = rational(term[2], f"{where}.coefficient")
        if c == 0:
            raise Bad(f"{where}: coefficient 0")
        if (k, tuple(mono)) in seen:
            raise Bad(f"{where}: repeats an earlier (k, monomial)")
        seen.add((k, tuple(mono)))
        parsed.append((k, tuple(mono), c))
    return parsed


def fsi_equation(k, T, S, d):
    """e_k of format section 6.8 as {monomial: coefficient}. Variables:
    x_ij = i d + j, w_ij = d^2 + i d + j, then delta, eps, delta-bar, eps-bar."""
    n = d * d
    x = lambda i, j: i * d + j
    w = lambda i, j: n + i * d + j
    delta, eps, delta_bar, eps_bar = (lambda i, o=o: 2 * n + o * d + i for o in range(4))
    e = {}

    def add(coef, *variables):    # within one e_k every variable has exponent 1
        if coef:
            key = tuple((v, 1) for v in sorted(variables))
            e[key] = e.get(key, 0) + coef
    if k < 2 * n:
        i, j = divmod(k % n, d)
        add(-int(i == j))
    if k < n:       # (Q22 - X Q12 - Q21 W + X Q11 W - I)_ij, Q = T diag(delta, eps)
        add(T[d + i][d + j], eps(j))
        for l in range(d):
            add(-T[l][d + j], x(i, l), eps(j))
            add(-T[d + i][l], delta(l), w(l, j))
            for m in range(d):
                add(T[l][m], x(i, l), delta(m), w(m, j))
    elif k < 2 * n:  # upper-left block of N+(W) diag(delta-bar, eps-bar) S N-(X), minus I
        add(S[i][j], delta_bar(i))
        for l in range(d):
            add(S[d + l][j], w(i, l), eps_bar(l))
            add(S[i][d + l], delta_bar(i), x(l, j))
            for m in range(d):
                add(S[d + l][d + m], w(i, l), eps_bar(l), x(m, j))
    else:            # delta_i delta-bar_i - 1 or eps_i eps-bar_i - 1: the bar is 2d further
        add(1, k, k + 2 * d)
        add(-1)
    return e


def fsi_polynomial(parsed, T, d):
    """p = sum_k h_k e_k, expanded exactly, zero coefficients dropped."""
    S = inverse_columns(T, range(2 * d), "T^-1")
    equations, p = {}, {}
    for k, mono, c in parsed:
        if k not in equations:
            equations[k] = fsi_equation(k, T, S, d)
        for emono, v in equations[k].items():
            prod = dict(mono)
            for var, exp in emono:
                prod[var] = prod.get(var, 0) + exp
            key = tuple(sorted(prod.items()))
            p[key] = p.get(key, 0) + c * v
    return {m: v for m, v in p.items() if v}


def check_full_system_ideal(wit, T, d, regime):
    """p = sum_k h_k e_k vanishes wherever the depth-2 system does; it must be
    a nonzero polynomial in the scaling variables alone that cannot vanish at
    admissible scalings: one term, or (positive) all coefficients > 0."""
    conclusion = field(wit, "conclusion", "witness")
    if conclusion not in ("monomial", "positive-coefficients"):
        raise Bad(f"witness.conclusion: expected 'monomial' or 'positive-coefficients', got {_short(conclusion)}")
    if conclusion == "positive-coefficients" and regime != "positive":
        raise Bad("witness full-system-ideal with conclusion positive-coefficients only proves not-in-K2 in regime positive")
    parsed = fsi_cofactors(field(wit, "cofactors", "witness"), d)
    p = fsi_polynomial(parsed, T, d)
    if not p:
        raise Bad("full-system-ideal: sum h_k e_k is the zero polynomial")
    if any(v < 2 * d * d for mono in p for v, _ in mono):
        raise Bad("full-system-ideal: sum h_k e_k has a monomial with an x or w variable")
    if conclusion == "monomial" and len(p) != 1:
        raise Bad(f"full-system-ideal: sum h_k e_k has {len(p)} terms, not one")
    if conclusion == "positive-coefficients" and min(p.values()) <= 0:
        raise Bad("full-system-ideal: sum h_k e_k has a negative coefficient")
    return f"full-system-ideal {conclusion}, {len(parsed)} cofactor terms, p has {len(p)} term(s)"


def in_K1(T, d, regime):
    """theory.md section 3: T11 diagonal admissible, Schur complement diagonal admissible."""
    T11, T12, T21, T22 = blocks(T, d)
    for i in range(d):
        for j in range(d):
            if (i == j and not admissible(T11[i][i], regime)) or (i != j and T11[i][j]):
                return False
    for i in range(d):
        for j in range(d):
            s = T22[i][j] - sum(T21[i][c] * T12[c][j] / T11[c][c] for c in range(d))
            if (i == j and not admissible(s, regime)) or (i != j and s):
                return False
    return True


def check_depth(cert, T, d, regime):
    m = integer(field(cert, "depth"), "depth", 1)
    if m > 3:
        raise Bad(f"depth {m}: version 1 defines proofs for depth 1, 2, 3 only")
    if cert.get("arithmetic", "exact") != "exact":
        raise Bad("depth: layers must be an exact factorization")
    if m == 2 and "membership" in cert:
        return check_membership_depth(cert, T, d, regime)
    # The witness first: an over-budget one is rejected before any product.
    wit = check_witness(cert, T, d, regime) if m == 3 else None
    P = check_layers(cert, d, regime, False, want_pairs=m)
    if P != T:
        raise Bad("product of layers differs from matrix")
    if m == 1:
        return "depth 1"
    if m == 2:
        if in_K1(T, d, regime):
            raise Bad("depth 2 claimed but T is in K_1")
        return "depth 2 (T not in K_1)"
    return f"depth 3 ({wit})"


# ------------------------------------------- depth 2 by verified membership

MEMBERSHIP_MAX_D, MEMBERSHIP_MAX_BITS = 16, 256
FULL_SYSTEM_MAX_D = 12         # format section 7.2: R has at most 69696 entries


def dyadic(s, where):
    """A canonical rational p/2^k of at most 256 bits (format section 7.1)."""
    v = rational(s, where)
    if v.denominator & (v.denominator - 1) or max(abs(v.numerator).bit_length(), v.denominator.bit_length()) > MEMBERSHIP_MAX_BITS:
        raise Bad(f"{where}: membership numbers must be dyadic rationals of at most {MEMBERSHIP_MAX_BITS} bits")
    return v


def check_membership_depth(cert, T, d, regime):
    """Minimal depth 2: T not in K_1, and a Krawczyk box around a solution of
    a system whose solutions factor T into two pairs (format sections 7.1, 7.2)."""
    if "layers" in cert:
        raise Bad("a depth 2 certificate has 'layers' or 'membership', not both")
    if in_K1(T, d, regime):
        raise Bad("depth 2 claimed but T is in K_1")
    mem = field(cert, "membership")
    kind = field(mem, "type", "membership")
    if kind == "krawczyk-intertwiner":
        worst = check_intertwiner(mem, T, d, regime)
    elif kind == "krawczyk-full-system":
        worst = check_full_system(mem, T, d, regime)
    else:
        raise Bad(f"membership.type: expected 'krawczyk-intertwiner' or 'krawczyk-full-system', got {_short(kind)}")
    return f"depth 2 (T not in K_1; K_2 by {kind}, contraction {approx(worst)})"


def krawczyk(R, rows, G, s, rho, name):
    """Item 5 of format section 7.1 (item 4 of 7.2): for every row a of the
    preconditioner R, |R G|_a + rho sum_b |I - R J|_ab + rho^2 sum_e |R_ae| s_e
    < rho, with J given as sparse rows {column: value} and s_e bounding the
    bilinear remainder of equation e. Returns the worst ratio to rho; Bad
    naming name(a) for the first a that fails."""
    m = len(R)
    # Exact integer arithmetic over common denominators (R is dyadic).
    dR = max(v.denominator for r in R for v in r)
    dJ = math.lcm(*(v.denominator for row in rows for v in row.values()))
    Ri = [[int(v * dR) for v in r] for r in R]
    Ji = [[(c, int(v * dJ)) for c, v in row.items()] for row in rows]
    worst = Fraction(0)
    for a in range(m):
        acc = [0] * m
        for e, r in enumerate(Ri[a]):
            if r:
                for c, v in Ji[e]:
                    acc[c] += r * v
        acc[a] -= dR * dJ
        c_a = Fraction(sum(abs(v) for v in acc), dR * dJ)
        g_a = abs(sum(R[a][e] * G[e] for e in range(m) if R[a][e]))
        q_a = sum(abs(R[a][e]) * s[e] for e in range(m))
        total = g_a + c_a * rho + q_a * rho * rho
        if total >= rho:
            raise Bad(f"membership: Krawczyk inclusion fails for {name(a)} ({approx(total)} >= radius {approx(rho)})")
        worst = max(worst, total / rho)
    return worst


def check_intertwiner(mem, T, d, regime):
    """Format section 7.1: the intertwiner system T11 diag(delta) P = P diag(u) V
    (theory.md section 4a) with delta, u admissible and P nonsingular on the
    box, so T is in K_2 by section 4.5."""
    if d > MEMBERSHIP_MAX_D:   # the budget, before reading the large arrays
        raise Bad(f"membership: d = {d} exceeds the work budget (d <= {MEMBERSHIP_MAX_D})")
    n, m = d * d + 2 * d, d * d
    fixed = gauge(mem, 2 * d, n)
    x = vector(field(mem, "center", "membership"), n, "membership.center", dyadic)
    rho = dyadic(field(mem, "radius", "membership"), "membership.radius")
    R = matrix(field(mem, "preconditioner", "membership"), m, m, "membership.preconditioner", dyadic)
    Q = matrix(field(mem, "pInverse", "membership"), d, d, "membership.pInverse", dyadic)
    if rho <= 0:
        raise Bad("membership.radius must be > 0")
    T11 = blocks(T, d)[0]
    if int_det([[int(v * math.lcm(*(w.denominator for r in T11 for w in r))) for v in r] for r in T11]) == 0:
        raise Bad("T11 is singular (the intertwiner system needs det T11 != 0)")
    V = v_block(T, d)
    for k in range(2 * d):   # delta (k < d) and u admissible on the whole box
        c = x[k]
        ok = admissible(c, regime) if k in fixed else (c - rho > 0 or (regime == "signed" and c + rho < 0))
        if not ok:
            raise Bad(f"membership: {'delta' if k < d else 'u'}[{k % d}] not admissible on the whole box")
    P = [[x[2 * d + i * d + j] for j in range(d)] for i in range(d)]
    QP = matmul(Q, P)
    e_norm = max(sum(abs(int(i == j) - QP[i][j]) for j in range(d)) for i in range(d))
    q_norm = max(sum(abs(v) for v in row) for row in Q)
    if e_norm + q_norm * d * rho >= 1:
        raise Bad("membership: cannot prove P nonsingular on the box")
    # Free coordinates and the Jacobian J(x~) on them (sparse rows), G(x~), and
    # s_(i,j) = sum_k |T11[i][k]| + |V[k][j]|, which bounds the bilinear remainder.
    free = [k for k in range(n) if k not in set(fixed)]
    col = {k: a for a, k in enumerate(free)}
    M = [[T11[i][k] * x[k] for k in range(d)] for i in range(d)]
    N = [[x[d + l] * V[l][j] for j in range(d)] for l in range(d)]
    MP, PN = matmul(M, P), matmul(P, N)
    G = [MP[i][j] - PN[i][j] for i in range(d) for j in range(d)]
    rows, s = [], []
    for i in range(d):
        for j in range(d):
            row = {}
            for k, v in [(k, T11[i][k] * P[k][j]) for k in range(d)] + [(d + k, -P[i][k] * V[k][j]) for k in range(d)] \
                    + [(2 * d + k * d + j, M[i][k]) for k in range(d)] + [(2 * d + i * d + k, -N[k][j]) for k in range(d)]:
                if k in col:
                    row[col[k]] = row.get(col[k], 0) + v
            rows.append(row)
            s.append(sum(abs(T11[i][k]) + abs(V[k][j]) for k in range(d)))
    return krawczyk(R, rows, G, s, rho, lambda a: f"free coordinate {a}")


def full_system(T, x, d):
    """All 2d^2 entries of M1 = T22 - X T12 - T21 U + X T11 U and M2 = S11 + U S21
    + S12 X + U S22 X at x~ = (X, U), their Jacobian rows {coordinate of x:
    value}, and the remainder bounds s_e (format section 7.2); Bad if det T = 0."""
    n = d * d
    S = inverse_columns(T, range(2 * d), "T^-1")     # det T != 0, or Bad
    T11, T12, T21, T22 = blocks(T, d)
    S11, S12, S21, S22 = blocks(S, d)
    X = [x[i * d:(i + 1) * d] for i in range(d)]
    U = [x[n + i * d:n + (i + 1) * d] for i in range(d)]
    sub = lambda a, b: [[u - v for u, v in zip(r, q)] for r, q in zip(a, b)]
    add = lambda a, b: [[u + v for u, v in zip(r, q)] for r, q in zip(a, b)]
    A1, B1 = sub(matmul(T11, U), T12), sub(matmul(X, T11), T21)   # T11 U~ - T12, X~ T11 - T21
    A2, B2 = add(S21, matmul(S22, X)), add(S12, matmul(U, S22))   # S21 + S22 X~, S12 + U~ S22
    M1 = add(sub(T22, matmul(X, T12)), matmul(B1, U))             # T22 - X T12 + (X T11 - T21) U
    M2 = add(add(S11, matmul(S12, X)), matmul(U, A2))             # S11 + S12 X + U (S21 + S22 X)
    values = [v for r in M1 for v in r] + [v for r in M2 for v in r]
    rows = []
    for own, other, offset in ((A1, B1, 0), (A2, B2, n)):
        for i in range(d):
            for j in range(d):
                row = {}
                for l in range(d):   # own block, row i: d/dX[i][l] for M1, d/dU[i][l] for M2
                    row[offset + i * d + l] = row.get(offset + i * d + l, 0) + own[l][j]
                for k in range(d):   # other block, column j: d/dU[k][j] for M1, d/dX[k][j] for M2
                    row[n - offset + k * d + j] = row.get(n - offset + k * d + j, 0) + other[i][k]
                rows.append(row)
    # The remainders h_X T11 h_U and h_U S22 h_X are entrywise <= s_e rho^2.
    s1, s2 = (sum(abs(v) for r in B for v in r) for B in (T11, S22))
    return values, rows, [s1] * n + [s2] * n


def gauge(mem, count, n):
    """membership.fixed: count distinct increasing JSON integers in 0..n-1."""
    fixed = field(mem, "fixed", "membership")
    if not isinstance(fixed, list) or len(fixed) != count or any(type(k) is not int for k in fixed):
        raise Bad(f"membership.fixed: expected a list of {count} JSON integers")
    if fixed != sorted(set(fixed)) or fixed[0] < 0 or fixed[-1] >= n:
        raise Bad(f"membership.fixed: must be distinct, increasing, in 0..{n - 1}")
    return fixed


def check_full_system(mem, T, d, regime):
    """Format section 7.2: a box around (X, U) in which M1, M2 become diagonal
    with admissible diagonals 1/eps, delta; then T diag(delta, eps) is a product
    of two pairs whatever T11 is (theory.md section 4c)."""
    if d > FULL_SYSTEM_MAX_D:   # the budget, before reading the large arrays
        raise Bad(f"membership: d = {d} exceeds the work budget of krawczyk-full-system (d <= {FULL_SYSTEM_MAX_D})")
    n = 2 * d * d
    m = n - 2 * d
    fixed = gauge(mem, 2 * d, n)
    x = vector(field(mem, "center", "membership"), n, "membership.center", dyadic)
    rho = dyadic(field(mem, "radius", "membership"), "membership.radius")
    R = matrix(field(mem, "preconditioner", "membership"), m, m, "membership.preconditioner", dyadic)
    if rho <= 0:
        raise Bad("membership.radius must be > 0")
    values, rows, s = full_system(T, x, d)
    free = [k for k in range(n) if k not in set(fixed)]
    col = {k: a for a, k in enumerate(free)}
    rows = [{col[k]: v for k, v in row.items() if k in col and v} for row in rows]
    for e in [i * d + i for i in range(d)] + [d * d + i * d + i for i in range(d)]:   # the scalings
        spread = rho * sum(abs(v) for v in rows[e].values()) + rho * rho * s[e]
        if abs(values[e]) <= spread or (regime == "positive" and values[e] <= 0):
            name = f"M1[{e // d}][{e % d}] (1/eps)" if e < d * d else f"M2[{(e - d * d) // d}][{e % d}] (delta)"
            raise Bad(f"membership: {name} not admissible on the whole box")
    equations = [e for e in range(n) if (e % (d * d)) // d != e % d]
    return krawczyk(R, [rows[e] for e in equations], [values[e] for e in equations], [s[e] for e in equations], rho,
                    lambda a: f"free coordinate {a}")


def check_certificate(cert):
    if not isinstance(cert, dict):
        raise Bad("top level is not a JSON object")
    if field(cert, "format") != "flowproof-certificate":
        raise Bad(f"format: expected 'flowproof-certificate', got {cert['format']!r}")
    if integer(field(cert, "version"), "version") != 1:
        raise Bad(f"version: unsupported {cert['version']!r}")
    regime = field(cert, "regime")
    if regime not in ("positive", "signed"):
        raise Bad(f"regime: expected 'positive' or 'signed', got {regime!r}")
    d = integer(field(cert, "d"), "d", 1, MAX_D)
    T = matrix(field(cert, "matrix"), 2 * d, 2 * d, "matrix")
    claim = field(cert, "claim")
    if claim == "factorization":
        s = check_factorization(cert, T, d, regime)
    elif claim == "not-in-K2":
        s = "not-in-K2 (" + check_witness(cert, T, d, regime) + ")"
    elif claim == "depth":
        s = check_depth(cert, T, d, regime)
    else:
        raise Bad(f"claim: unknown {claim!r}")
    return f"{s}, regime {regime}, d={d}"


def no_duplicates(pairs):
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise Bad(f"duplicate JSON key {_short(dup)}")
    return obj


def no_constants(name):
    raise Bad(f"not JSON: {name} is not a number in RFC 8259")


STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)


def nesting(text):
    """Deepest nesting of arrays and objects (brackets inside strings do not
    count), found without recursion: json would recurse once per level."""
    depth = deepest = 0
    for m in STRING_OR_BRACKET.finditer(text):
        c = m[0]
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


def valid_strings(x):
    """RFC 8259 text is Unicode: a lone surrogate escape (\\ud800) is not a character."""
    if isinstance(x, dict):
        return all(valid_strings(k) and valid_strings(v) for k, v in x.items())
    if isinstance(x, list):
        return all(valid_strings(v) for v in x)
    if isinstance(x, str):
        try:
            x.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def read_json(path):
    """The file as strict RFC 8259 JSON in UTF-8, or Bad / OSError / ValueError."""
    if os.path.getsize(path) > MAX_FILE_BYTES:
        raise Bad(f"file larger than {MAX_FILE_BYTES} bytes")
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    if nesting(text) > MAX_NESTING:
        raise Bad(f"JSON nested deeper than {MAX_NESTING} levels")
    # parse_constant: json accepts NaN, Infinity, -Infinity unless told not to.
    value = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants,
                       parse_int=lambda t: int(t) if len(t) <= 20 else LongInteger(t))
    if not valid_strings(value):
        raise Bad("not JSON: a string has a lone surrogate escape")
    return value


def check_file(path):
    try:
        cert = read_json(path)
    except Bad as e:
        return False, str(e)
    except (OSError, ValueError) as e:
        return False, f"cannot read JSON: {e}"
    try:
        return True, check_certificate(cert)
    except Bad as e:
        return False, str(e)
    except Exception as e:   # malformed input must never crash the checker
        return False, f"malformed certificate ({type(e).__name__}: {e})"


def files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs.sort()
                for n in sorted(names):
                    if n.endswith(".json"):
                        yield os.path.join(root, n)
        else:
            yield p


def main(argv):
    if not argv:
        print("usage: independent-check.py PATH...  (.json files or directories)", file=sys.stderr)
        return 2
    ok_all = True
    for path in files(argv):
        ok, msg = check_file(path)
        ok_all &= ok
        print(f"OK  {path}  {msg}" if ok else f"FAIL {path}: {msg}")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
