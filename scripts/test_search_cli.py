"""End-to-end tests of `flowproof search-k2`, `depth` and `plot`."""
import filecmp
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from test_cli import run  # noqa: E402


def certificates(directory):
    return sorted(name for name in os.listdir(directory) if name.endswith(".json"))


def test_same_seed_gives_identical_certificates(tmp_path):
    for out in ("a", "b"):
        result = run("search-k2", "--d", "3", "--seed", "11", "--count", "4", "--out", tmp_path / out, "--json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["counterexamplesWritten"] == 4
    names = certificates(tmp_path / "a")
    assert names == certificates(tmp_path / "b") and len(names) == 4
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert mismatch == [] and errors == []
    assert run("verify", tmp_path / "a").returncode == 0


def test_shards_merge_to_the_whole_enumeration(tmp_path):
    whole = run("search-k2", "--d", "2", "--family", "permutations", "--out", tmp_path / "whole", "--json")
    assert whole.returncode == 0, whole.stderr
    for i in range(3):
        assert run("search-k2", "--d", "2", "--family", "permutations", "--shard", f"{i}/3",
                   "--out", tmp_path / f"part{i}").returncode == 0
    merged = run("search-k2", "--merge", *(tmp_path / f"part{i}" for i in range(3)), "--out", tmp_path / "all", "--json")
    assert merged.returncode == 0, merged.stderr
    a, b = json.loads(whole.stdout), json.loads(merged.stdout)
    for key in ("candidates", "provenDepth1", "provenDepth2", "provenDepth3", "undecided"):
        assert a[key] == b[key], key
    assert certificates(tmp_path / "whole") == certificates(tmp_path / "all")


def test_bad_shard_and_missing_d_are_usage_errors():
    assert run("search-k2", "--d", "3", "--shard", "3/3").returncode == 64
    assert run("search-k2").returncode == 64


def test_depth_json_and_certificate(tmp_path):
    cert = tmp_path / "depth.json"
    result = run("depth", "examples/two-identity-d2.mtx", "--json", "--out", cert)
    summary = json.loads(result.stdout)
    assert summary["lowerBound"] == summary["upperBound"] == 3 and summary["proven"]
    assert summary["witness"] == "principal-minors"
    assert run("verify", cert).returncode == 0


def test_plot_writes_svg(tmp_path):
    for d in (2, 3):
        assert run("search-k2", "--d", str(d), "--family", "integer", "--count", "1000", "--max-candidates", "20",
                   "--no-numeric", "--out", tmp_path / f"d{d}").returncode == 0
    figure = tmp_path / "fig.svg"
    result = run("plot", tmp_path / "d2", tmp_path / "d3", "--out", figure, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["points"] == 2
    assert figure.read_text().startswith("<svg")
