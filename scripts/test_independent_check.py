"""Self-test for scripts/independent-check.py.

    python3 -m pytest scripts/test_independent_check.py -q

Certificates are built by hand here; every matrix is recomputed from its
layers with the small Fraction helpers below, independently of the checker.
"""
import copy
import importlib.util
import json
import os
import subprocess
import sys
from fractions import Fraction as Fr

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "independent-check.py")
_spec = importlib.util.spec_from_file_location("independent_check", SCRIPT)
ic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ic)


# ------------------------------------------------------------- helpers

def mul(X, Y):
    return [[sum(X[i][k] * Y[k][j] for k in range(len(Y))) for j in range(len(Y[0]))]
            for i in range(len(X))]


def product(layers, d, parse=Fr):
    """L(A1,B1) U(C1,D1) ... with entries parsed by `parse`."""
    P = [[Fr(int(i == j)) for j in range(2 * d)] for i in range(2 * d)]
    for lay in layers:
        A = [[parse(x) for x in r] for r in lay["A"]]
        D = [[parse(x) for x in r] for r in lay["D"]]
        B = [parse(x) for x in lay["B"]]
        C = [parse(x) for x in lay["C"]]
        L = [[Fr(int(i == j)) for j in range(d)] + [Fr(0)] * d for i in range(d)]
        L += [A[i] + [B[i] if i == j else Fr(0) for j in range(d)] for i in range(d)]
        U = [[C[i] if i == j else Fr(0) for j in range(d)] + D[i] for i in range(d)]
        U += [[Fr(0)] * d + [Fr(int(i == j)) for j in range(d)] for i in range(d)]
        P = mul(mul(P, L), U)
    return P


def s(M):
    return [[str(x) for x in r] for r in M]


def cert(claim, d, matrix, regime="positive", **extra):
    c = {"format": "flowproof-certificate", "version": 1, "claim": claim,
         "regime": regime, "d": d, "matrix": s(matrix), "generator": "hand"}
    c.update(extra)
    return c


def ok(c):
    return ic.check_certificate(copy.deepcopy(c))


def rejected(c, fragment=""):
    with pytest.raises(ic.Bad) as e:
        ic.check_certificate(copy.deepcopy(c))
    assert fragment in str(e.value), str(e.value)
    return str(e.value)


def F(rows):
    return [[Fr(x) for x in r] for r in rows]


# d = 2 examples from theory.md section 4
I2I = F([[1, 0, 2, 0], [0, 1, 0, 2], [1, 0, 1, 0], [0, 1, 0, 1]])      # [I 2I; I I]
SWAP = F([[0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]])     # [0 I; I 0]
N01 = F([[0, 0, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0], [1, 0, 0, 0]])      # [0 I; N 0], N = [[0,1],[1,0]]

# Depth-3 factorizations, found offline with an exact rational search and
# re-verified below by multiplying them out.
I2I_3 = [{"A": [["-3/2", "-1"], ["-1/2", "3/4"]], "B": ["1/2", "1/2"], "C": ["2", "2"], "D": [["1", "-2"], ["0", "-2"]]},
         {"A": [["0", "3"], ["1", "1"]], "B": ["1", "1"], "C": ["1", "1"], "D": [["1/2", "-3"], ["0", "1"]]},
         {"A": [["2", "-1"], ["1", "0"]], "B": ["1", "1"], "C": ["1", "1"], "D": [["1", "1"], ["1", "-2"]]}]
SWAP_3 = [{"A": [["-2", "-1"], ["-1", "0"]], "B": ["1", "1"], "C": ["1", "1"], "D": [["0", "1"], ["2", "0"]]},
          {"A": [["1", "0"], ["-2", "-1"]], "B": ["1", "1"], "C": ["1", "1"], "D": [["-1", "0"], ["0", "1"]]},
          {"A": [["1", "1"], ["-2", "-1"]], "B": ["1", "1"], "C": ["1", "1"], "D": [["2", "1"], ["-1", "0"]]}]
N01_3 = [{"A": [["1/2", "1/2"], ["-2", "-2"]], "B": ["-1/2", "-1"], "C": ["1", "-2"], "D": [["1", "-1"], ["-2", "0"]]},
         {"A": [["-1", "0"], ["-1", "0"]], "B": ["1", "1"], "C": ["1", "1"], "D": [["0", "1"], ["-1", "1/2"]]},
         {"A": [["-1", "0"], ["-2", "2"]], "B": ["1", "1"], "C": ["1", "1"], "D": [["2", "2"], ["0", "-1"]]}]
# [0 I; I 0] = L(0,I) U(I,I) L(-I,I) U(-I,I)  (signed regime only)
SWAP_2 = [{"A": [["0", "0"], ["0", "0"]], "B": ["1", "1"], "C": ["1", "1"], "D": [["1", "0"], ["0", "1"]]},
          {"A": [["-1", "0"], ["0", "-1"]], "B": ["1", "1"], "C": ["-1", "-1"], "D": [["1", "0"], ["0", "1"]]}]

PM = {"type": "principal-minors", "j": 1, "sign": "+"}
# M rows (0,1), (1,0); M[(i,j),c] = T12[i][c] T21[c][j]
SWAP_POS = {"type": "t11-zero-positive", "y": ["0", "0"], "u": ["1", "0"], "w": ["1", "0"]}
N01_SIGNED = {"type": "t11-zero-signed", "k": 0, "y": ["1", "0"]}


def test_hand_factorizations_multiply_out():
    assert product(I2I_3, 2) == I2I
    assert product(SWAP_3, 2) == SWAP
    assert product(N01_3, 2) == N01
    assert product(SWAP_2, 2) == SWAP


# ------------------------------------------------------- factorization

D1 = [{"A": [["2"]], "B": ["3"], "C": ["5"], "D": [["-7/2"]]}]
D2 = [{"A": [["1", "-2"], ["0", "1/3"]], "B": ["2", "1"], "C": ["1", "4"], "D": [["0", "1"], ["-1", "5"]]},
      {"A": [["3", "0"], ["1", "1"]], "B": ["1", "1/2"], "C": ["3", "1"], "D": [["2", "0"], ["0", "-1"]]}]


def test_exact_factorization_ok():
    assert "factorization exact" in ok(cert("factorization", 1, product(D1, 1), arithmetic="exact", layers=D1))
    c = cert("factorization", 2, product(D2, 2), arithmetic="exact", layers=D2)
    assert ok(c).startswith("factorization exact, 2 pair(s)")
    c["regime"] = "signed"                     # positive layers also satisfy signed
    ok(c)


def test_exact_factorization_tampered():
    c = cert("factorization", 2, product(D2, 2), arithmetic="exact", layers=D2)
    t = copy.deepcopy(c); t["layers"][1]["D"][1][1] = "-2"
    rejected(t, "differs")
    t = copy.deepcopy(c); t["matrix"][3][0] = str(Fr(t["matrix"][3][0]) + 1)
    rejected(t, "differs")
    t = copy.deepcopy(c); t["layers"][0]["A"][1][1] = "2/6"
    rejected(t, "non-canonical")
    for bad in ("2/4", "3/1", "007", "-0", "0/5", "1/-2", "0.5", "1e3", " 1", "+1", "1/0"):
        t = copy.deepcopy(c); t["layers"][0]["D"][0][0] = bad
        rejected(t, "layers[0].D[0][0]")
    t = copy.deepcopy(c); t["layers"][0]["A"][0][0] = 1        # JSON number, not string
    rejected(t, "not a rational")
    t = copy.deepcopy(c); t["layers"][0]["A"][0][0] = "0x1p+0"  # hex float in exact cert
    rejected(t, "not a rational")


def test_regime_violation():
    layers = copy.deepcopy(D2); layers[1]["B"][0] = "-1"
    c = cert("factorization", 2, product(layers, 2), arithmetic="exact", layers=layers)
    rejected(c, "violates regime positive")
    c["regime"] = "signed"
    ok(c)
    layers[1]["B"][0] = "0"
    c = cert("factorization", 2, product(layers, 2), regime="signed", arithmetic="exact", layers=layers)
    rejected(c, "violates regime signed")


def test_wrong_shape_and_fields():
    c = cert("factorization", 2, product(D2, 2), arithmetic="exact", layers=D2)
    t = copy.deepcopy(c); t["matrix"] = t["matrix"][:3]
    rejected(t, "matrix")
    t = copy.deepcopy(c); t["matrix"][0] = t["matrix"][0][:3]
    rejected(t, "matrix[0]")
    t = copy.deepcopy(c); t["layers"][0]["B"] = ["1"]
    rejected(t, "layers[0].B")
    t = copy.deepcopy(c); t["layers"][0]["A"] = [["1", "0", "0"], ["0", "1", "0"]]
    rejected(t, "layers[0].A")
    t = copy.deepcopy(c); del t["layers"][0]["C"]
    rejected(t, "'C'")
    t = copy.deepcopy(c); t["layers"] = []
    rejected(t, "layers")
    t = copy.deepcopy(c); t["d"] = 3
    rejected(t, "matrix")
    for key, val in (("format", "flowproof"), ("version", 2), ("version", True), ("claim", "magic"),
                     ("regime", "complex"), ("arithmetic", "decimal"), ("d", 0)):
        t = copy.deepcopy(c); t[key] = val
        rejected(t)
    t = copy.deepcopy(c); del t["arithmetic"]
    rejected(t, "arithmetic")
    rejected([], "object")


