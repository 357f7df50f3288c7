"""Tests of scripts/permutation-ideals.py that need no Singular: orbits, the
equation text, the polynomial parser, the point-to-layers conversion and
the --flowproof-only counts."""
import glob
import importlib.util
import itertools
import json
import math
import os
import subprocess
import sys
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("permutation_ideals", os.path.join(HERE, "permutation-ideals.py"))
pi = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pi)


def conjugates(p, d):
    """The class of p by brute force: conjugation by every diag(P, Q), and inversion."""
    images = set()
    for q1 in itertools.permutations(range(d)):
        for q2 in itertools.permutations(range(d)):
            r = list(q1) + [d + x for x in q2]  # row i -> column p[i] becomes row r[i] -> column r[p[i]]
            image = [0] * (2 * d)
            for i in range(2 * d):
                image[r[i]] = r[p[i]]
            inverse = [0] * (2 * d)
            for i, j in enumerate(image):
                inverse[j] = i
            images |= {tuple(image), tuple(inverse)}
    return images


def test_orbits_partition_the_even_permutations():
    for d in (1, 2, 3):
        reps = list(pi.orbit_representatives(d))
        assert sum(size for _, size in reps) == math.factorial(2 * d) // 2
        assert all(pi.parity(rep) == 0 for rep, _ in reps)
        assert len({rep for rep, _ in reps}) == len(reps)
        # The cycle-word key gives exactly the brute-force classes, each led by its least member.
        for rep, size in reps:
            members = conjugates(rep, d)
            assert len(members) == size and min(members) == rep
    assert [len(pi.orbit_representatives(d)) for d in (2, 3, 4)] == [5, 19, 76]


def evaluate(poly_text, values):
    """The polynomial (Singular text) at the point {variable name: value}."""
    names = list(values)
    return value(pi.parse(poly_text, {v: k for k, v in enumerate(names)}), [values[v] for v in names])


def value(poly, point):
    total = Fraction(0)
    for mono, c in poly.items():
        for v, e in mono:
            c *= point[v] ** e
        total += c
    return total


def test_parser_reads_singular_terms():
    index = {v: k for k, v in enumerate(pi.names(2))}
    p = pi.parse("-3/2*x0_1^2*ia0+b1-1", index)
    assert p == {((index["x0_1"], 2), (index["ia0"], 1)): Fraction(-3, 2), ((index["b1"], 1),): 1, (): -1}


def test_fixed_values_reads_only_solved_generators():
    sol = pi.fixed_values(["x0_1-2", "2*x1_0+1", "3*a0-3/2", "-b1-1", "x0_0-x1_1", "w0_0^2-1", "ia0*a0-1"], 2)
    assert sol == {"x0_1": 2, "x1_0": Fraction(-1, 2), "a0": Fraction(1, 2), "b1": -1}


def point_from_layers(c):
    """Invert layers_from_point: X = A1, delta = 1/C2, eps = 1/B2, W = D2 diag(eps)."""
    d = c["d"]
    first, second = c["layers"]
    eps = [1 / Fraction(b) for b in second["B"]]
    delta = [1 / Fraction(x) for x in second["C"]]
    values = {}
    for i, j in itertools.product(range(d), repeat=2):
        values[f"x{i}_{j}"] = Fraction(first["A"][i][j])
    for i, j in itertools.product(range(d), repeat=2):
        values[f"w{i}_{j}"] = Fraction(second["D"][i][j]) * eps[j]
    values.update({f"a{i}": delta[i] for i in range(d)})
    values.update({f"b{i}": eps[i] for i in range(d)})
    values.update({f"ia{i}": 1 / delta[i] for i in range(d)})
    values.update({f"ib{i}": 1 / eps[i] for i in range(d)})
    return [values[v] for v in pi.names(d)]


def test_equations_vanish_at_the_corpus_factorizations():
    """The Singular text of e_k is zero at every depth-2 factorization in the
    corpus and not at a shifted point: the equations Singular sees are the
    ones the certificates are checked against."""
    files = sorted(glob.glob(os.path.join(HERE, "..", "proofs", "permutations", "full-system", "*", "*.json")))
    depth_two = [c for c in (json.load(open(f)) for f in files) if c["depth"] == 2]
    assert depth_two
    for c in depth_two:
        t = [[int(x) for x in row] for row in c["matrix"]]
        index = {v: k for k, v in enumerate(pi.names(c["d"]))}
        equations = [pi.parse(e, index) for e in pi.equations(t)]
        point = point_from_layers(c)
        assert all(value(e, point) == 0 for e in equations)
        # Solutions of permutations come in families, so a single shift may stay
        # on one; shifting each x and w entry in turn must leave it somewhere.
        shifted = [point[:k] + [point[k] + 1] + point[k + 1:] for k in range(2 * c["d"] ** 2)]
        assert any(value(e, s) != 0 for s in shifted for e in equations)


