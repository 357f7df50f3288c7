"""End-to-end tests of `flowproof decompose --arith float`: the binary64
certificate verifies in flowproof and in the independent checker, its layers
rebuild T in NumPy to 1e-9, and bad requests fail cleanly."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from test_cli import ROOT, run  # noqa: E402


@pytest.mark.parametrize("example", ["examples/swap-d2.txt", "examples/random-d3.txt"])
def test_float_certificate_verifies_and_rebuilds(tmp_path, example):
    cert = tmp_path / "float.json"
    result = run("decompose", example, "--arith", "float", "--out", cert, "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["arithmetic"] == "binary64" and summary["depth"] == 3
    assert summary["relativeResidualBound"] < 1e-12
    assert run("verify", cert).returncode == 0
    independent = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "independent-check.py"), str(cert)],
                                 capture_output=True, text=True)
    assert independent.returncode == 0, independent.stdout
    # The residual bound is an upper bound: tightening it below the truth is rejected.
    data = json.loads(cert.read_text())
    data["residual"]["bound"] = "1/1000000000000000000000000000000"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data))
    assert run("verify", tampered).returncode == 1
    # NumPy rebuild from the exported layers.
    npz = tmp_path / "float.npz"
    assert run("export", cert, "--format", "npz", "--out", npz).returncode == 0
    z = np.load(npz)
    product = np.eye(z["matrix"].shape[0])
    d = z["B"].shape[1]
    for a, b, c, dd in zip(z["A"], z["B"], z["C"], z["D"]):
        lower = np.block([[np.eye(d), np.zeros((d, d))], [a, np.diag(b)]])
        upper = np.block([[np.diag(c), dd], [np.zeros((d, d)), np.eye(d)]])
        product = product @ lower @ upper
    assert np.linalg.norm(product - z["matrix"]) <= 1e-9 * np.linalg.norm(z["matrix"])


def test_depth_option_is_validated():
    assert run("decompose", "examples/swap-d2.txt", "--depth", "4").returncode == 64
    assert run("decompose", "examples/swap-d2.txt", "--arith", "float", "--depth", "2").returncode == 64


def test_float_rejects_negative_determinant(tmp_path):
    path = tmp_path / "neg.txt"
    path.write_text("-1 0\n0 1\n")
    result = run("decompose", path, "--arith", "float", "--out", tmp_path / "x.json")
    assert result.returncode == 2 and "orientation" in result.stderr
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("d,options", [(16, ["--depth", "7"]), (16, ["--depth", "4"]), (64, [])])
def test_well_conditioned_gaussian_certificates(tmp_path, d, options):
    """Issue targets on Gaussian T: relative residual <= 1e-12, entries
    <= 1e3·max|T| at depth 7, at depth 4 (the right shear) and at the
    default ladder's depth (3 or 4 through the Horn construction), and both
    checkers accept the certificate."""
    t = np.random.default_rng(d).standard_normal((2 * d, 2 * d))
    if np.linalg.slogdet(t)[0] < 0:
        t[:, 0] = -t[:, 0]
    path = tmp_path / "t.txt"
    path.write_text("\n".join(" ".join(repr(float(x)) for x in row) for row in t) + "\n")
    cert = tmp_path / "cert.json"
    result = run("decompose", path, "--arith", "float", "--out", cert, "--json", *options)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    methods = {"7": ("orthogonal-blocks",), "4": ("right-shear-horn-dual",)}
    if options:
        assert summary["depth"] == int(options[1]) and summary["method"] in methods[options[1]]
    else:
        assert summary["depth"] in (3, 4)
        assert summary["method"] in ("horn-dual", "right-shear-horn-dual", "shear-horn-dual")
    assert summary["relativeResidualBound"] <= 1e-12
    assert summary["maxLayerEntry"] <= 1e3 * summary["maxInputEntry"]
    assert run("verify", cert).returncode == 0
    independent = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "independent-check.py"), str(cert)],
                                 capture_output=True, text=True)
    assert independent.returncode == 0, independent.stdout


def test_default_ladder_reports_its_fallback(tmp_path):
    """T11 = 0 at d = 20: depth 3 (Horn on the dual, whose leading block is
    zero too) cannot apply, so the default run falls back to depth 4 and
    says why in the JSON and the summary; --depth 3 may honestly fail."""
    d = 20
    rng = np.random.default_rng(5)
    t = np.vstack([np.hstack([np.zeros((d, d)), rng.standard_normal((d, d))]), rng.standard_normal((d, 2 * d))])
    if np.linalg.slogdet(t)[0] < 0:
        t[:, d] = -t[:, d]
    path = tmp_path / "t11zero.txt"
    path.write_text("\n".join(" ".join(repr(float(x)) for x in row) for row in t) + "\n")
    result = run("decompose", path, "--arith", "float", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["depth"] == 4 and summary["fallback"].startswith("depth 3: ")
    assert summary["relativeResidualBound"] <= 1e-12
    text = run("decompose", path, "--arith", "float")
    assert "fell back: depth 3: " in text.stdout
    assert run("decompose", path, "--arith", "float", "--depth", "3").returncode == 3
