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
        for i in 0..<d {
            for j in 0..<d where i != j {
                rows.append((0..<d).map { c in b.t12[i, c] * b.t21[c, j] })
            }
        }
        m = rows.isEmpty ? .zero(0, d) : RationalMatrix(rows)
        n = RationalMatrix(rows: d, columns: d) { i, c in b.t12[i, c] * b.t21[c, i] }
    }

    /// Solutions of `Mγ = 0`, one per column.
    public var kernel: RationalMatrix { m.rows == 0 ? .identity(d) : m.kernelBasis() }

    /// An admissible `γ` (exact), or `nil` when none exists: `T ∉ K_2`.
    ///
    /// Signed: a kernel vector with no zero coordinate exists iff no
    /// coordinate vanishes on the whole kernel; small integer combinations
    /// of the basis find one (a deterministic retry widens the range).
    /// Positive: the linear program `Mγ = 0, γ >= 1, Nγ <= −1`.
    func admissibleScaling(regime: Regime, rng: inout SeededGenerator) -> [Rational]? {
        regime == .positive ? positiveScaling() : signedScaling(rng: &rng)
    }

    func signedScaling(rng: inout SeededGenerator) -> [Rational]? {
        let basis = kernel
        guard basis.columns > 0 else { return nil }
        // A coordinate that is zero on every basis vector is zero on the kernel.
        guard (0..<d).allSatisfy({ i in (0..<basis.columns).contains { !basis[i, $0].isZero } }) else { return nil }
        for attempt in 0..<256 {
            let spread = 1 + attempt / 16
            let coefficients = (0..<basis.columns).map { _ in attempt == 0 ? 1 : rng.int(in: -spread...spread) }
            let gamma = (0..<d).map { i in
                (0..<basis.columns).reduce(Rational.zero) { $0 + Rational(coefficients[$1]) * basis[i, $1] }
            }
            if gamma.allSatisfy({ !$0.isZero }) { return gamma }
        }
        return nil
    }

    /// `γ = 1 + g` with `g >= 0`, `Mg = −M·1`, `Ng + s = −1 − N·1`, `s >= 0`.
    func positiveScaling() -> [Rational]? {
        let rowsM = m.rows
        let a = RationalMatrix(rows: rowsM + d, columns: 2 * d) { r, c in
            if r < rowsM { return c < d ? m[r, c] : .zero }
            let i = r - rowsM
            return c < d ? n[i, c] : (c - d == i ? .one : .zero)
        }
        let ones = [Rational](repeating: .one, count: d)
        let mOnes = m.rows == 0 ? [] : m.applied(to: ones)
        let nOnes = n.applied(to: ones)
        let b = mOnes.map(\.negated) + nOnes.map { -.one - $0 }
        guard let x = ExactLinearProgram.feasiblePoint(a, b) else { return nil }
        return (0..<d).map { .one + x[$0] }
    }

    /// The Farkas alternative: `y`, `u >= 0`, `w >= 0` with
    /// `Mᵀy − u + Nᵀw = 0` and `Σu + Σw = 1`; exists iff no positive `Γ`.
    public func positiveWitness() -> (y: [Rational], u: [Rational], w: [Rational])? {
        let rowsM = m.rows
        // Variables: y⁺ (rowsM), y⁻ (rowsM), u (d), w (d).
        let columns = 2 * rowsM + 2 * d
        let a = RationalMatrix(rows: d + 1, columns: columns) { r, c in
            if r == d { return c >= 2 * rowsM ? .one : .zero }
            if c < rowsM { return m[c, r] }
            if c < 2 * rowsM { return -m[c - rowsM, r] }
            if c < 2 * rowsM + d { return c - 2 * rowsM == r ? -.one : .zero }
            return n[c - 2 * rowsM - d, r]
        }
        let b = [Rational](repeating: .zero, count: d) + [.one]
        guard let x = ExactLinearProgram.feasiblePoint(a, b) else { return nil }
        let y = (0..<rowsM).map { x[$0] - x[rowsM + $0] }
        return (y, Array(x[(2 * rowsM)..<(2 * rowsM + d)]), Array(x[(2 * rowsM + d)...]))
    }

    /// `y` with `yᵀM = e_k` for the first such `k`: every scaling making
    /// `T12ΓT21` diagonal has `γ_k = 0`, so `T ∉ K_2(signed)`.
    public func signedWitness() -> (k: Int, y: [Rational])? {
        guard m.rows > 0 else { return nil }
        let mt = m.transpose
        for k in 0..<d {
            let e = (0..<d).map { $0 == k ? Rational.one : .zero }
            if let y = mt.particularSolution(e) { return (k, y) }
        }
        return nil
    }
}