def test_binary64_factorization():
    layers = [{"A": [["0x1.8p+1"]], "B": ["0x1p-1"], "C": ["1/2"], "D": [["-0x0p+0"]]},
              {"A": [["-0x1.999999999999ap-4"]], "B": ["0x1.0000000000001p+0"], "C": ["3"], "D": [["0x1p-1074"]]}]
    P = product(layers, 1, lambda x: Fr(float.fromhex(x)) if "x" in x else Fr(x))
    T = [[x + Fr(1, 10**20) for x in r] for r in P]        # off by 1e-20 in each of 4 entries
    c = cert("factorization", 1, T, arithmetic="binary64", layers=layers,
             residual={"norm": "frobenius", "bound": "1/10000000000000000000"})   # 1e-19 >= 2e-20
    assert "binary64" in ok(c)
    t = copy.deepcopy(c); t["residual"]["bound"] = "1/100000000000000000000"     # 1e-20 < 2e-20
    rejected(t, "exceeds")
    t = copy.deepcopy(c); t["residual"]["bound"] = "-1"
    rejected(t, "negative")
    t = copy.deepcopy(c); t["residual"]["norm"] = "max"
    rejected(t, "frobenius")
    t = copy.deepcopy(c); t["layers"][0]["C"] = ["1/3"]            # rational, not binary64
    rejected(t, "binary64")
    t = copy.deepcopy(c); t["layers"][0]["C"] = ["0x1.00000000000001p+0"]   # 56-bit mantissa
    rejected(t, "binary64")
    t = copy.deepcopy(c); t["layers"][0]["C"] = ["0x1p+1024"]      # overflows
    rejected(t, "binary64")
    t = copy.deepcopy(c); t["layers"][0]["C"] = ["inf"]
    rejected(t)
    t = copy.deepcopy(c); t["matrix"][0][0] = "0x1p+0"             # matrix is exact rationals
    rejected(t, "matrix")
    t = copy.deepcopy(c); t["layers"][0]["B"] = ["-0x1p-1"]
    rejected(t, "regime")


# ------------------------------------------------------------ not-in-K2

def test_principal_minors():
    c = cert("not-in-K2", 2, I2I, witness=dict(PM))
    assert "principal-minors" in ok(c)
    rejected(dict(c, witness=dict(PM, sign="-")))
    rejected(dict(c, witness=dict(PM, j=2)), "j")
    rejected(dict(c, witness=dict(PM, j=0)), "j")
    rejected(dict(c, regime="signed"), "only proves")           # positive-only witness
    t = copy.deepcopy(c); t["matrix"][2][2] = "4"                # V = (T22 - 2I)^-1 gets V00 = 1/2 > 0
    rejected(t, "V")
    t = copy.deepcopy(c); t["matrix"][1][1] = "-1"               # a negative 1x1 minor of T11
    rejected(t, "T11")


def test_t11_zero_signed():
    c = cert("not-in-K2", 2, N01, regime="signed", witness=dict(N01_SIGNED))
    assert "t11-zero-signed k=0" in ok(c)
    ok(dict(c, regime="positive"))                               # signed witness also proves positive
    rejected(dict(c, witness=dict(N01_SIGNED, k=1)), "e_1")
    rejected(dict(c, witness=dict(N01_SIGNED, y=["1", "1"])), "e_0")
    rejected(dict(c, witness=dict(N01_SIGNED, y=["1"])), "witness.y")
    rejected(dict(c, witness=dict(N01_SIGNED, k=2)), "k")
    rejected(dict(c, matrix=s(SWAP)), "e_0")                     # swap IS in K_2(signed)
    t = copy.deepcopy(c); t["matrix"][0][0] = "1"
    rejected(t, "T11 = 0")


def test_t11_zero_positive():
    c = cert("not-in-K2", 2, SWAP, witness=dict(SWAP_POS))
    assert "t11-zero-positive" in ok(c)
    rejected(dict(c, regime="signed"), "only proves")
    rejected(dict(c, witness=dict(SWAP_POS, u=["1", "-1"], w=["1", "-1"])), ">= 0")
    rejected(dict(c, witness=dict(SWAP_POS, u=["0", "0"], w=["0", "0"])), "not all zero")
    rejected(dict(c, witness=dict(SWAP_POS, w=["0", "1"])), "nonzero")
    rejected(dict(c, witness={"type": "farkas"}), "unknown")


# ---------------------------------------------------- charpoly-positivstellensatz

# [I 2I; I I]: T11 = I, V = -I, so g_1 = 1 gives sigma = d1 + d2 + w1 + w2 (odd exponents).
TWO_IDENTITY = F([[1, 0, 2, 0], [0, 1, 0, 2], [1, 0, 1, 0], [0, 1, 0, 1]])
# diag(I, P), P a 3-cycle: f_1 = d1 + d2 + d3, f_2 = e_2(d) (P^-1 has zero 1x1 and
# 2x2 principal minors), so g_1 = f_1, g_2 = -2 give sigma = d1^2 + d2^2 + d3^2.
CYCLE = F([[int(j == i) for j in range(3)] + [0] * 3 for i in range(3)]
          + [[0] * 3 + [int(j == (i + 1) % 3) for j in range(3)] for i in range(3)])
CYCLE_LINEAR = [[1, [int(k == i) for k in range(6)], "1"] for i in range(3)]
CYCLE_CONSTANT = [2, [0] * 6, "-2"]


def psatz(terms):
    return {"type": "charpoly-positivstellensatz", "terms": terms}


def test_charpoly_positivstellensatz_regimes():
    c = cert("not-in-K2", 2, TWO_IDENTITY, witness=psatz([[1, [0, 0, 0, 0], "1"]]))
    assert "charpoly-positivstellensatz" in ok(c)
    rejected(dict(c, regime="signed"), "odd exponent")
    rejected(dict(c, witness=psatz([[1, [0, 0, 0, 0], "-1"]])), "negative")
    squares = cert("not-in-K2", 3, CYCLE, regime="signed", witness=psatz(CYCLE_LINEAR + [CYCLE_CONSTANT]))
    assert "charpoly-positivstellensatz" in ok(squares)
    ok(dict(squares, regime="positive"))                         # a signed proof proves positive too
    # Without g_2, sigma = f_1^2 keeps the cross terms 2 d_i d_j: positive only.
    ok(dict(squares, regime="positive", witness=psatz(CYCLE_LINEAR)))
    rejected(dict(squares, witness=psatz(CYCLE_LINEAR)), "odd exponent")
    rejected(dict(squares, witness=psatz(CYCLE_LINEAR + [[2, [0] * 6, "-1"]])), "odd exponent")
    rejected(dict(squares, witness=psatz(CYCLE_LINEAR + [[2, [0] * 6, "-3"]])), "negative")


# ---------------------------------------------------- full-system-ideal

# Hand-derived (format section 6.8), d = 2, variables x_ij = 2i+j, w_ij = 4+2i+j,
# delta_i = 8+i, eps_i = 10+i, delta-bar_i = 12+i, eps-bar_i = 14+i.
# N01: e_1 = -x01 eps1 - delta1 w11 and e_7 = -1 + w11 eps-bar1 + delta-bar1 x01, so
# eps-bar1 e_1 + delta1 e_7 - x01 e_9 + x01 e_11 = -delta1: a monomial (both regimes).
N01_FSI = {"type": "full-system-ideal", "conclusion": "monomial",
           "cofactors": [[1, [[15, 1]], "1"], [7, [[9, 1]], "1"], [9, [[1, 1]], "-1"], [11, [[1, 1]], "1"]]}
# SWAP: e_0 = -1 - x00 eps0 - delta0 w00 and e_4 = -1 + w00 eps-bar0 + delta-bar0 x00, so
# -eps-bar0 e_0 - delta0 e_4 + x00 e_8 - x00 e_10 = delta0 + eps-bar0 > 0 (positive only:
# SWAP is in K_2(signed)).
SWAP_FSI = {"type": "full-system-ideal", "conclusion": "positive-coefficients",
            "cofactors": [[0, [[14, 1]], "-1"], [4, [[8, 1]], "-1"], [8, [[0, 1]], "1"], [10, [[0, 1]], "-1"]]}


