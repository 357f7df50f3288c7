import ExactLinearAlgebra

/// The linear system behind `T11 = 0` (theory §4): `T ∈ K_2` iff an
/// admissible diagonal `Γ = diag(γ)` makes `T12 Γ T21` diagonal, and in the
/// positive regime with negative diagonal.
///
/// `M` has one row per ordered pair `(i, j)`, `i ≠ j` (row-major), with
/// `M[(i,j), c] = T12[i][c]·T21[c][j]`, so the off-diagonal entries are
/// `Mγ`; `N[i, c] = T12[i][c]·T21[c][i]` gives the diagonal `Nγ`.
public struct T11ZeroSystem: Sendable {
    public let m: RationalMatrix
    public let n: RationalMatrix
    public let d: Int

    public init(_ b: BlockView) {
        d = b.d
        var rows: [[Rational]] = []
        for i in 0..<d { for j in 0..<d where i != j {
            rows.append((0..<d).map { c in b.t12[i, c] * b.t21[c, j] })
        } }
        m = rows.isEmpty ? .zero(0, d) : RationalMatrix(rows)
        n = RationalMatrix(rows: d, columns: d) { i, c in b.t12[i, c] * b.t21[c, i] }
    }

    /// Solutions of `Mγ = 0`, one per column.
    public var kernel: RationalMatrix { m.rows == 0 ? .identity(d) : m.kernelBasis() }

    /// An admissible `γ` found among small integer combinations of the
    /// kernel basis, or `nil`.
    func admissibleScaling(regime: Regime, rng: inout SeededGenerator) -> [Rational]? {
        let basis = kernel
        guard basis.columns > 0 else { return nil }
        func accept(_ gamma: [Rational]) -> Bool {
            guard regime.admitsAll(gamma) else { return false }
            let diagonal = n.applied(to: gamma)
            return regime == .positive ? diagonal.allSatisfy { $0.sign < 0 } : diagonal.allSatisfy { !$0.isZero }
        }
        var coefficientSets: [[Int]] = (0..<basis.columns).map { k in (0..<basis.columns).map { $0 == k ? 1 : 0 } }
        coefficientSets.append(Array(repeating: 1, count: basis.columns))
        for _ in 0..<64 { coefficientSets.append((0..<basis.columns).map { _ in rng.int(in: -4...4) }) }
        for coefficients in coefficientSets {
            let gamma = (0..<d).map { i in
                (0..<basis.columns).reduce(Rational.zero) { $0 + Rational(coefficients[$1]) * basis[i, $1] }
            }
            if accept(gamma) { return gamma }
            let negated = gamma.map(\.negated)
            if accept(negated) { return negated }
        }
        return nil
    }
}
