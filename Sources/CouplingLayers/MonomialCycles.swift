import ExactLinearAlgebra

/// `T ∉ K_2` when `T11` and `V = (T⁻¹)22` have at most one nonzero entry
/// per row and column (as the blocks of every permutation matrix do) and
/// their weighted cycles and paths cannot have equal characteristic polynomials
/// (docs/theory.md §4.3, docs/certificate-format.md §6.9).
///
/// Why it is exact and cheap: `T11·Δ1` and `Δ2⁻¹·V` have the same pattern,
/// which splits into cycles and paths; a path is a weighted shift and
/// contributes only roots 0, so the characteristic polynomials are
/// `x^p·Π_c (x^m_c − a_c)` with `p` the number of path points and `a_c ≠ 0`
/// the product of cycle `c`'s entries. Equal polynomials (theory §4.2, which
/// every `T ∈ K_2` satisfies, whatever the rank of `T11`) have equal `p` and
/// equal roots at every other radius, and scaling a radius class to 1 turns
/// each `x^m − a` into `x^m − sign(a)`: so equality needs
/// `Π (x^m_c − s_c) = Π (x^m'_c − s'_c)` with the cycles' signs, which by
/// unique factorization into cyclotomic polynomials compares multisets of
/// indices (`x^m − 1 = Π_{k|m} Φ_k`, `x^m + 1 = Π_{k|2m, k∤m} Φ_k`).
/// In the positive regime the signs are those of the entries; in the signed
/// regime every cycle's sign is free (each scaling lies on one cycle or path).
/// Permutations such as `diag(I, P)` with `P` containing a 3-cycle are
/// "in K_2 numerically" (the product residual tends to 0 along diverging
/// scalings) while this shows they are not in `K_2`. With paths allowed it
/// also proves `A ⊕ J` (`J` the swap, `A` with such cycles) at `d = 5`, whose
/// ideal has complex points: the obstruction is that scalings are real.
///
/// ```swift
/// if let a = MonomialCycles.structure(t11), let b = MonomialCycles.structure(v),
///     MonomialCycles.canAgree(a, b, regime: .signed) == false { print("T ∉ K_2(signed)") }
/// ```
public enum MonomialCycles {
    /// Most cycles on one side in the signed regime, whose check tries every
    /// sign pattern of each side (`2^c` multisets each).
    public static let maximumSignedCycles = 16

    public struct Cycle: Equatable, Sendable {
        public let length: Int
        /// The product of the cycle's entries is negative.
        public let negative: Bool
    }

    /// The cycles and the number of path points of a matrix with at most one
    /// nonzero entry per row and column.
    public struct Structure: Equatable, Sendable {
        public let cycles: [Cycle]
        /// Points on paths (chains of nonzero entries that end in a zero
        /// row): each contributes one root 0.
        public let pathPoints: Int
    }

    /// Row `i`'s nonzero entry in column `σ(i)`, `σ` a partial injection;
    /// nil when some row or column has two nonzero entries.
    public static func structure(_ m: RationalMatrix) -> Structure? {
        let n = m.rows
        guard m.columns == n else { return nil }
        var target = [Int](repeating: -1, count: n), hit = [Bool](repeating: false, count: n)
        for i in 0..<n {
            let nonzero = (0..<n).filter { !m[i, $0].isZero }
            guard nonzero.count <= 1 else { return nil }
            if let j = nonzero.first {
                guard !hit[j] else { return nil }
                target[i] = j
                hit[j] = true
            }
        }
        // σ is injective, so a walk from an unseen point returns to it exactly
        // when the point lies on a cycle; otherwise it covers part of a path.
        var seen = [Bool](repeating: false, count: n), out: [Cycle] = [], pathPoints = 0
        for start in 0..<n where !seen[start] {
            var (i, length, negative) = (start, 0, false)
            while i >= 0, !seen[i] {
                seen[i] = true
                length += 1
                if target[i] >= 0, m[i, target[i]].sign < 0 { negative.toggle() }
                i = target[i]
            }
            if i == start { out.append(Cycle(length: length, negative: negative)) } else { pathPoints += length }
        }
        return Structure(cycles: out, pathPoints: pathPoints)
    }

    /// Whether admissible scalings can give `χ(T11Δ1)` and `χ(Δ2⁻¹V)` equal;
    /// `false` proves `T ∉ K_2(regime)`. Nil in the signed regime above
    /// `maximumSignedCycles` cycles on a side (when the roots 0 agree).
    public static func canAgree(_ t11: Structure, _ v: Structure, regime: Regime) -> Bool? {
        guard t11.pathPoints == v.pathPoints else { return false }
        let (a, b) = (t11.cycles, v.cycles)
        switch regime {
        case .positive:
            return indices(a, signs: a.map(\.negative)) == indices(b, signs: b.map(\.negative))
        case .signed:
            guard a.count <= maximumSignedCycles, b.count <= maximumSignedCycles else { return nil }
            return !allIndexMultisets(a).isDisjoint(with: allIndexMultisets(b))
        }
    }

    /// Sorted cyclotomic indices of `Π (x^m − s)`, `s = −1` where `negative`.
    static func indices(_ cycles: [Cycle], signs: [Bool]) -> [Int] {
        zip(cycles, signs).flatMap { cycle, negative in
            let m = cycle.length
            return negative ? (1...(2 * m)).filter { (2 * m) % $0 == 0 && m % $0 != 0 } : (1...m).filter { m % $0 == 0 }
        }.sorted()
    }

    private static func allIndexMultisets(_ cycles: [Cycle]) -> Set<[Int]> {
        Set(
            (0..<(1 << cycles.count)).map { mask in
                indices(cycles, signs: cycles.indices.map { mask & (1 << $0) != 0 })
            })
    }
}
