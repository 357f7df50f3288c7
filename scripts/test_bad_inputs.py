"""The bad-input corpus (Tests/bad-inputs/manifest.tsv) and the output-path
refusals: every bad input fails with the expected exit status and a one-line
message, without crashing, within 10 s and 1 GB of memory.

    python3 -m pytest -q -p no:cacheprovider scripts/test_bad_inputs.py

Each run is capped by RLIMIT_AS (so a runaway allocation fails fast instead
of swapping a shared machine) and measured with wait4, whose rusage is that
one child's: RUSAGE_CHILDREN only reports the maximum over all children so
far, which hides every run after the largest. Under 1 GiB of address space
the Swift runtime and OpenBLAS start normally (measured: the largest corpus
runs use about 130 MB resident).
"""
import collections
import os
import resource
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time

import pytest

from test_cli import CRASH_MARKERS, ROOT, flowproof_binary

CORPUS = os.path.join(ROOT, "Tests", "bad-inputs")
SECONDS = 10
MEMORY = 1 << 30                 # bytes: resident-set limit and address-space cap
MATRIX_COMMANDS = [["decompose"], ["decompose", "--arith", "float"], ["depth"]]
NOBODY = 65534

Run = collections.namedtuple("Run", "returncode stdout stderr seconds max_rss")