def test_layers_from_point_are_the_identity_for_the_identity():
    d = 2
    t = pi.matrix(list(range(2 * d)))
    point = {f"{p}{i}_{j}": Fraction(0) for p in "xw" for i in range(d) for j in range(d)}
    point.update({f"a{i}": Fraction(1) for i in range(d)})
    point.update({f"b{i}": Fraction(1) for i in range(d)})
    assert all(evaluate(e, {**point, **{f"i{k}": v for k, v in point.items() if k[0] in "ab"}}) == 0
               for e in pi.equations(t))
    first, second = pi.layers_from_point(t, point)
    assert first["A"] == [["0", "0"], ["0", "0"]] and second["B"] == ["1", "1"]


def test_graded_lift_cofactors_expand_to_the_target():
    """Cofactors by linear algebra (no Singular): sum h_k e_k equals the target
    at random rational points, and a target outside the ideal gets none."""
    import random
    rng = random.Random(3)
    t = pi.matrix((0, 3, 4, 1, 2, 5))   # format 6.8's example: eps_1 + delta-bar_2 is in the ideal
    d = 3
    names = pi.names(d)
    index = {v: k for k, v in enumerate(names)}
    polys = [pi.parse(e, index) for e in pi.equations(t)]
    target = pi.parse("b1+ia2", index)
    system = pi.GradedSystem(polys, len(names))
    cofactors = system.lift(target)
    assert cofactors
    for _ in range(3):
        point = [Fraction(rng.randint(-9, 9), rng.randint(1, 9)) for _ in names]
        combined = sum(c * value({mono: 1}, point) * value(polys[k], point) for (k, mono), c in cofactors.items())
        assert combined == value(target, point)
    assert system.lift(pi.parse("b1-1", index)) is None


def test_pruning_zeroes_only_forced_unknowns():
    """Row 0 holds one unknown with right-hand side 0, so column 0 is forced
    to 0, then column 1 (alone in row 1); columns 2 and 3 share rows 2 and 3
    and stay. When the target's row loses every unknown there is nothing to
    solve."""
    entries = [(0, 0, 1), (1, 0, 2), (1, 1, 1), (2, 1, 1), (2, 2, 3), (2, 3, 1), (3, 2, 1), (3, 3, 1)]
    assert pi.GradedSystem.pruned(entries, {3: 1}) == [(2, 2, 3), (2, 3, 1), (3, 2, 1), (3, 3, 1)]
    assert pi.GradedSystem.pruned(entries, {4: 1}) is None
    # Without a lonely row nothing is pruned.
    square = [(0, 0, 1), (0, 1, 1), (1, 0, 1), (1, 1, -1)]
    assert pi.GradedSystem.pruned(square, {0: 1}) == square


def test_balanced_blocks_split_direct_sums():
    """Over every even permutation at d = 3: the groups partition the points,
    p maps each to itself, each has as many upper as lower points, and no
    proper union of its cycles does. Two d = 5 cases by hand."""
    d = 3
    for p in itertools.permutations(range(2 * d)):
        if pi.parity(p):
            continue
        blocks = pi.balanced_blocks(p, d)
        assert sorted(x for group in blocks for x in group) == list(range(2 * d))
        for group in blocks:
            assert {p[x] for x in group} == set(group)
            assert 2 * sum(x < d for x in group) == len(group)
            cycles = [c for c in pi.cycles(p) if c[0] in group]
            for r in range(1, len(cycles)):
                for sub in itertools.combinations(cycles, r):
                    assert 2 * sum(x < d for c in sub for x in c) != sum(len(c) for c in sub), (p, group, sub)
    # Two swaps and a 4-cycle on the lower half, plus a swap across the halves.
    assert pi.balanced_blocks((1, 0, 3, 2, 5, 4, 7, 8, 9, 6), 5) == [[0, 1, 2, 3, 6, 7, 8, 9], [4, 5]]
    # Two 5-cycles, with 3 and 2 upper points: one block.
    assert pi.balanced_blocks((1, 2, 5, 4, 6, 7, 8, 0, 9, 3), 5) == [list(range(10))]


