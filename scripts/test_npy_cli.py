"""`.npy` matrix input end to end: arrays written by numpy.save give the same
certificate as the exact text form of the same values, and bad files fail
with exit 2 and one line.

    python3 -m pytest -q -p no:cacheprovider scripts/test_npy_cli.py
"""
import json
import os
import sys
from fractions import Fraction

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from test_cli import assert_clean_failure, run  # noqa: E402


def with_positive_det(m):
    """`m` with its first row negated if needed (exact in every dtype)."""
    m = m.copy()
    if np.linalg.det(m.astype(np.float64)) < 0:
        m[0] = -m[0]
    return m


def arrays():
    rng = np.random.default_rng(13)
    gaussian = with_positive_det(rng.standard_normal((4, 4)))
    return {
        "float64": gaussian,
        "float32": with_positive_det(gaussian.astype(np.float32)),
        "int64": with_positive_det(rng.integers(-5, 6, (4, 4), dtype=np.int64) + 7 * np.eye(4, dtype=np.int64)),
        "fortran": np.asfortranarray(gaussian),
    }


def exact_text(m):
    """The values of `m` as exact rationals, one row per line."""
    return "".join(" ".join(str(Fraction(x.item())) for x in row) + "\n" for row in m)


@pytest.mark.parametrize("name", sorted(arrays()))
@pytest.mark.parametrize("arith", ["exact", "float"])
def test_npy_gives_the_certificate_of_the_exact_text(tmp_path, name, arith):
    m = arrays()[name]
    np.save(tmp_path / "m.npy", m)
    if name == "fortran":
        assert b"'fortran_order': True" in (tmp_path / "m.npy").read_bytes()[:128]
    (tmp_path / "m.txt").write_text(exact_text(m))
    certificates = []
    for source in ("m.npy", "m.txt"):
        cert = tmp_path / (source + ".json")
        result = run("decompose", tmp_path / source, "--arith", arith, "--json", "--out", cert)
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        assert summary["d"] == 2 and summary["verified"] is True
        certificates.append(cert.read_bytes())
    assert certificates[0] == certificates[1]
    matrix = json.loads(certificates[0])["matrix"]
    assert matrix == [[str(Fraction(x.item())) for x in row] for row in m]


def test_float64_tenth_is_read_exactly(tmp_path):
    np.save(tmp_path / "t.npy", np.array([[2, 0.1], [0, 1]]))
    cert = tmp_path / "t.json"
    assert run("decompose", tmp_path / "t.npy", "--out", cert).returncode == 0
    assert json.loads(cert.read_text())["matrix"][0][1] == "3602879701896397/36028797018963968"


def saved(tmp_path, array, **kwargs):
    path = tmp_path / "bad.npy"
    np.save(path, array, **kwargs)
    return path


def test_bad_npy_is_one_line_exit_2(tmp_path):
    good = saved(tmp_path, np.eye(4)).read_bytes()
    cases = {
        "truncated": (good[:-1], "array data is 127 bytes"),
        "trailing": (good + b"\0", "array data is 129 bytes"),
        "bad version": (good[:6] + b"\x09\x00" + good[8:], "unsupported .npy format version 9.0"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / "bad.npy"
        path.write_bytes(data)
        result = run("decompose", path, "--json")
        assert_clean_failure(result, 2)
        assert message in result.stderr, (name, result.stderr)
    nan = np.eye(4)
    nan[2, 1] = np.nan
    for array, kwargs, message in [
        (nan, {}, "entry (row 3, column 2) is nan"),
        (np.zeros((2, 2, 2)), {}, "shape has 3 dimensions"),
        (np.eye(4, dtype=object), {"allow_pickle": True}, "object arrays (pickles) are not read"),
        (np.eye(4, dtype=np.complex128), {}, "unsupported dtype '<c16'"),
    ]:
        result = run("decompose", saved(tmp_path, array, **kwargs), "--arith", "float")
        assert_clean_failure(result, 2)
        assert message in result.stderr, result.stderr


@pytest.mark.parametrize("shape", [(3, 3), (2, 4)])
def test_size_errors_match_the_text_reader(tmp_path, shape):
    m = np.ones(shape)
    np.save(tmp_path / "m.npy", m)
    (tmp_path / "m.txt").write_text(exact_text(m))
    npy, text = run("decompose", tmp_path / "m.npy"), run("decompose", tmp_path / "m.txt")
    assert_clean_failure(npy, 2)
    assert npy.stderr.replace("m.npy", "m.txt") == text.stderr