def measured_run(args, cwd, as_nobody=False):
    """Runs flowproof under the memory cap; returns its status, output,
    wall time and maximum resident set size in bytes."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        if as_nobody:
            os.setgid(NOBODY)
            os.setuid(NOBODY)

    binary, home = flowproof_binary(), None
    if as_nobody:
        # nobody cannot reach a binary in a private checkout (mktemp -d makes
        # 0700 directories), so it runs a copy from a world-readable one.
        home = tempfile.mkdtemp()
        os.chmod(home, 0o755)
        binary = shutil.copy(binary, os.path.join(home, "flowproof"))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        try:
            child = subprocess.Popen([binary, *args], cwd=cwd, stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=err, preexec_fn=limit)
        finally:
            if home:
                shutil.rmtree(home)
        # A run that hangs (a FIFO opened for reading) is killed after the limit and fails.
        timer = threading.Timer(SECONDS + 5, child.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return Run(child.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   seconds, usage.ru_maxrss * 1024)


def dead_pid():
    """The PID of a process that has just been killed with SIGKILL."""
    child = subprocess.Popen(["sleep", "60"])
    child.send_signal(signal.SIGKILL)
    child.wait()
    return child.pid


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def sparse_singular(path, n):
    """A coordinate matrix with an entry in every row and column that is
    still singular (a 2×2 block of ones): only the dense check finds it."""
    entries = ["1 1 1", "1 2 1", "2 1 1", "2 2 1"] + [f"{i} {i} 1" for i in range(3, n + 1)]
    return write(path, f"%%MatrixMarket matrix coordinate integer general\n{n} {n} {n + 2}\n" + "\n".join(entries) + "\n")


def fifo(path):
    os.mkfifo(path)
    return path


def directory(path):
    os.mkdir(path)
    return path


def symlink(path, target):
    os.symlink(target, path)
    return path


def symlink_loop(path):
    os.symlink(os.path.basename(path) + "-2", path)
    os.symlink(os.path.basename(path), path + "-2")
    return path


def unreadable(path):
    write(path, "1 0\n0 1\n")
    os.chmod(path, 0)
    return path


def sparse_file(path, size):
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def certificates_and_a_fifo(path):
    os.mkdir(path)
    shutil.copy(os.path.join(ROOT, "proofs", "swap", "swap-d2.json"), os.path.join(path, "swap.json"))
    os.mkfifo(os.path.join(path, "p.json"))
    return path


MEGA_DIGITS = "9" * 1_000_000

# Inputs that cannot or should not be committed, made in a test's directory.
GENERATED = {
    "fifo": fifo,
    "dev-zero": lambda path: "/dev/zero",
    "x.txt": directory,
    "dir.json": directory,
    "loop": symlink_loop,
    "dangling": lambda path: symlink(path, "nowhere"),
    "missing": lambda path: path,
    "unreadable": unreadable,
    "too-large": lambda path: sparse_file(path, (1 << 30) + 1),
    "empty-path": lambda path: "",
    "certificates-and-a-fifo": certificates_and_a_fifo,
    "long-malformed.txt": lambda path: write(path, "1" * 1_000_000 + "x 0\n0 1\n"),
    "long-decimal.txt": lambda path: write(path, "0." + "3" * 1_000_000 + " 0\n0 1\n"),
    "long-singular.txt": lambda path: write(path, f"{MEGA_DIGITS} {MEGA_DIGITS}\n{MEGA_DIGITS} {MEGA_DIGITS}\n"),
    "long-integer.txt": lambda path: write(path, f"{MEGA_DIGITS} 0\n0 1\n"),
    "long-negative-det.txt": lambda path: write(path, f"{MEGA_DIGITS} 0\n0 -1\n"),
    "wide.txt": lambda path: write(path, " ".join(["0"] * 4097) + "\n"),
    "tall.txt": lambda path: write(path, "1\n" * 4097),
    "many-comments.txt": lambda path: write(path, "#\n" * 200_000 + "#" * 1_000_000 + "\n1 1\n1 1\n"),
    "blank-lines.txt": lambda path: write(path, "\n" * 1_000_000 + "1 1\n1 1\n"),
    "sparse-singular-2048.mtx": lambda path: sparse_singular(path, 2048),
}


def manifest_cases():
    cases = []
    with open(os.path.join(CORPUS, "manifest.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("input\t") or not line.strip():
                continue
            source, command, status, message = line.rstrip("\n").split("\t")
            commands = ([c + ["{input}", "--out", "out.json"] for c in MATRIX_COMMANDS] if command == "matrix"
                        else [shlex.split(command)])
            for args in commands:
                cases.append(pytest.param(source, args, int(status), message, id=f"{source} {' '.join(args)}"))
    return cases


def test_manifest_names_existing_files():
    names = {line.split("\t")[0] for line in open(os.path.join(CORPUS, "manifest.tsv"), encoding="utf-8")
             if not line.startswith("#") and "\t" in line} - {"input"}
    committed = {n for n in names if not n.startswith("@") and n != "-"}
    assert {n[1:] for n in names - committed - {"-"}} <= set(GENERATED)
    assert committed <= set(os.listdir(CORPUS))
    assert set(os.listdir(CORPUS)) - committed == {"manifest.tsv"}   # every file is used


@pytest.mark.parametrize("source,args,status,message", manifest_cases())
def test_bad_input(request, tmp_path, source, args, status, message):
    as_nobody = source == "@unreadable" and os.geteuid() == 0   # root reads anything
    if as_nobody:
        tmp_path = tempfile.mkdtemp()   # pytest's directories are private to root
        os.chmod(tmp_path, 0o755)
        request.addfinalizer(lambda: shutil.rmtree(tmp_path))
    if source.startswith("@"):
        path = GENERATED[source[1:]](os.path.join(tmp_path, source[1:]))
    else:
        path = os.path.join(CORPUS, source)
    before = sorted(os.listdir(tmp_path))
    args = [a.replace("{input}", path) for a in args]
    result = measured_run(args, cwd=tmp_path, as_nobody=as_nobody)

    assert result.returncode == status, result
    message = message.replace("{input}", path)
    assert message in (result.stderr if "verify" not in args else result.stdout + result.stderr), result
    for marker in CRASH_MARKERS:
        assert marker not in result.stderr and marker not in result.stdout
    if result.stderr or status not in (0, 1):
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("flowproof: ") and len(lines[0]) < 1000, result.stderr[:2000]
    if status != 0:
        assert sorted(os.listdir(tmp_path)) == before   # no output and no temporary files
    assert result.seconds < SECONDS, result.seconds
    assert result.max_rss < MEMORY, result.max_rss


SWAP = os.path.join(ROOT, "examples", "swap-d2.txt")


def refused(tmp_path, out, message):
    result = measured_run(["decompose", SWAP, "--out", out], cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr, result
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""
    assert result.seconds < SECONDS
    return result


def test_out_empty_and_directory(tmp_path):
    refused(tmp_path, "", "flowproof: output path is empty")
    os.mkdir(tmp_path / "existing")
    refused(tmp_path, "existing", "cannot write existing: is a directory")
    assert os.listdir(tmp_path / "existing") == []


def test_out_refuses_devices_fifos_and_symbolic_links(tmp_path):
    if os.geteuid() == 0:
        # Our own node for the null device: as root, a failure here must not
        # replace the system's /dev/null.
        device = str(tmp_path / "null")
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:
        device = "/dev/null"
    refused(tmp_path, device, "is a character device; refusing to replace it with a regular file")
    assert stat.S_ISCHR(os.lstat(device).st_mode)

    os.mkfifo(tmp_path / "pipe")
    refused(tmp_path, "pipe", "is a FIFO (named pipe); refusing to replace it")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)

    os.symlink("target.json", tmp_path / "link.json")
    refused(tmp_path, "link.json", "is a symbolic link; refusing to replace it")
    assert os.readlink(tmp_path / "link.json") == "target.json" and not (tmp_path / "target.json").exists()

    cert = tmp_path / "cert.json"
    assert measured_run(["decompose", SWAP, "--out", cert], cwd=tmp_path).returncode == 0
    result = measured_run(["export", cert, "--out", device], cwd=tmp_path)
    assert result.returncode == 2 and "is a character device; refusing" in result.stderr, result
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_stale_temporaries_of_killed_writers_are_removed(tmp_path):
    """A writer killed by SIGKILL between creating `.NAME.tmp-PID` and its
    rename leaves that file; the next write of NAME removes it, but never a
    temporary file whose process is alive, nor one of another name."""
    stale = tmp_path / f".cert.json.tmp-{dead_pid()}"
    live = tmp_path / f".cert.json.tmp-{os.getpid()}"
    other = tmp_path / f".other.json.tmp-{dead_pid()}"
    for path in (stale, live, other):
        path.write_text('{"half a certificate"')
    result = measured_run(["decompose", SWAP, "--out", "cert.json"], cwd=tmp_path)
    assert result.returncode == 0, result
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["cert.json", live.name, other.name])
    # Temporary names start with a dot and do not end in .json: verify never takes one for output.
    result = measured_run(["verify", tmp_path], cwd=tmp_path)
    assert result.returncode == 0 and "1 certificates: 1 accepted" in result.stdout, result