def test_graded_refutations_pass_flowproof_verify(tmp_path):
    """graded_refutation finds, without Singular, witnesses where Singular's
    Groebner bases found them at d = 3 (`045312` positive: delta_1 +
    1/epsilon_1; `134052` signed: 1), flowproof verify accepts them in a
    depth-3 certificate and rejects a tampered cofactor; `034125`, depth 2
    in the signed regime, gets none."""
    flowproof = flowproof_binary()
    cases = [((0, 4, 5, 3, 1, 2), "positive", "positive-coefficients"), ((1, 3, 4, 0, 5, 2), "signed", "monomial")]
    for p, regime, conclusion in cases:
        t = pi.matrix(p)
        witness = pi.graded_refutation(t, regime)
        assert witness and witness["conclusion"] == conclusion, (p, regime)
        source = tmp_path / "t.txt"
        source.write_text("\n".join(" ".join(map(str, row)) for row in t) + "\n")
        c = pi.certificate(t, regime, {"depth": 3, "layers": pi.decomposed(str(source), regime, flowproof), "witness": witness})
        assert pi.write_checked(c, str(tmp_path / "c.json"), flowproof), (p, regime)
        # One cofactor changed: the expansion no longer has the target's form.
        witness["cofactors"][0][2] = pi.fmt(Fraction(witness["cofactors"][0][2]) * 2)
        assert not pi.write_checked(c, str(tmp_path / "tampered.json"), flowproof)
    assert pi.graded_refutation(pi.matrix((0, 3, 4, 1, 2, 5)), "signed") is None


def flowproof_binary():
    path = os.environ.get("FLOWPROOF_BIN") or os.path.join(".build", "debug", "flowproof")
    if not os.path.isabs(path):
        path = os.path.join(pi.ROOT, path)
    assert os.path.exists(path), f"flowproof binary not found at {path}"
    return path


def test_flowproof_only_counts_agree_with_the_full_enumeration(tmp_path):
    """--flowproof-only weights one depth call per orbit by the orbit size;
    search-k2 classifies every permutation. At d = 2 both must agree."""
    flowproof = flowproof_binary()
    script = os.path.join(HERE, "permutation-ideals.py")
    for regime in ("positive", "signed"):
        out = tmp_path / regime
        run = subprocess.run([sys.executable, script, "--d", "2", "--regime", regime, "--out", str(out), "--flowproof",
                              flowproof, "--flowproof-only"], check=True, capture_output=True, text=True)
        summary = json.loads(run.stdout)
        assert summary["complete"] and not glob.glob(str(out / "*.json"))
        full = json.loads(subprocess.run([flowproof, "search-k2", "--d", "2", "--family", "permutations", "--regime", regime,
                                          "--out", str(tmp_path / f"k2-{regime}"), "--json", "--quiet"],
                                         check=True, capture_output=True, text=True).stdout)
        counts = summary["permutations"]
        assert sum(counts.values()) == full["candidates"] == 12
        for depth in (1, 2, 3):
            assert counts.get(f"depth {depth} (flowproof)", 0) == full[f"provenDepth{depth}"], (regime, counts, full)


def test_recorded_orbits_agree_on_each_class():
    """The d = 3 and 4 records decide every orbit of diag(P, P) alone (67 and
    898 of them, each proven by its own certificate); the depth must be the
    same across each class of diag(P, Q) and inversion (docs/theory.md §2).
    The d = 5 records have one line per class, every one decided."""
    for path in sorted(glob.glob(os.path.join(pi.ROOT, "proofs", "permutations", "full-system", "d*-*", "*.outcomes"))):
        depths = {}
        for rep, (size, outcome) in pi.read_outcomes(path).items():
            assert outcome.startswith("depth "), (path, rep, outcome)
            p = tuple(int(c) for c in rep)
            depths.setdefault(pi.class_key(p, len(p) // 2), set()).add(outcome.split()[1])
        # Every class is there (278 at d = 5, where enumerating them takes 20 s).
        d = int(os.path.basename(os.path.dirname(path))[1])
        assert len(depths) == {3: 19, 4: 76, 5: 278}[d], path
        assert all(len(found) == 1 for found in depths.values()), path