# d = 3 depth-3 certificates written by scripts/permutation-ideals.py from
# Singular's cofactors (an untrusted oracle; the checks below re-derive p).
# Variables for d = 3: x 0..8, w 9..17, delta 18..20, eps 21..23, delta-bar 24..26,
# eps-bar 27..29. The positive one (rows to columns 0, 3, 4, 1, 2, 5) expands to
# p = eps1 + delta-bar2, the signed one to p = 1.
FSI_D3_POSITIVE = json.loads("""
{
 "format": "flowproof-certificate",
 "version": 1,
 "claim": "depth",
 "arithmetic": "exact",
 "regime": "positive",
 "d": 3,
 "matrix": [["1", "0", "0", "0", "0", "0"],
            ["0", "0", "0", "1", "0", "0"],
            ["0", "0", "0", "0", "1", "0"],
            ["0", "1", "0", "0", "0", "0"],
            ["0", "0", "1", "0", "0", "0"],
            ["0", "0", "0", "0", "0", "1"]],
 "depth": 3,
 "layers": [{"A": [["0", "1", "0"], ["0", "2", "-1"], ["4", "0", "0"]], "B": ["1", "1", "1"], "C": ["1", "1", "1"], "D": [["0", "0", "-1"], ["-1", "0", "0"], ["0", "1", "0"]]},
            {"A": [["0", "1", "-1"], ["0", "-1", "-1"], ["2", "0", "0"]], "B": ["1", "1", "1"], "C": ["1", "1", "1"], "D": [["0", "0", "-2"], ["0", "0", "0"], ["2", "0", "0"]]},
            {"A": [["0", "0", "-1"], ["0", "1", "0"], ["2", "0", "0"]], "B": ["1", "1", "1"], "C": ["1", "1", "1"], "D": [["0", "0", "-1"], ["0", "0", "0"], ["0", "0", "0"]]}],
 "witness": {"type": "full-system-ideal", "conclusion": "positive-coefficients", "cofactors": [
   [4, [[24, 1], [26, 1], [29, 1]], "-1"], [5, [[8, 1], [22, 1], [26, 1]], "-1"], [7, [[17, 1], [24, 1], [29, 1]], "1"],
   [7, [[17, 1], [29, 1]], "-1"], [8, [[5, 1], [22, 1], [24, 1], [26, 1], [29, 1]], "1"], [8, [[6, 1], [10, 1], [17, 1], [29, 2]], "1"],
   [8, [[8, 1], [17, 1], [22, 1], [29, 1]], "-1"], [8, [[16, 1], [24, 1], [29, 1]], "1"], [8, [[24, 1], [26, 1], [29, 1]], "1"],
   [9, [[5, 1], [18, 1], [22, 1], [24, 1], [26, 1]], "-1"], [9, [[6, 1], [10, 1], [17, 1], [18, 1], [29, 1]], "-1"], [9, [[8, 1], [17, 1], [22, 1], [29, 1]], "1"],
   [9, [[16, 1], [18, 1], [24, 1]], "-1"], [9, [[18, 1], [24, 1], [26, 1]], "-1"], [11, [[6, 1], [17, 1], [22, 1], [29, 1]], "-1"],
   [15, [[8, 1], [11, 1], [18, 1], [22, 1]], "1"], [15, [[10, 1], [22, 1], [28, 1]], "1"], [15, [[10, 1], [23, 1], [29, 1]], "-1"],
   [15, [[10, 1], [29, 1]], "1"], [17, [[22, 1]], "-1"], [18, [[3, 1], [10, 1], [26, 1], [29, 1]], "1"],
   [18, [[5, 1], [22, 1], [24, 1], [26, 1]], "1"], [18, [[5, 1], [22, 1], [26, 1]], "-1"], [18, [[16, 1], [22, 1], [28, 1]], "-1"],
   [18, [[16, 1], [24, 1]], "1"], [18, [[24, 1], [26, 1]], "1"], [18, [[26, 1]], "-1"],
   [20, [[8, 1], [17, 1], [22, 1]], "-1"], [20, [[16, 1], [24, 1], [29, 1]], "-1"], [22, [[3, 1], [10, 1], [26, 1]], "-1"],
   [22, [[16, 1], [18, 1], [24, 1]], "1"], [23, [[3, 1], [10, 1], [26, 1]], "1"], [23, [[5, 1], [22, 1], [24, 1], [26, 1]], "-1"],
   [23, [[8, 1], [17, 1], [22, 1]], "1"], [23, [[16, 1], [24, 1]], "-1"], [23, [[24, 1], [26, 1]], "-1"]]},
 "generator": "scripts/permutation-ideals.py (Singular oracle)"
}
""")
FSI_D3_SIGNED = json.loads("""
{
 "format": "flowproof-certificate",
 "version": 1,
 "claim": "depth",
 "arithmetic": "exact",
 "regime": "signed",
 "d": 3,
 "matrix": [["0", "1", "0", "0", "0", "0"],
            ["0", "0", "0", "0", "0", "1"],
            ["0", "0", "0", "1", "0", "0"],
            ["0", "0", "0", "0", "1", "0"],
            ["0", "0", "1", "0", "0", "0"],
            ["1", "0", "0", "0", "0", "0"]],
 "depth": 3,
 "layers": [{"A": [["-1", "1", "0"], ["1", "1", "1"], ["0", "-1", "0"]], "B": ["1", "1", "1"], "C": ["1", "1", "1"], "D": [["0", "-1", "0"], ["-1", "0", "0"], ["0", "0", "-1"]]},
            {"A": [["1", "1", "0"], ["1", "-1", "0"], ["0", "0", "0"]], "B": ["1", "1", "1"], "C": ["1", "1", "1"], "D": [["-1", "0", "-1"], ["0", "2", "0"], ["1", "0", "1"]]},
            {"A": [["0", "0", "-1"], ["0", "0", "0"], ["1", "0", "0"]], "B": ["1", "1", "1"], "C": ["1", "1", "1"], "D": [["0", "0", "0"], ["0", "-1", "0"], ["0", "0", "0"]]}],
 "witness": {"type": "full-system-ideal", "conclusion": "monomial", "cofactors": [
   [1, [[14, 1], [28, 1], [29, 1]], "1"], [2, [[13, 1], [28, 1], [29, 1]], "-1"], [13, [[23, 1], [29, 1]], "-1"],
   [22, [[14, 1], [29, 1]], "-1"], [23, [], "-1"], [23, [[14, 1], [29, 1]], "1"]]},
 "generator": "scripts/permutation-ideals.py (Singular oracle)"
}
""")

def fsi(witness, **changes):
    w = copy.deepcopy(witness)
    w.update(changes)
    return w


def cofactors_with(witness, index, term):
    """witness with cofactors[index] replaced by term (None: dropped)."""
    w = copy.deepcopy(witness)
    if term is None:
        del w["cofactors"][index]
    else:
        w["cofactors"][index] = term
    return w


def test_full_system_ideal_expansion_by_hand():
    T = SWAP
    S = ic.inverse_columns(T, range(4), "T^-1")
    assert S == SWAP                                                 # an involution
    # e_0 = T22[0][0] eps0 - 1 - sum_l x0l T12[l][0] eps0 - sum_l T21[0][l] delta_l w_l0 + 0
    assert ic.fsi_equation(0, T, S, 2) == {(): -1, ((0, 1), (10, 1)): -1, ((4, 1), (8, 1)): -1}
    # e_4 = delta-bar0 S11[0][0] - 1 + sum_l w0l eps-bar_l S21[l][0] + sum_l delta-bar0 S12[0][l] x_l0
    assert ic.fsi_equation(4, T, S, 2) == {(): -1, ((4, 1), (14, 1)): 1, ((0, 1), (12, 1)): 1}
    assert ic.fsi_equation(9, T, S, 2) == {((9, 1), (13, 1)): 1, (): -1}      # delta1 delta-bar1 - 1
    assert ic.fsi_equation(11, T, S, 2) == {((11, 1), (15, 1)): 1, (): -1}    # eps1 eps-bar1 - 1
    # [I 2I; I I]: S = [-I 2I; I -I], so
    # e_4 = -delta-bar0 - 1 + w00 eps-bar0 + 2 delta-bar0 x00 - w00 eps-bar0 x00 - w01 eps-bar1 x10
    S = ic.inverse_columns(I2I, range(4), "T^-1")
    assert S == F([[-1, 0, 2, 0], [0, -1, 0, 2], [1, 0, -1, 0], [0, 1, 0, -1]])
    assert ic.fsi_equation(4, I2I, S, 2) == {
        ((12, 1),): -1, (): -1, ((4, 1), (14, 1)): 1, ((0, 1), (12, 1)): 2, ((0, 1), (4, 1), (14, 1)): -1,
        ((2, 1), (5, 1), (15, 1)): -1}
    # and e_0 = eps0 - 1 - 2 x00 eps0 - delta0 w00 + x00 delta0 w00 + x01 delta1 w10
    assert ic.fsi_equation(0, I2I, S, 2) == {
        ((10, 1),): 1, (): -1, ((0, 1), (10, 1)): -2, ((4, 1), (8, 1)): -1, ((0, 1), (4, 1), (8, 1)): 1,
        ((1, 1), (6, 1), (9, 1)): 1}
    parse = lambda w: ic.fsi_cofactors(w["cofactors"], 2)
    assert ic.fsi_polynomial(parse(SWAP_FSI), SWAP, 2) == {((8, 1),): 1, ((14, 1),): 1}
    assert ic.fsi_polynomial(parse(N01_FSI), N01, 2) == {((9, 1),): -1}
    # exponents add up: x00^2 eps-bar0^3 e_8 = x00^2 eps-bar0^3 delta0 delta-bar0 - x00^2 eps-bar0^3
    w = fsi(SWAP_FSI, cofactors=[[8, [[0, 2], [14, 3]], "1/2"]])
    assert ic.fsi_polynomial(parse(w), SWAP, 2) == {((0, 2), (8, 1), (12, 1), (14, 3)): Fr(1, 2),
                                                     ((0, 2), (14, 3)): Fr(-1, 2)}
    # terms that cancel leave the zero polynomial: -e_8 + e_10 + eps0 eps-bar0 e_8 - delta0 delta-bar0 e_10
    zero = [[8, [], "-1"], [10, [], "1"], [8, [[10, 1], [14, 1]], "1"], [10, [[8, 1], [12, 1]], "-1"]]
    assert ic.fsi_polynomial(parse(fsi(SWAP_FSI, cofactors=zero)), SWAP, 2) == {}


