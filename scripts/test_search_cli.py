"""End-to-end tests of `flowproof search-k2`, `depth` and `plot`."""
import filecmp
import glob
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from test_cli import flowproof_binary, run  # noqa: E402


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


def records(directory):
    return [json.load(open(p)) for p in sorted(glob.glob(os.path.join(directory, "*.stats")))]


def test_merge_refuses_repeated_missing_and_mixed_shards(tmp_path):
    for i in range(3):
        assert run("search-k2", "--d", "2", "--family", "permutations", "--shard", f"{i}/3",
                   "--out", tmp_path / f"p{i}", "--quiet").returncode == 0
    # --merge p0 p0 p1 double-counted (540 candidates of 360) before.
    twice = run("search-k2", "--merge", tmp_path / "p0", tmp_path / "p0", tmp_path / "p1", "--out", tmp_path / "m1")
    assert twice.returncode == 2 and "given twice" in twice.stderr
    missing = run("search-k2", "--merge", tmp_path / "p0", tmp_path / "p1", "--out", tmp_path / "m2")
    assert missing.returncode == 2 and "shard 2/3" in missing.stderr and "missing" in missing.stderr
    # The same shard under another directory name is caught by its record.
    import shutil
    shutil.copytree(tmp_path / "p1", tmp_path / "copy")
    copied = run("search-k2", "--merge", tmp_path / "p0", tmp_path / "p1", tmp_path / "copy", tmp_path / "p2",
                 "--out", tmp_path / "m3")
    assert copied.returncode == 2 and "more than once" in copied.stderr
    ignored = run("search-k2", "--merge", tmp_path / "p0", "--d", "3", "--out", tmp_path / "m4")
    assert ignored.returncode == 64 and "--merge takes its parameters" in ignored.stderr
    run("search-k2", "--d", "2", "--family", "permutations", "--regime", "signed", "--shard", "0/2",
        "--out", tmp_path / "q0", "--quiet")
    mixed = run("search-k2", "--merge", tmp_path / "p0", tmp_path / "p1", tmp_path / "p2", tmp_path / "q0",
                "--out", tmp_path / "m5")
    assert mixed.returncode == 2 and "shard 1/2" in mixed.stderr


def test_records_carry_parameters_and_a_second_writer_is_refused(tmp_path):
    out = tmp_path / "ce"
    first = subprocess.Popen([flowproof_binary(), "search-k2", "--d", "4", "--family", "random", "--count", "1000",
                              "--max-candidates", "100000", "--out", out, "--quiet"])
    try:
        for _ in range(100):   # the record with complete: false comes first
            if records(out):
                break
            time.sleep(0.05)
        (record,) = records(out)
        assert record["complete"] is False and record["d"] == 4 and record["family"] == "random"
        assert record["shardIndex"] == 0 and record["shardCount"] == 1 and record["seed"] == "0"
        second = run("search-k2", "--d", "3", "--out", out)
        assert second.returncode == 2 and "another search-k2 run" in second.stderr
        first.send_signal(signal.SIGKILL)   # an interrupted run stays recognisable
        first.wait()
        assert records(out)[0]["complete"] is False and certificates(out) == []
        refused = run("search-k2", "--merge", out, "--out", tmp_path / "m")
        assert refused.returncode == 2 and "did not finish" in refused.stderr
    finally:
        first.kill()
    # After the kill the lock is free; sequential runs with other parameters keep their own records.
    assert run("search-k2", "--d", "2", "--count", "2", "--seed", "3", "--out", out, "--quiet").returncode == 0
    assert run("search-k2", "--d", "3", "--count", "2", "--seed", "3", "--out", out, "--quiet").returncode == 0
    done = [r for r in records(out) if r["complete"]]
    assert sorted(r["d"] for r in done) == [2, 3]
    assert sorted(f for r in done for f in r["files"]) == certificates(out)


def test_huge_count_does_not_overflow(tmp_path):
    # 1000 × count (the default --max-candidates) trapped at once; now it saturates and runs.
    child = subprocess.Popen([flowproof_binary(), "search-k2", "--d", "2", "--count", "9300000000000000",
                              "--out", tmp_path, "--quiet"], stderr=subprocess.PIPE)
    time.sleep(1.5)
    assert child.poll() is None, child.stderr.read()
    child.kill()
    child.wait()


def test_bad_shard_and_missing_d_are_usage_errors():
    assert run("search-k2", "--d", "3", "--shard", "3/3").returncode == 64
    assert run("search-k2").returncode == 64
    # d = 61 ran for minutes per candidate (issue 14): refused with the reason.
    beyond = run("search-k2", "--d", "61")
    assert beyond.returncode == 64 and "between 1 and 32" in beyond.stderr


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


def test_depth_beyond_the_old_binomial_overflow(tmp_path):
    # C(d, j) overflowed Int (SIGILL) for d >= 62; [I 2I; I I] at d = 62 has an order-1 witness.
    d = 62
    rows = [[0] * (2 * d) for _ in range(2 * d)]
    for i in range(d):
        rows[i][i], rows[i][d + i], rows[d + i][i], rows[d + i][d + i] = 1, 2, 1, 1
    source = tmp_path / "two-identity-d62.txt"
    source.write_text("\n".join(" ".join(map(str, r)) for r in rows) + "\n")
    result = run("depth", source, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["proven"] is True


def test_depth_above_the_search_limit_is_bounded(tmp_path):
    # d = 61 ran for minutes in the numerical search; above d = 16 it is skipped and said so.
    import random
    rng = random.Random(5)
    d = 20
    rows = [[rng.randint(-9, 9) for _ in range(2 * d)] for _ in range(2 * d)]
    source = tmp_path / "r20.txt"
    source.write_text("\n".join(" ".join(map(str, r)) for r in rows) + "\n")
    start = time.time()
    result = run("depth", source)
    if result.returncode == 2 and "det" in result.stderr:   # det < 0: flip the first row
        rows[0] = [-x for x in rows[0]]
        source.write_text("\n".join(" ".join(map(str, r)) for r in rows) + "\n")
        result = run("depth", source)
    assert result.returncode == 0, result.stderr
    assert "no numerical search above d = 16" in result.stdout
    assert time.time() - start < 60
