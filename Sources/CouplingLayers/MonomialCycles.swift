import ExactLinearAlgebra

/// `T ∉ K_2` when `T11` and `V = (T⁻¹)22` are monomial (one nonzero entry
/// per row and column, as for block-diagonal permutations) and their
/// weighted cycles cannot have equal characteristic polynomials
/// (docs/theory.md §4.3, docs/certificate-format.md §6.9).
///
/// Why it is exact and cheap: `T11·Δ1` and `Δ2⁻¹·V` are monomial too, with
/// characteristic polynomials `Π_c (x^m_c − a_c)` over their cycles, `a_c`
/// the product of the cycle's entries. Equal polynomials (theory §4.2, which
/// every `T ∈ K_2` satisfies) have equal roots at every radius, and scaling a
/// radius class to 1 turns each `x^m − a` into `x^m − sign(a)`: so equality
/// needs `Π (x^m_c − s_c) = Π (x^m'_c − s'_c)` with the cycles' signs, which
/// by unique factorization into cyclotomic polynomials compares multisets
/// of indices (`x^m − 1 = Π_{k|m} Φ_k`, `x^m + 1 = Π_{k|2m, k∤m} Φ_k`).
/// In the positive regime the signs are those of the entries; in the signed
/// regime every cycle's sign is free (each scaling lies on one cycle).
/// Permutations such as `diag(I, P)` with `P` containing a 3-cycle are
/// "in K_2 numerically" (the product residual tends to 0 along diverging
/// scalings) while this shows they are not in `K_2`.
///
/// ```swift
/// if let a = MonomialCycles.cycles(t11), let b = MonomialCycles.cycles(v),
///     !MonomialCycles.canAgree(a, b, regime: .signed) { print("T ∉ K_2(signed)") }
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

    /// The cycles of a monomial matrix (row `i`'s nonzero entry in column
    /// `σ(i)`, `σ` a permutation), or nil when it is not monomial.
    public static func cycles(_ m: RationalMatrix) -> [Cycle]? {
        let n = m.rows
        guard m.columns == n else { return nil }
        var target = [Int](repeating: -1, count: n), hit = [Bool](repeating: false, count: n)
        for i in 0..<n {
            let nonzero = (0..<n).filter { !m[i, $0].isZero }
            guard nonzero.count == 1, !hit[nonzero[0]] else { return nil }
            target[i] = nonzero[0]
            hit[nonzero[0]] = true
        }
        var seen = [Bool](repeating: false, count: n), out: [Cycle] = []
        for start in 0..<n where !seen[start] {
            var (i, length, negative) = (start, 0, false)
            while !seen[i] {
                seen[i] = true
                length += 1
                if m[i, target[i]].sign < 0 { negative.toggle() }
                i = target[i]
            }
            out.append(Cycle(length: length, negative: negative))
        }
        return out
    }

    /// Whether admissible scalings can give `χ(T11Δ1)` and `χ(Δ2⁻¹V)` equal
    /// cyclotomic parts; `false` proves `T ∉ K_2(regime)`. Nil in the signed
    /// regime above `maximumSignedCycles` cycles on a side.
    public static func canAgree(_ t11: [Cycle], _ v: [Cycle], regime: Regime) -> Bool? {
        switch regime {
        case .positive:
            return indices(t11, signs: t11.map(\.negative)) == indices(v, signs: v.map(\.negative))
        case .signed:
            guard t11.count <= maximumSignedCycles, v.count <= maximumSignedCycles else { return nil }
            return !allIndexMultisets(t11).isDisjoint(with: allIndexMultisets(v))
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
