import ExactLinearAlgebra

/// Exact depth-2 factorizations in the cases where one is easy to get
/// (theory §4). A `nil` result says nothing about membership in `K_2`.
enum DepthTwoConstruction {
    static func factor(_ t: RationalMatrix, regime: Regime, rng: inout SeededGenerator) -> UnipotentProduct? {
        let b = BlockView(t)
        if b.t11.isZero { return t11Zero(b, regime: regime, rng: &rng) }
        return similarDiagonalScaling(t, b, regime: regime)
    }

    /// `T11 = 0`: `T ∈ K_2` iff some admissible `Γ` makes `T12 Γ T21`
    /// diagonal (negative in the positive regime). Then `Δ2 = Γ`,
    /// `Δ1 = −(T12 Γ T21)⁻¹`, `Y = T12Δ2`, `Z = T21Δ1`, `W = 0`,
    /// `X = (T22Δ2 − I)Y⁻¹`.
    static func t11Zero(_ b: BlockView, regime: Regime, rng: inout SeededGenerator) -> UnipotentProduct? {
        guard let gamma = T11ZeroSystem(b).admissibleScaling(regime: regime, rng: &rng) else { return nil }
        let d = b.d
        let product = b.t12 * .diagonal(gamma) * b.t21
        let delta1 = product.diagonalEntries.map { -$0.reciprocal }
        guard regime.admitsAll(delta1) else { return nil }
        let y = b.t12 * .diagonal(gamma)
        let z = b.t21 * .diagonal(delta1)
        guard let yInverse = y.inverse() else { return nil }
        let x = (b.t22 * .diagonal(gamma) - .identity(d)) * yInverse
        return UnipotentProduct(
            pairs: [(x, y), (z, .zero(d, d))],
            g1: delta1.map(\.reciprocal), g2: gamma.map(\.reciprocal))
    }

    /// `T11` invertible: try the diagonal scalings `Δ` with `det(TΔ) = 1`
    /// that a user's matrix most often admits (`Δ1 = I`, `Δ2 = ±I` up to the
    /// determinant) and check `T11Δ1 ~ Δ2⁻¹V` by a Krylov similarity.
    static func similarDiagonalScaling(_ t: RationalMatrix, _ b: BlockView, regime: Regime) -> UnipotentProduct? {
        let d = b.d
        let det = t.determinant
        guard let inverse = t.inverse() else { return nil }
        let v = inverse.block(rows: d..<(2 * d), columns: d..<(2 * d))
        var signs: [Rational] = [.one]
        if regime == .signed { signs.append(-.one) }
        for s in signs {
            // Δ1 = I, Δ2 = s·diag(1/(s^d det), 1, …, 1): det(TΔ) = 1.
            var delta2 = [Rational](repeating: s, count: d)
            delta2[0] = s / (det * (d % 2 == 0 ? .one : s))
            guard regime.admitsAll(delta2) else { continue }
            let m = b.t11
            let target = RationalMatrix(rows: d, columns: d) { i, j in v[i, j] / delta2[i] }
            guard let p = Similarity.transform(from: m, to: target) else { continue }
            // Δ2⁻¹V = P⁻¹ M P: Y = P, Z = P⁻¹(M − I), W = M⁻¹(T12Δ2 − Y), X = (T21Δ1 − Z)M⁻¹.
            guard let pInverse = p.inverse(), let mInverse = m.inverse() else { continue }
            let z = pInverse * (m - .identity(d))
            let w = mInverse * (b.t12 * .diagonal(delta2) - p)
            let x = (b.t21 - z) * mInverse
            return UnipotentProduct(
                pairs: [(x, p), (z, w)],
                g1: Array(repeating: .one, count: d), g2: delta2.map(\.reciprocal))
        }
        return nil
    }
}

/// Exact similarity transforms for the cases flowproof can decide cheaply.
enum Similarity {
    /// `P` with `P⁻¹·M·P = N`: `P = I` when equal, otherwise Krylov bases
    /// when both are non-derogatory with the same characteristic polynomial.
    static func transform(from m: RationalMatrix, to n: RationalMatrix) -> RationalMatrix? {
        let d = m.rows
        if m == n { return .identity(d) }
        guard m.trace == n.trace, m.determinant == n.determinant else { return nil }
        for start in 0..<d {
            let e = RationalMatrix(rows: d, columns: 1) { i, _ in i == start ? .one : .zero }
            let km = krylov(m, e), kn = krylov(n, e)
            guard let knInverse = kn.inverse(), km.inverse() != nil else { continue }
            // M·Km = Km·Comp and N·Kn = Kn·Comp' agree iff the companion
            // matrices (characteristic polynomials) agree; checked below.
            let p = km * knInverse
            guard let pInverse = p.inverse(), pInverse * m * p == n else { return nil }
            return p
        }
        return nil
    }

    static func krylov(_ m: RationalMatrix, _ start: RationalMatrix) -> RationalMatrix {
        var columns = [start]
        for _ in 1..<max(m.rows, 1) { columns.append(m * columns.last!) }
        return RationalMatrix(rows: m.rows, columns: m.rows) { i, j in columns[j][i, 0] }
    }
}

extension RationalMatrix {
    public var trace: Rational { diagonalEntries.reduce(.zero, +) }
}