def test_full_system_ideal_accepted():
    c = cert("not-in-K2", 2, N01, regime="signed", witness=fsi(N01_FSI))
    assert "full-system-ideal monomial" in ok(c)
    ok(dict(c, regime="positive"))                               # a monomial proves both regimes
    c = cert("not-in-K2", 2, SWAP, witness=fsi(SWAP_FSI))
    assert "full-system-ideal positive-coefficients" in ok(c)
    # -N01_FSI gives p = delta1 > 0; the order of the terms does not matter
    neg = fsi(N01_FSI, conclusion="positive-coefficients",
              cofactors=[[k, m, str(-Fr(x))] for k, m, x in reversed(N01_FSI["cofactors"])])
    ok(cert("not-in-K2", 2, N01, witness=neg))
    ok(cert("not-in-K2", 2, N01, witness=fsi(neg, conclusion="monomial")))
    # every cofactor times (2/3) delta-bar1^2 still proves it; times x01^2, p keeps x01
    def times(var, c):
        return fsi(SWAP_FSI, cofactors=[[k, sorted(m + [[var, 2]]), str(Fr(x) * c)] for k, m, x in SWAP_FSI["cofactors"]])
    assert "p has 2 term(s)" in ok(cert("not-in-K2", 2, SWAP, witness=times(13, Fr(2, 3))))
    rejected(cert("not-in-K2", 2, SWAP, witness=times(1, Fr(1))), "x or w")
    # depth 3 with this witness type
    assert "full-system-ideal" in ok(cert("depth", 2, N01, regime="signed", depth=3, layers=N01_3, witness=fsi(N01_FSI)))
    c = cert("depth", 2, SWAP, depth=3, layers=SWAP_3, witness=fsi(SWAP_FSI))
    assert "full-system-ideal" in ok(c)
    rejected(dict(c, regime="signed"), "only proves")            # SWAP_3's layers are signed-valid too


def test_full_system_ideal_d3_certificates():
    pos, sgn = FSI_D3_POSITIVE, FSI_D3_SIGNED
    T = lambda c: F(c["matrix"])
    parse = lambda c: ic.fsi_cofactors(c["witness"]["cofactors"], 3)
    assert ic.fsi_polynomial(parse(pos), T(pos), 3) == {((22, 1),): 1, ((26, 1),): 1}
    assert ic.fsi_polynomial(parse(sgn), T(sgn), 3) == {(): 1}
    assert product(pos["layers"], 3) == T(pos) and product(sgn["layers"], 3) == T(sgn)
    assert "depth 3 (full-system-ideal positive-coefficients" in ok(pos)
    assert "depth 3 (full-system-ideal monomial" in ok(sgn)
    for c in (pos, sgn):                                     # the same witnesses as not-in-K2 claims
        assert "full-system-ideal" in ok(dict(c, claim="not-in-K2"))
    ok(dict(sgn, claim="not-in-K2", regime="positive"))
    rejected(dict(pos, claim="not-in-K2", regime="signed"), "only proves")
    rejected(dict(pos, regime="signed"), "only proves")    # its layers have positive diagonals
    w = pos["witness"]
    rejected(dict(pos, witness=cofactors_with(w, 5, [8, [[6, 1], [10, 1], [17, 1], [29, 2]], "2"])))   # coefficient
    rejected(dict(pos, witness=cofactors_with(w, 19, None)))                                            # dropped term
    rejected(dict(pos, witness=cofactors_with(w, 19, [16, [[22, 1]], "-1"])))                         # e_16, not e_17
    rejected(dict(pos, witness=fsi(w, conclusion="monomial")), "2 terms")
    for i in range(len(w["cofactors"])):                   # no term can be left out, but
        if w["cofactors"][i] == [18, [[26, 1]], "-1"]:       # -delta-bar2 (delta0 delta-bar0 - 1):
            dropped = cofactors_with(w, i, None)               # p = eps1 + delta0 delta-bar0 delta-bar2
            assert ic.fsi_polynomial(ic.fsi_cofactors(dropped["cofactors"], 3), T(pos), 3) \
                == {((22, 1),): 1, ((18, 1), (24, 1), (26, 1)): 1}
            ok(dict(pos, witness=dropped))
        else:
            rejected(dict(pos, witness=cofactors_with(w, i, None)))
    w = sgn["witness"]
    rejected(dict(sgn, witness=cofactors_with(w, 4, [23, [], "-2"])), "2 terms")     # p = 2 - eps2 eps-bar2
    rejected(dict(sgn, witness=cofactors_with(w, 0, [1, [[14, 1], [28, 1], [29, 1]], "2"])), "x or w")
    for i in range(len(w["cofactors"])):                   # without -e_23, p = eps2 eps-bar2: still one term
        if w["cofactors"][i] == [23, [], "-1"]:
            assert "p has 1 term" in ok(dict(sgn, witness=cofactors_with(w, i, None)))
        else:
            rejected(dict(sgn, witness=cofactors_with(w, i, None)))
    t = copy.deepcopy(sgn); t["witness"]["cofactors"][0][1] = [[28, 1], [14, 1], [29, 1]]
    rejected(t, "strictly increasing")
    t = copy.deepcopy(sgn); t["witness"]["cofactors"][0][0] = 2 * 9 + 6
    rejected(t, ".k")


def test_full_system_ideal_tampered():
    c = cert("not-in-K2", 2, N01, regime="signed", witness=fsi(N01_FSI))
    w = N01_FSI
    rejected(dict(c, witness=cofactors_with(w, 1, [7, [[9, 1]], "2"])), "x or w")     # changed coefficient
    rejected(dict(c, witness=cofactors_with(w, 3, None)), "x or w")                   # dropped term
    rejected(dict(c, witness=cofactors_with(w, 2, [8, [[1, 1]], "-1"])), "x or w")    # wrong equation (e_8, not e_9)
    rejected(dict(c, witness=cofactors_with(w, 0, [1, [[14, 1]], "1"])), "x or w")    # wrong monomial
    rejected(dict(c, matrix=s(SWAP)))                            # another matrix
    t = copy.deepcopy(c); t["matrix"][2][1] = "2"                # T changes, p no longer free of x, w
    rejected(t)
    rejected(dict(c, witness=fsi(w, conclusion="positive-coefficients")), "only proves")
    rejected(dict(c, regime="positive", witness=fsi(w, conclusion="positive-coefficients")), "negative")
    c2 = cert("not-in-K2", 2, SWAP, witness=fsi(SWAP_FSI))
    rejected(dict(c2, regime="signed"), "only proves")           # SWAP is in K_2(signed)
    rejected(dict(c2, witness=fsi(SWAP_FSI, conclusion="monomial")), "2 terms")
    zero = [[8, [], "-1"], [10, [], "1"], [8, [[10, 1], [14, 1]], "1"], [10, [[8, 1], [12, 1]], "-1"]]
    rejected(dict(c2, witness=fsi(SWAP_FSI, cofactors=zero)), "zero polynomial")
    rejected(dict(c2, matrix=s(F([[0] * 4] * 4))), "singular")
    # x00 e_8 alone: p = x00 delta0 delta-bar0 - x00 keeps an x variable
    rejected(dict(c2, witness=fsi(SWAP_FSI, cofactors=[[8, [[0, 1]], "1"]])), "x or w")


