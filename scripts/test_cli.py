"""Tests of the flowproof command line as a user meets it: bad inputs,
`--json` output, tampered certificates, reproducibility.

    python3 -m pytest -q -p no:cacheprovider scripts/test_cli.py

Runs $FLOWPROOF_BIN (default .build/debug/flowproof, which `swift test` in
scripts/test builds; if it is missing, `swift build` runs once).
"""
import glob
import json
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_built = []

CRASH_MARKERS = ("Traceback", "Fatal error", "Stack dump", "Segmentation", "Illegal instruction",
                 "Current stack trace", "💣")


def flowproof_binary():
    path = os.environ.get("FLOWPROOF_BIN") or os.path.join(".build", "debug", "flowproof")
    if not os.path.isabs(path):
        path = os.path.join(ROOT, path)
    if not os.path.exists(path) and not _built:
        _built.append(True)
        subprocess.run(["swift", "build"], cwd=ROOT, check=True)
    assert os.path.exists(path), f"flowproof binary not found at {path}"
    return path


def run(*args, cwd=ROOT):
    result = subprocess.run([flowproof_binary(), *map(str, args)], cwd=cwd,
                            capture_output=True, timeout=300)
    # Bytes first: a crash may print anything; decode leniently afterwards.
    result.stdout = result.stdout.decode("utf-8", "replace")
    result.stderr = result.stderr.decode("utf-8", "replace")
    return result


def assert_clean_failure(result, status):
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert result.returncode > 0  # not killed by a signal
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    assert lines[0].startswith("flowproof: "), lines[0]
    for marker in CRASH_MARKERS:
        assert marker not in result.stderr and marker not in result.stdout


BAD_INPUTS = {
    "negative-det.txt": b"1 0\n0 -1\n",
    "zero-det.txt": b"1 1\n1 1\n",
    "odd-size.txt": b"1 0 0\n0 1 0\n0 0 1\n",
    "non-square.txt": b"1 0 0 0\n0 1 0 0\n",
    "ragged.txt": b"1 0 0 0\n0 1 0\n0 0 1 0\n0 0 0 1\n",
    "bad-token.txt": b"1 x\n0 1\n",
    "zero-denominator.txt": b"1 1/0\n0 1\n",
    "nan.txt": b"1 nan\n0 1\n",
    "inf.txt": b"inf 0\n0 1\n",
    "empty.txt": b"",
    "binary.txt": b"\x00\x01\x02\xff\xfe\x00abc\x00\n\x00",
    "bad-header.mtx": b"%%MatrixMarket matrix array complex general\n2 2\n1\n0\n0\n1\n",
    "garbled-header.mtx": b"%%MatrixMarket nonsense\n2 2\n1\n0\n0\n1\n",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
@pytest.mark.parametrize("json_flag", [False, True])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, name, json_flag):
    src = tmp_path / name
    src.write_bytes(BAD_INPUTS[name])
    out = tmp_path / "cert.json"
    result = run("decompose", src, "--out", out, *(["--json"] if json_flag else []))
    assert_clean_failure(result, 2)
    assert result.stdout == ""
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary files either


def test_missing_input_file(tmp_path):
    assert_clean_failure(run("decompose", tmp_path / "nope.txt", "--out", tmp_path / "c.json"), 2)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [
    ["decompose"],
    ["decompose", "examples/swap-d2.txt", "--regime", "sideways"],
    ["decompose", "examples/swap-d2.txt", "--seed", "-1"],
    ["export", "proofs/swap/swap-d2.json", "--format", "csv"],
    ["export", "proofs/swap/swap-d2.json", "--out", "proofs/swap/swap-d2.json"],
])
def test_bad_command_line_is_64(args):
    before = open(os.path.join(ROOT, "proofs", "swap", "swap-d2.json"), "rb").read()
    result = run(*args)
    assert result.returncode == 64, (result.stdout, result.stderr)
    for marker in CRASH_MARKERS:
        assert marker not in result.stderr
    assert open(os.path.join(ROOT, "proofs", "swap", "swap-d2.json"), "rb").read() == before


