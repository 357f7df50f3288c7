"""Self-test of the independent checker's depth-2 membership proofs
(docs/certificate-format.md sections 7.1, 7.2), on the certificates in
proofs/k2-membership/: each is accepted with its own type, and every
tampered field of an intertwiner proof rejected (the full-system type's
tampering tests are in test_independent_check.py).

    python3 -m pytest scripts/test_membership_check.py -q
"""
import copy
import glob
import importlib.util
import json
import os
from fractions import Fraction as Fr

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("independent_check", os.path.join(HERE, "independent-check.py"))
ic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ic)

CERTS = sorted(glob.glob(os.path.join(HERE, "..", "proofs", "k2-membership", "*.json")))


def load(path):
    with open(path) as f:
        return json.load(f)


def rejected(cert, fragment=""):
    with pytest.raises(ic.Bad) as e:
        ic.check_certificate(cert)
    assert fragment in str(e.value)


def test_corpus_exists():
    assert len(CERTS) >= 3


@pytest.mark.parametrize("path", CERTS)
def test_accepted(path):
    cert = load(path)
    assert cert["membership"]["type"] in ic.check_certificate(cert)


def small():
    return load(min((p for p in CERTS if load(p)["membership"]["type"] == "krawczyk-intertwiner"), key=lambda p: load(p)["d"]))


def scaled(s, f):
    return str(Fr(s) * f)


def test_each_field_tampered():
    base = small()
    m = base["membership"]
    cases = []
    c = copy.deepcopy(base); c["membership"]["type"] = "krawczyk"; cases.append((c, "type"))
    c = copy.deepcopy(base); c["membership"]["fixed"][0] = str(m["fixed"][0]); cases.append((c, "JSON integers"))
    c = copy.deepcopy(base); c["membership"]["fixed"] = m["fixed"][::-1]; cases.append((c, "increasing"))
    c = copy.deepcopy(base); c["membership"]["fixed"][1] = m["fixed"][0]; cases.append((c, "distinct"))
    for i in (0, len(m["center"]) - 1):
        c = copy.deepcopy(base); c["membership"]["center"][i] = str(Fr(m["center"][i]) + Fr(1, 2 ** 20)); cases.append((c, ""))
    c = copy.deepcopy(base); c["membership"]["preconditioner"][0] = [scaled(x, -1) for x in m["preconditioner"][0]]; cases.append((c, "Krawczyk"))
    c = copy.deepcopy(base); c["membership"]["pInverse"] = [["0"] * base["d"] for _ in range(base["d"])]; cases.append((c, "nonsingular"))
    c = copy.deepcopy(base); c["matrix"][0][0] = str(Fr(base["matrix"][0][0]) + Fr(1, 1024)); cases.append((c, ""))
    c = copy.deepcopy(base); c["membership"]["radius"] = scaled(m["radius"], Fr(1, 3)); cases.append((c, "dyadic"))
    c = copy.deepcopy(base); c["layers"] = []; cases.append((c, "not both"))
    for c, fragment in cases:
        rejected(c, fragment)


def test_radius_boundaries():
    base = small()
    for factor, fragment in ((Fr(1, 2 ** 40), "Krawczyk"), (Fr(2 ** 60), "")):
        c = copy.deepcopy(base)
        c["membership"]["radius"] = scaled(base["membership"]["radius"], factor)
        rejected(c, fragment)


def test_budget_before_arrays():
    d = 17
    cert = {"format": "flowproof-certificate", "version": 1, "claim": "depth", "regime": "positive", "d": d,
            "matrix": [["1" if i == j else "0" for j in range(2 * d)] for i in range(2 * d)], "depth": 2,
            "membership": {"type": "krawczyk-intertwiner"}}
    cert["matrix"][0][1] = "1"   # not in K_1
    rejected(cert, "work budget")