def test_full_system_ideal_strict_parsing():
    c = cert("not-in-K2", 2, N01, regime="signed", witness=fsi(N01_FSI))
    w = N01_FSI
    bad_terms = {
        "strictly increasing": [[1, [[15, 1], [1, 1]], "1"],            # unsorted pairs
                                [1, [[1, 1], [1, 1]], "1"]],            # a variable twice
        "exponent": [[1, [[15, 0]], "1"], [1, [[15, 65]], "1"], [1, [[15, True]], "1"], [1, [[15, 1.0]], "1"],
                     [1, [[15, "1"]], "1"]],
        "total degree": [[1, [[1, 32], [15, 33]], "1"], [1, [[v, 1] for v in range(16)] * 5, "1"]],
        "variable": [[1, [[16, 1]], "1"], [1, [[-1, 1]], "1"], [1, [[False, 1]], "1"], [1, [[2 ** 70, 1]], "1"]],
        ".k": [[12, [[15, 1]], "1"], [-1, [[15, 1]], "1"], [True, [[15, 1]], "1"], [1.0, [[15, 1]], "1"],
               ["1", [[15, 1]], "1"], [10 ** 30, [[15, 1]], "1"]],
        "coefficient": [[1, [[15, 1]], "0"], [1, [[15, 1]], "2/2"], [1, [[15, 1]], 1], [1, [[15, 1]], "1/1"]],
        "[variable, exponent] pairs": [[1, [[15]], "1"], [1, [[15, 1, 1]], "1"], [1, [15, 1], "1"], [1, {"15": 1}, "1"],
                                       [1, "x", "1"]],
        "[k, monomial, coefficient]": [[1, [[15, 1]]], [1, [[15, 1]], "1", "1"], {"k": 1}],
    }
    for fragment, terms in bad_terms.items():
        for term in terms:
            rejected(dict(c, witness=cofactors_with(w, 0, term)), fragment)
    rejected(dict(c, witness=fsi(w, cofactors=w["cofactors"] + [[1, [[15, 1]], "2"]])), "repeats")
    rejected(dict(c, witness=fsi(w, cofactors=[])), "1 to 65536")
    rejected(dict(c, witness=fsi(w, cofactors={"0": w["cofactors"]})), "1 to 65536")
    rejected(dict(c, witness=fsi(w, conclusion="Monomial")), "conclusion")
    rejected(dict(c, witness=fsi(w, conclusion=None)), "conclusion")
    rejected(dict(c, witness={"type": "full-system-ideal", "cofactors": w["cofactors"]}), "conclusion")
    rejected(dict(c, witness={"type": "full-system-ideal", "conclusion": "monomial"}), "cofactors")


def test_full_system_ideal_budget():
    # d = 65: refused before anything else is read (cofactors are garbage) or T inverted
    big = identity(130)
    assert "d <= 64" in rejected(cert("not-in-K2", 65, big, witness={"type": "full-system-ideal", "cofactors": "?"}))
    rejected(cert("depth", 65, big, depth=3, layers=[], witness={"type": "full-system-ideal"}), "d <= 64")
    # 65536 terms is the limit on the count (d = 2: 16 (d + 2)^2 products each, within 2^22)
    zero = F([[0] * 4] * 4)                                      # singular: the checks stop at T^-1
    many = [[k, [[v, a], [15, b]], "1"] for k in range(12) for v in range(15)
            for a in range(1, 33) for b in range(1, 33)][:65536]
    c = cert("not-in-K2", 2, zero, regime="signed", witness=fsi(N01_FSI, cofactors=many))
    assert "budget" not in rejected(c, "singular")
    rejected(dict(c, witness=fsi(N01_FSI, cofactors=many + [[11, [[0, 1], [1, 1]], "1"]])), "1 to 65536")
    # d = 7: (d + 2)^2 = 81, and 2^22 / 81 = 51781.5: 51782 terms are over the budget,
    # which is checked before T is inverted (T = 0 here)
    z7 = F([[0] * 14] * 14)
    terms7 = [[k, [[v, e]], "1"] for k in range(112) for v in range(126) for e in range(1, 5)]
    assert 81 * 51781 <= 1 << 22 < 81 * 51782
    c = cert("not-in-K2", 7, z7, regime="signed", witness=fsi(N01_FSI, cofactors=terms7[:51781]))
    assert "budget" not in rejected(c, "singular")
    rejected(dict(c, witness=fsi(N01_FSI, cofactors=terms7[:51782])), "work budget")


# ----------------------------------------------------------------- depth

def test_depth_1_and_2():
    c = cert("depth", 1, product(D1, 1), depth=1, layers=D1)
    assert ok(c).startswith("depth 1")
    rejected(dict(c, depth=2), "exactly 2")
    # d = 1: L(0,1)U(1,1)L(-2,1)U(1,0) = [[-1,1],[-2,1]]: T11 < 0, so not in K_1(positive)
    two = [{"A": [["0"]], "B": ["1"], "C": ["1"], "D": [["1"]]},
           {"A": [["-2"]], "B": ["1"], "C": ["1"], "D": [["0"]]}]
    assert product(two, 1) == F([[-1, 1], [-2, 1]])
    c = cert("depth", 1, product(two, 1), depth=2, layers=two)
    assert ok(c).startswith("depth 2")
    rejected(dict(c, regime="signed"), "in K_1")                 # T11 = -1, S = -1: in K_1(signed)
    c = cert("depth", 2, SWAP, regime="signed", depth=2, layers=SWAP_2)
    assert ok(c).startswith("depth 2")
    rejected(dict(c, regime="positive"), "regime")
    # a depth-2 product that is really in K_1 (second pair = identity pair)
    pad = D2[:1] + [{"A": [["0", "0"], ["0", "0"]], "B": ["1", "1"], "C": ["1", "1"], "D": [["0", "0"], ["0", "0"]]}]
    rejected(cert("depth", 2, product(pad, 2), depth=2, layers=pad), "in K_1")
    rejected(dict(c, arithmetic="binary64"), "exact")
    rejected(dict(c, depth=4))


def test_depth_3():
    c = cert("depth", 2, I2I, depth=3, layers=I2I_3, witness=dict(PM))
    assert "principal-minors" in ok(c)
    rejected(dict(c, witness=dict(PM, sign="-")))
    rejected(dict(c, layers=I2I_3[:2]), "exactly 3")
    t = copy.deepcopy(c); t["layers"][2]["A"][0][0] = "3"
    rejected(t, "differs")
    rejected(dict(c, witness=None))
    c = cert("depth", 2, SWAP, depth=3, layers=SWAP_3, witness=dict(SWAP_POS))
    assert "t11-zero-positive" in ok(c)
    c = cert("depth", 2, N01, regime="signed", depth=3, layers=N01_3, witness=dict(N01_SIGNED))
    assert "t11-zero-signed" in ok(c)
    rejected(dict(c, regime="positive"), "regime")               # N01_3 has negative B, C


def test_integer_fields_are_json_integers_and_extra_fields_are_ignored():
    c = cert("not-in-K2", 2, I2I, witness=dict(PM), timing={"s": 1.5}, seed="7", note=None)
    ok(c)
    for key in ("version", "d"):
        for bad in ("1", "2", 1.0, 2.0, True, None, [2], {"d": 2}):
            rejected(dict(c, **{key: bad}), key)
    for bad in ("1", 1.0, True):
        rejected(dict(c, witness=dict(PM, j=bad)), "witness.j")
    n = cert("not-in-K2", 2, N01, regime="signed", witness=dict(N01_SIGNED))
    for bad in ("0", 0.0, False):
        rejected(dict(n, witness=dict(N01_SIGNED, k=bad)), "witness.k")
    d3 = cert("depth", 2, I2I, depth=3, layers=I2I_3, witness=dict(PM))
    for bad in ("3", 3.0, True):
        rejected(dict(d3, depth=bad), "depth")


def test_d_range():
    rejected(dict(cert("not-in-K2", 2, I2I, witness=dict(PM)), d=8193), "8192")
    # d = 8192 passes the range check and fails on the matrix's shape instead
    assert "matrix" in rejected(dict(cert("not-in-K2", 2, I2I, witness=dict(PM)), d=8192))


def identity(n):
    return [[Fr(int(i == j)) for j in range(n)] for i in range(n)]


def test_minor_budget():
    assert [ic.minor_count(91, 2), ic.minor_count(92, 2), ic.minor_count(30, 3), ic.minor_count(31, 3)] \
        == [4095, ic.MINOR_BUDGET + 1, 4060, ic.MINOR_BUDGET + 1]
    # C(d, j) = 4096 = 2^12 only for j = 1 or d - 1 (Sylvester: C(d, j) with
    # 2 <= j <= d - 2 has an odd prime factor): the exact boundary is d = 4096.
    assert [ic.minor_count(4096, 1), ic.minor_count(4096, 4095), ic.minor_count(4097, 1),
            ic.minor_count(4097, 4096), ic.minor_count(8192, 4096)] == [4096, 4096, 4097, 4097, 4097]

    def identity_cert(d, j, claim="not-in-K2", **extra):
        return cert(claim, d, identity(2 * d), witness=dict(PM, j=j), **extra)
    # T = I: within budget the minors are computed (and prove nothing) ...
    assert "budget" not in rejected(identity_cert(30, 3), "principal minor")
    # ... one past it, the witness is rejected before any minor
    for d, j in ((31, 3), (31, 28)):
        rejected(identity_cert(d, j), "work budget of 4096")
        mono = cert("not-in-K2", d, identity(2 * d), witness={"type": "principal-minors-monomial", "j": j, "zero": "V"})
        rejected(mono, "work budget of 4096")
    # in a depth certificate the budget is checked before the (wrong) layers
    rejected(identity_cert(31, 3, claim="depth", depth=3, layers=I2I_3), "work budget")
    # above d = 64 a witness that needs V is refused before T is inverted
    assert "budget" not in rejected(identity_cert(64, 1), "principal minor")
    for d, j in ((65, 1), (92, 2)):
        rejected(identity_cert(d, j), "d <= 64")