def test_json_outputs_parse(tmp_path):
    cert = tmp_path / "swap.json"
    r = run("decompose", "examples/swap-d2.txt", "--out", cert, "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["command"] == "decompose" and summary["depth"] == 3 and summary["certificate"] == str(cert)
    assert len(r.stdout.strip().splitlines()) == 1

    r = run("verify", cert, "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["command"] == "verify" and summary["accepted"] == 1 and summary["rejected"] == 0
    # The verdict reports the same height as decompose did.
    decomposed = json.loads(run("decompose", "examples/swap-d2.txt", "--json").stdout)
    assert f"height={decomposed['heightBits']} " in summary["results"][0]["summary"]

    for fmt in ("npz", "json"):
        r = run("export", cert, "--format", fmt, "--json")
        assert r.returncode == 0, r.stderr
        assert len(r.stdout.strip().splitlines()) == 1
        summary = json.loads(r.stdout)
        assert summary["command"] == "export" and summary["format"] == fmt
        assert summary["depth"] == 3 and summary["d"] == 2 and os.path.exists(summary["out"])

    r = run("verify", "proofs/", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["rejected"] == 0


def tampered_copies(directory):
    """Every proofs/ certificate with one matrix entry changed, in `directory`."""
    directory.mkdir()
    copies = []
    for i, src in enumerate(sorted(glob.glob(os.path.join(ROOT, "proofs", "**", "*.json"), recursive=True))):
        with open(src) as f:
            c = json.load(f)
        row = c["matrix"][i % len(c["matrix"])]
        j = (i // len(c["matrix"])) % len(row)
        row[j] = "1" if row[j] != "1" else "2"
        path = directory / f"tampered-{i:04d}-{os.path.basename(src)}"
        path.write_text(json.dumps(c, indent=1))
        copies.append(path)
    assert copies
    return copies


def test_verify_rejects_tampered_certificates(tmp_path):
    copies = tampered_copies(tmp_path / "tampered")
    r = run("verify", tmp_path / "tampered", "--json")
    assert r.returncode == 1, r.stderr
    summary = json.loads(r.stdout)
    assert summary["accepted"] == 0 and summary["rejected"] == len(copies), \
        [x["path"] for x in summary["results"] if x["accepted"]]
    # One file at a time, in text form, and export refuses them: a sample.
    for path in copies[:: max(1, len(copies) // 12)]:
        r = run("verify", path)
        assert r.returncode == 1 and r.stdout.startswith("REJECTED"), (path, r.stdout)
        out = tmp_path / "export.npz"
        assert_clean_failure(run("export", path, "--out", out), 1)
        assert not out.exists()


def test_verify_accepts_an_untouched_copy(tmp_path):
    src = os.path.join(ROOT, "proofs", "swap", "swap-d2.json")
    shutil.copy(src, tmp_path / "copy.json")
    assert run("verify", tmp_path / "copy.json").returncode == 0


@pytest.mark.parametrize("example,regime,seed", [
    ("random-d3.txt", "positive", 7), ("random-d3.txt", "signed", 7), ("swap-d2.txt", "positive", 123),
])
def test_same_seed_same_certificate(tmp_path, example, regime, seed):
    outs = []
    for n in range(2):
        out = tmp_path / f"run{n}.json"
        r = run("decompose", os.path.join("examples", example), "--regime", regime, "--seed", seed, "--out", out)
        assert r.returncode == 0, r.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_prefer_height_keeps_entries_small(tmp_path):
    """`--prefer height` on the bundled d = 8 example: a deeper certificate
    with entries a fraction of the depth-3 one's, accepted by `verify`."""
    src = os.path.join("examples", "random-d8.txt")
    cert = tmp_path / "small.json"
    r = run("decompose", src, "--prefer", "height", "--json", "--out", cert)
    assert r.returncode == 0, r.stderr
    small = json.loads(r.stdout)
    assert small["prefer"] == "height" and small["verified"] and 3 < small["depth"] <= 3 * 3 + 6
    deep = json.loads(run("decompose", src, "--json").stdout)
    assert deep["prefer"] == "depth" and deep["depth"] <= 3
    assert 4 * small["heightBits"] < deep["heightBits"], (small, deep)   # 59 against 547 bits
    verdict = run("verify", cert, "--json")
    assert verdict.returncode == 0, verdict.stderr
    assert f"depth={small['depth']} height={small['heightBits']} " in json.loads(verdict.stdout)["results"][0]["summary"]


@pytest.mark.parametrize("example,regime", [("random-d3.txt", "positive"), ("random-d3.txt", "signed"), ("swap-d2.txt", "positive")])
def test_prefer_height_same_seed_same_certificate(tmp_path, example, regime):
    outs = []
    for n in range(2):
        out = tmp_path / f"run{n}.json"
        r = run("decompose", os.path.join("examples", example), "--prefer", "height", "--regime", regime, "--out", out)
        assert r.returncode == 0, r.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_prefer_height_is_exact_only():
    r = run("decompose", "examples/swap-d2.txt", "--prefer", "height", "--arith", "float")
    assert r.returncode == 64 and "--prefer height applies to --arith exact" in r.stderr


@pytest.mark.parametrize("example,method", [("swap-d2.txt", "rank-one"), ("two-identity-d2.mtx", "rank-one"),
                                            ("random-d3.txt", "monomial")])
def test_forced_method_that_does_not_apply_is_exit_3(tmp_path, example, method):
    """Non-cyclic blocks refuse the rank-one construction, non-permutations
    the monomial one: one line naming the method, no certificate."""
    cert = tmp_path / "cert.json"
    r = run("decompose", os.path.join("examples", example), "--method", method, "--out", cert)
    assert_clean_failure(r, 3)
    assert f"the {method} method does not apply" in r.stderr and "--method auto" in r.stderr
    assert not cert.exists()


@pytest.mark.parametrize("method", ["rank-one", "commutator"])
def test_forced_method_is_depth_3_by_that_method_and_verifies(tmp_path, method):
    cert = tmp_path / "cert.json"
    r = run("decompose", "examples/random-d3.txt", "--method", method, "--json", "--out", cert)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["method"] == method and summary["depth"] == 3 and summary["verified"]
    assert run("verify", cert, "--quiet").returncode == 0


@pytest.mark.parametrize("args", [["--method", "fastest"], ["--method", "rank-one", "--prefer", "height"],
                                  ["--method", "commutator", "--arith", "float"]])
def test_method_bad_combinations_are_64(args):
    r = run("decompose", "examples/swap-d2.txt", *args)
    assert r.returncode == 64, (r.stdout, r.stderr)


def test_help_decompose_documents_method():
    r = run("help", "decompose")
    assert r.returncode == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert "--method <method>" in text
    for value in ("auto", "rank-one", "commutator", "monomial", "exit 3"):
        assert value in text, value