def test_binary64_entry_limits():
    one = [{"A": [["0"]], "B": ["1"], "C": ["1"], "D": [["0"]]}]
    c = cert("factorization", 1, identity(2), arithmetic="binary64", layers=one,
             residual={"norm": "frobenius", "bound": "0"})
    ok(c)
    P1074 = str(Fr(1, 2 ** 1074))
    MAXD = str(2 ** 1024 - 2 ** 971)

    def entry(x, value=0):
        t = copy.deepcopy(c); t["layers"][0]["A"][0][0] = x
        t["matrix"][1][0] = str(value)      # T = L(A, 1) U(1, 0): T[1][0] = A
        return t
    for good in ("0x1" + "0" * 39 + "p-156",      # 40 mantissa digits: the value 1
                 "0x1.000000000000000000000000000000000000000p+0",
                 "0x1p-01074", "-0x1.fffffffffffffp+1023", "0X1.8P+1", "0x1.p+0",
                 "0x0p+99999", "-0x0p-99999", P1074, "-" + P1074, MAXD):
        ok(entry(good, Fr(float.fromhex(good)) if "x" in good.lower() else good))
    assert len("-9007199254740991/" + str(2 ** 1074)) == ic.MAX_BINARY64_RATIONAL
    for bad, why in (("0x1" + "0" * 40 + "p-160", "at most 40"),   # 41 digits, though the value is 1
                     ("0x1p+000001", "5-digit"), ("0x1p+99999999999", "5-digit"),
                     ("0x1p+99999", "binary64"), ("0x1p-1075", "binary64"), ("0x1p+1024", "binary64"),
                     ("0x1.00000000000001p+0", "binary64"), ("0x3p-1075", "binary64"),
                     (str(Fr(1, 2 ** 1075)), "binary64"), (str(2 ** 1024), "binary64"), ("1/3", "binary64"),
                     ("9" * 100000, "binary64"), ("0x" + "1" * 100000 + "p+0", "at most 40"),
                     ("0x.8p+1", "hex float"), ("0x1", "hex float"), ("1p+0", "not a rational"),
                     ("0x1p+0 ", "hex float"), ("+0x1p+0", "hex float"), ("0x1.8e+1", "hex float")):
        rejected(entry(bad), why)


# ------------------------------------------- depth 2 by krawczyk-full-system

def inverse(M):
    """Exact Gauss-Jordan inverse of a nonsingular Fraction matrix."""
    n = len(M)
    A = [list(r) + [Fr(int(i == j)) for j in range(n)] for i, r in enumerate(M)]
    for c in range(n):
        p = next(r for r in range(c, n) if A[r][c])
        A[c], A[p] = A[p], A[c]
        A[c] = [v / A[c][c] for v in A[c]]
        for r in range(n):
            if r != c:
                A[r] = [u - A[r][c] * v for u, v in zip(A[r], A[c])]
    return [r[n:] for r in A]


def pivot_columns(M):
    """Exact column-pivoted elimination: for every row in turn, the column of
    the largest remaining entry. Returns the pivot columns, or None if M
    (more columns than rows) does not have full row rank."""
    A, cols = [list(row) for row in M], []
    for r in range(len(A)):
        c = max(range(len(A[r])), key=lambda k: abs(A[r][k]))
        if not A[r][c]:
            return None
        cols.append(c)
        for i in range(r + 1, len(A)):
            f = A[i][c] / A[r][c]
            A[i] = [u - f * v for u, v in zip(A[i], A[r])]
    return cols


def full_system_M(T, x, d):
    """M1 = T22 - X T12 - T21 U + X T11 U and M2 = S11 + U S21 + S12 X + U S22 X
    (S = T^-1) of format section 7.2, straight from their definitions, as the
    list of 2d^2 entries M1[i][j] at i d + j, M2[i][j] at d^2 + i d + j."""
    n = d * d
    X = [x[i * d:(i + 1) * d] for i in range(d)]
    U = [x[n + i * d:n + (i + 1) * d] for i in range(d)]
    S = inverse(T)
    corners = ((0, 0), (0, d), (d, 0), (d, d))
    T11, T12, T21, T22 = ([r[c:c + d] for r in T[r0:r0 + d]] for r0, c in corners)
    S11, S12, S21, S22 = ([r[c:c + d] for r in S[r0:r0 + d]] for r0, c in corners)
    XT12, T21U, XT11U = mul(X, T12), mul(T21, U), mul(mul(X, T11), U)
    US21, S12X, US22X = mul(U, S21), mul(S12, X), mul(mul(U, S22), X)
    M1 = [T22[i][j] - XT12[i][j] - T21U[i][j] + XT11U[i][j] for i in range(d) for j in range(d)]
    M2 = [S11[i][j] + US21[i][j] + S12X[i][j] + US22X[i][j] for i in range(d) for j in range(d)]
    return M1 + M2


def full_system_J(T, x, d):
    """Every entry of M1, M2 is affine in each single coordinate of x (the only
    products are X[i][k] U[l][j]), so central differences with step 1 give the
    Jacobian exactly: rows = the 2d^2 entries, columns = the 2d^2 coordinates."""
    n = len(x)
    cols = []
    for b in range(n):
        hi = full_system_M(T, [v + (k == b) for k, v in enumerate(x)], d)
        lo = full_system_M(T, [v - (k == b) for k, v in enumerate(x)], d)
        cols.append([(u - v) / 2 for u, v in zip(hi, lo)])
    return [list(r) for r in zip(*cols)]


def off_diagonal(d):
    """The equations of format section 7.2: off-diagonal entries, in increasing index."""
    return [e for e in range(2 * d * d) if (e % (d * d)) // d != e % d]


def layer(A, B, C, D):
    return {"A": A, "B": B, "C": C, "D": D}


def full_system_fixture(layers, regime, radius=Fr(1, 2 ** 20)):
    """T = L(A1,B1) U(C1,D1) L(A2,B2) U(C2,D2) and a krawczyk-full-system
    certificate centred at the exact solution X = A1, U = diag(1/C2) D2, where
    M1 = diag(B1 B2) (= 1/eps) and M2 = diag(1/(C1 C2)) (= delta). The gauge
    fixes the 2d coordinates that column-pivoted elimination of the
    off-diagonal Jacobian leaves over; R = J_F^-1 on the free coordinates,
    rounded to multiples of 2^-40."""
    d = len(layers[0]["B"])
    n, m = 2 * d * d, 2 * d * d - 2 * d
    T = product(layers, d)
    A1 = [[Fr(v) for v in r] for r in layers[0]["A"]]
    D2 = [[Fr(v) for v in r] for r in layers[1]["D"]]
    B1, C1, B2, C2 = ([Fr(v) for v in lay[k]] for lay in layers for k in "BC")
    x = [v for r in A1 for v in r] + [D2[i][j] / C2[i] for i in range(d) for j in range(d)]
    assert all(v.denominator & (v.denominator - 1) == 0 for v in x)          # dyadic
    M = full_system_M(T, x, d)
    assert [M[e] for e in off_diagonal(d)] == [0] * m                         # an exact solution
    assert [M[i * d + i] for i in range(d)] == [B1[i] * B2[i] for i in range(d)]               # 1/eps
    assert [M[d * d + i * d + i] for i in range(d)] == [1 / (C1[i] * C2[i]) for i in range(d)]  # delta
    J = full_system_J(T, x, d)
    JF = [J[e] for e in off_diagonal(d)]
    pivots = pivot_columns(JF)
    assert pivots is not None, "degenerate solution: no gauge makes the square Jacobian nonsingular"
    free = sorted(pivots)
    fixed = [k for k in range(n) if k not in free]
    Rx = inverse([[row[k] for k in free] for row in JF])                      # nonsingular square part
    R = [[Fr(round(v * 2 ** 40), 2 ** 40) for v in r] for r in Rx]
    mem = {"type": "krawczyk-full-system", "fixed": fixed, "center": [str(v) for v in x],
           "radius": str(radius), "preconditioner": s(R)}
    return cert("depth", d, T, regime, depth=2, membership=mem)


NEG_I3 = [["-1", "0", "0"], ["0", "-1", "0"], ["0", "0", "-1"]]
# C1 = (1,1,1), D1 = -I and A2 upper triangular with A2[0][0] = 1: the first
# column of T11 = (diag(C1) + D1 A2) diag(C2) = (I - A2) diag(C2) is zero.
FS_LAYERS = [layer([["1", "0", "2"], ["-1", "1", "0"], ["2", "1", "-1"]], ["2", "1", "1/2"], ["1", "1", "1"], NEG_I3),
             layer([["1", "2", "-1"], ["0", "1/2", "1"], ["0", "0", "-1"]], ["1", "2", "1"], ["2", "1", "4"],
                   [["1", "-1", "0"], ["2", "1", "-2"], ["0", "1", "1"]])]
# B2[1] < 0 and C2[1] < 0: 1/eps_1 = -2 and delta_1 = -1, a factorization only in regime signed.
FS_LAYERS_NEG = [FS_LAYERS[0], dict(FS_LAYERS[1], B=["1", "-2", "1"], C=["2", "-1", "4"])]
FS_POSITIVE = full_system_fixture(FS_LAYERS, "positive")
FS_SIGNED = full_system_fixture(FS_LAYERS, "signed")          # the same T and box, regime signed
FS_SIGNED_NEG = full_system_fixture(FS_LAYERS_NEG, "signed")
FS_ALL = (FS_POSITIVE, FS_SIGNED, FS_SIGNED_NEG)


def membership_with(c, **changes):
    t = copy.deepcopy(c)
    t["membership"].update(changes)
    return t


def center_moved(c, k, by=Fr(1, 4)):
    x = list(c["membership"]["center"])
    x[k] = str(Fr(x[k]) + by)
    return membership_with(c, center=x)


def test_full_system_fixtures():
    for layers in (FS_LAYERS, FS_LAYERS_NEG):
        T = product(layers, 3)
        T11 = [r[:3] for r in T[:3]]
        assert all(r[0] == 0 for r in T11)                     # T11 singular ...
        assert inverse(T)                                      # ... T is not
    assert FS_POSITIVE["matrix"] == FS_SIGNED["matrix"] != FS_SIGNED_NEG["matrix"]
    for c in FS_ALL:
        mem = c["membership"]
        assert len(mem["fixed"]) == 6 and len(mem["center"]) == 18
        assert len(mem["preconditioner"]) == 12 and {len(r) for r in mem["preconditioner"]} == {12}


def test_full_system_equations_match_definition():
    """The checker's M1, M2 entries, Jacobian rows and remainder bounds
    (format section 7.2 formulas) against M1, M2 from their definitions and
    exact central differences, at the solution and off it."""
    d, n = 3, 18
    for c in (FS_POSITIVE, FS_SIGNED_NEG):
        T = [[Fr(v) for v in r] for r in c["matrix"]]
        x = [Fr(v) for v in c["membership"]["center"]]
        S = inverse(T)
        off = [Fr(k % 5 - 2, 2 ** (k % 3)) for k in range(n)]
        assert any(full_system_M(T, [u + v for u, v in zip(x, off)], d)[e] for e in off_diagonal(d))
        for h in ([0] * n, off, [0] * 17 + [Fr(-3, 8)]):
            y = [u + v for u, v in zip(x, h)]
            values, rows, s_e = ic.full_system(T, y, d)
            assert values == full_system_M(T, y, d)
            assert [[row.get(b, 0) for b in range(n)] for row in rows] == full_system_J(T, y, d)
            assert s_e == [sum(abs(T[i][j]) for i in range(d) for j in range(d))] * 9 \
                + [sum(abs(S[i][j]) for i in range(d, 2 * d) for j in range(d, 2 * d))] * 9


def test_full_system_membership_accepted():
    for c in FS_ALL:
        assert "K_2 by krawczyk-full-system" in ok(c)
    assert ok(dict(FS_POSITIVE, regime="signed")).endswith("regime signed, d=3")
    # the exact solution has 1/eps_1 = -2 and delta_1 = -1: not admissible in regime positive
    rejected(dict(FS_SIGNED_NEG, regime="positive"), "M1[1][1] (1/eps) not admissible on the whole box")
    # a larger radius still works (a far larger one does not: test_full_system_membership_tampered)
    ok(membership_with(FS_POSITIVE, radius=str(Fr(1, 2 ** 12))))


def test_full_system_membership_tampered():
    c = FS_POSITIVE
    fixed = c["membership"]["fixed"]
    free = [k for k in range(18) if k not in fixed]
    assert fixed == [0, 1, 2, 4, 8, 13]
    for valid in (FS_POSITIVE, FS_SIGNED_NEG):
        assert valid["membership"]["fixed"] == fixed
        for k in (free[0], free[5], free[-1], fixed[1], fixed[3], fixed[-1]):
            for by in (Fr(1, 4), Fr(-1, 4)):
                rejected(center_moved(valid, k, by), "membership: ")
            rejected(center_moved(valid, k), "Krawczyk inclusion fails")
    # Not every fixed coordinate can be tampered with: here X[0][0] (the first
    # column of T11 is zero) moves along a line of exact solutions, so the
    # moved box is again a valid certificate (and the checker says so).
    t = center_moved(c, 0)
    y = [Fr(v) for v in t["membership"]["center"]]
    assert [full_system_M([[Fr(v) for v in r] for r in t["matrix"]], y, 3)[e] for e in off_diagonal(3)] == [0] * 12
    assert "K_2 by krawczyk-full-system" in ok(t)
    # too large: a diagonal may vanish in the box (check 3), or the inclusion fails (check 4)
    for radius in ("1", "1/2"):
        rejected(membership_with(c, radius=radius), "M1[0][0] (1/eps) not admissible on the whole box")
    rejected(membership_with(c, radius="1/64"), "Krawczyk inclusion fails")
    for radius in ("0", "-1/1048576", "-1"):
        rejected(membership_with(c, radius=radius), "radius must be > 0")
    R = copy.deepcopy(c["membership"]["preconditioner"])
    R[0] = ["0"] * 12
    rejected(membership_with(c, preconditioner=R), "Krawczyk inclusion fails for free coordinate 0")
    rejected(membership_with(c, preconditioner=s(identity(12))), "Krawczyk inclusion fails")
    # a gauge that leaves the box's fixed coordinates elsewhere: the preconditioner no longer fits
    other = [k for k in range(18) if k not in fixed][:6]
    rejected(membership_with(c, fixed=other), "Krawczyk inclusion fails")


def test_full_system_membership_number_forms_and_shapes():
    c = FS_POSITIVE
    mem = c["membership"]
    # dyadic, at most 256 bits, canonical
    for bad in ("1/3", str(Fr(1, 2 ** 256)), "2/4", 0.5, "1.5"):
        rejected(membership_with(c, radius=bad), "membership.radius")
    assert "dyadic" in rejected(membership_with(c, radius="1/3"))
    for bad in ("1/3", "1/6", str(2 ** 256), "1.5", "2/4", 1):
        v = list(mem["center"]); v[1] = bad
        rejected(membership_with(c, center=v), "membership.center[1]")
        R = copy.deepcopy(mem["preconditioner"]); R[2][5] = bad
        rejected(membership_with(c, preconditioner=R), "membership.preconditioner[2][5]")
    R = mem["preconditioner"]
    for bad in (R[:11], R + R[:1], [r[:11] for r in R], [r + ["0"] for r in R], [], "0", None,
                s(identity(18)), s(identity(15))):
        rejected(membership_with(c, preconditioner=bad), "membership.preconditioner")
    for bad in (mem["center"][:17], mem["center"] + ["0"], None, {}):
        rejected(membership_with(c, center=bad), "membership.center: expected a list of 18")
    # the gauge: 2d = 6 JSON integers, strictly increasing, in 0..17
    f = mem["fixed"]
    for bad in (f[:5], f + [17], [], None, "0", [float(k) for k in f], [str(k) for k in f],
                [True] + f[1:], [0, 1, 2, 3, 4, 5.0]):
        rejected(membership_with(c, fixed=bad), "membership.fixed: expected a list of 6 JSON integers")
    for bad in (f[::-1], [f[0], f[0]] + f[2:], [f[1], f[0]] + f[2:], f[:5] + [18], [-1] + f[1:],
                [0, 1, 2, 3, 4, 100]):
        rejected(membership_with(c, fixed=bad), "membership.fixed: must be distinct, increasing, in 0..17")
    for key in ("fixed", "center", "radius", "preconditioner"):
        t = copy.deepcopy(c); del t["membership"][key]
        rejected(t, f"missing field {key!r}")
    for bad in ("krawczyk", "Krawczyk-full-system", "krawczyk-full-system ", None, 7):
        assert "'krawczyk-intertwiner' or 'krawczyk-full-system'" in rejected(membership_with(c, type=bad), "membership.type")
    rejected(membership_with(c, type="krawczyk-intertwiner"), "membership.center: expected a list of 15")
    # the old design's "scalings" is no field of section 7.2: ignored like any extra field
    assert "K_2 by krawczyk-full-system" in ok(membership_with(c, scalings=["1/3"] * 6))
    rejected(dict(c, layers=FS_LAYERS), "not both")
    rejected(dict(c, arithmetic="binary64"), "exact")


def test_full_system_membership_budget_and_singular_T():
    def zero_cert(d, **mem):     # T = 0: not in K_1 (T11 = 0), and singular
        return cert("depth", d, [[Fr(0)] * (2 * d)] * (2 * d), depth=2, membership=mem)
    # d = 13 is refused before the (absent) arrays are read; d = 12 reads them
    assert ic.FULL_SYSTEM_MAX_D == 12
    rejected(zero_cert(13, type="krawczyk-full-system"), "work budget of krawczyk-full-system (d <= 12)")
    assert "budget" not in rejected(zero_cert(12, type="krawczyk-full-system"), "'fixed'")
    assert "budget" not in rejected(zero_cert(13, type="krawczyk-intertwiner"), "'fixed'")   # its budget is 16
    # det T = 0, with well-formed arrays (d = 2: n = 8, m = 4)
    c = zero_cert(2, type="krawczyk-full-system", fixed=[0, 1, 2, 3], center=["0"] * 8, radius="1/2",
                  preconditioner=s(identity(4)))
    rejected(c, "matrix is singular")
    # det T = 0 with T11 singular but T != 0: the first column of FS_POSITIVE's T set to zero
    t = copy.deepcopy(FS_POSITIVE)
    for r in t["matrix"]:
        r[0] = "0"
    rejected(t, "matrix is singular")


def test_full_system_membership_needs_T_not_in_K1():
    # second pair the identity: T = L(A1,B1) U(C1,D1) is in K_1
    k1 = [FS_LAYERS[0], layer([["0"] * 3] * 3, ["1"] * 3, ["1"] * 3, [["0"] * 3] * 3)]
    T = product(k1, 3)
    c = dict(FS_POSITIVE, matrix=s(T))
    rejected(c, "T is in K_1")
    rejected(dict(c, regime="signed"), "T is in K_1")
    # in K_1(signed) only (a negative B): the positive certificate fails later, the signed one at once
    k1s = [dict(FS_LAYERS[0], B=["2", "-1", "1/2"]), k1[1]]
    c = dict(FS_POSITIVE, matrix=s(product(k1s, 3)))
    assert "K_1" not in rejected(c)
    rejected(dict(c, regime="signed"), "T is in K_1")


# ------------------------------------------------------------ strict JSON

def check_text(tmp_path, text, name="c.json"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return ic.check_file(str(path))


GOOD = json.dumps(cert("not-in-K2", 2, I2I, witness=dict(PM)))


def with_extra(value_text):
    """GOOD with an ignored extra field whose JSON text is `value_text`."""
    return GOOD[:-1] + ', "extra": ' + value_text + "}"


def test_strict_json_accepts(tmp_path):
    assert check_text(tmp_path, GOOD)[0]
    for extra in (r'"caf\u00e9 \ud83d\ude00 \"[{"', "1.5e300", "-0", "1" * 100, "[" * 31 + "]" * 31,  # depth 32
                  '{"a": {"b": [null, true, false]}}'):
        assert check_text(tmp_path, with_extra(extra)) == check_text(tmp_path, GOOD), extra
    assert check_text(tmp_path, " \t\r\n" + GOOD + "\n")[0]


def test_strict_json_rejects(tmp_path):
    bad = {
        "trailing comma in object": GOOD[:-1] + ",}",
        "trailing comma in array": GOOD.replace('"+"}', '"+",}').replace('"1", "0"]', '"1", "0",]'),
        "comment": "// c\n" + GOOD,
        "block comment": GOOD[:-1] + "/* c */}",
        "NaN": with_extra("NaN"),
        "Infinity": with_extra("Infinity"),
        "-Infinity": with_extra("-Infinity"),
        "nested duplicate": with_extra('{"a": 1, "a": 1}'),
        "top-level duplicate": GOOD[:-1] + ', "d": 2}',
        "33 levels": with_extra("[" * 32 + "]" * 32),        # the certificate object is level 1
        "10^5 brackets": with_extra("[" * 100000 + "]" * 100000),
        "unclosed brackets": with_extra("[" * 100000),
        "lone surrogate": with_extra(r'"\ud800"'),
        "lone low surrogate key": GOOD[:-1] + r', "\udc00": 1}',
        "invalid UTF-8": GOOD[:-1].encode() + b', "x": "\xff"}',
        "BOM": b"\xef\xbb\xbf" + GOOD.encode(),
        "single quotes": GOOD.replace('"+"', "'+'"),
        "leading zero": with_extra("01"),
        "plus sign": with_extra("+1"),
        "hex number": with_extra("0x10"),
        "control character": with_extra('"a\tb"'),                    # a raw tab
        "two values": GOOD + GOOD,
        "top-level array": "[" + GOOD + "]",
        "top-level string": '"flowproof-certificate"',
        "empty": "",
    }
    for what, text in bad.items():
        accepted, reason = check_text(tmp_path, text)
        assert not accepted, what
    assert "deeper than 32" in check_text(tmp_path, bad["10^5 brackets"])[1]
    assert "duplicate" in check_text(tmp_path, bad["nested duplicate"])[1]
    assert "NaN" in check_text(tmp_path, bad["NaN"])[1]


def test_long_integers_are_not_converted(tmp_path):
    huge = "9" * 100000
    assert check_text(tmp_path, with_extra(huge))[0]                   # ignored extra field
    accepted, reason = check_text(tmp_path, GOOD.replace('"d": 2', '"d": ' + huge))
    assert not accepted and "out of range" in reason and len(reason) < 200


def test_file_over_1_gib_is_rejected_unread(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as f:                                          # sparse: no disk used
        f.write(GOOD.encode())
        f.truncate(ic.MAX_FILE_BYTES + 1)
    assert ic.check_file(str(path)) == (False, f"file larger than {ic.MAX_FILE_BYTES} bytes")


# ------------------------------------------------------------------- CLI

def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)


def test_cli(tmp_path):
    good = cert("not-in-K2", 2, I2I, witness=dict(PM))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.json").write_text(json.dumps(good))
    (tmp_path / "notes.txt").write_text("not a certificate")
    r = run(str(tmp_path))
    assert r.returncode == 0 and r.stdout.startswith("OK  ") and r.stdout.count("\n") == 1, r.stdout
    (tmp_path / "bad.json").write_text(json.dumps(dict(good, witness=dict(PM, sign="-"))))
    (tmp_path / "broken.json").write_text("{ not json")
    (tmp_path / "dup.json").write_text('{"d": 2, "d": 2}')
    r = run(str(tmp_path), str(tmp_path / "sub" / "good.json"))
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert len(lines) == 5
    assert sum(l.startswith("FAIL ") for l in lines) == 3
    assert "duplicate" in r.stdout and "cannot read JSON" in r.stdout
    assert run().returncode == 2


def perm(p):
    return [[1 if p[i] == j else 0 for j in range(len(p))] for i in range(len(p))]


def test_monomial_cycles():
    w = {"type": "monomial-cycles"}
    three = perm([0, 1, 2, 3, 4, 5, 6, 8, 9, 7])   # diag(I, P), P = two fixed points and a 3-cycle
    for regime in ("positive", "signed"):
        assert "monomial-cycles" in ok(cert("not-in-K2", 5, three, regime, witness=w))
    two = perm([0, 1, 2, 3, 5, 4, 7, 6])            # (x-1)^4 against (x^2-1)^2: signs decide
    ok(cert("not-in-K2", 4, two, "positive", witness=w))
    rejected(cert("not-in-K2", 4, two, "signed", witness=w), "equal characteristic")
    rejected(cert("not-in-K2", 3, identity(6), "positive", witness=w), "equal characteristic")
    rejected(cert("not-in-K2", 2, perm([2, 3, 0, 1]), "signed", witness=w), "equal characteristic")   # T11 = V = 0
    rejected(cert("not-in-K2", 2, [[1, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], witness=w),
             "2 nonzero entries in row 0")
    rejected(cert("not-in-K2", 2, [[1, 0, 0, 0], [1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]], witness=w),
             "two nonzero entries in one column")
    # Paths: A + J at d = 5 (J the swap, A with a 3-cycle), x (x-d0)(x-d1)(x^2-d2 d3) against
    # x (x-1/g)(x^3-a); and one path point against two (T11 = diag(0, 1), V = [0 0; 1 0]).
    for p in ([0, 1, 3, 2, 5, 4, 6, 8, 9, 7], [0, 2, 3, 1, 5, 4, 6, 7, 9, 8]):
        assert "1 and 1 path points" in ok(cert("not-in-K2", 5, perm(p), "signed", witness=w))
    assert "1 and 2 path points" in ok(cert("not-in-K2", 2, perm([2, 1, 3, 0]), "signed", witness=w))
    rejected(cert("not-in-K2", 3, perm([3, 4, 2, 0, 1, 5]), "signed", witness=w), "equal characteristic")
    wide = perm(list(range(17)) + [18, 19, 17] + list(range(20, 34)))
    rejected(cert("not-in-K2", 17, wide, "signed", witness=w), "work budget")
    ok(cert("not-in-K2", 17, wide, "positive", witness=w))
