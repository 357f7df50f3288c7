import ExactLinearAlgebra

/// Exact depth-2 factorizations in the cases where one is easy to get
/// (theory §4). A `nil` result says nothing about membership in `K_2`.
enum DepthTwoConstruction {
    static func factor(_ prepared: PreparedMatrix, regime: Regime, rng: inout SeededGenerator) -> UnipotentProduct? {
        if prepared.blocks.t11.isZero { return t11Zero(prepared.blocks, regime: regime, rng: &rng) }
        return similarDiagonalScaling(prepared, regime: regime)
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
    static func similarDiagonalScaling(_ prepared: PreparedMatrix, regime: Regime) -> UnipotentProduct? {
        let b = prepared.blocks, d = b.d
        let det = prepared.determinant
        guard let v = prepared.v else { return nil }
        var signs: [Rational] = [.one]
        if regime == .signed { signs.append(-.one) }
        for s in signs {
            // Δ1 = I, Δ2 = s·diag(1/(s^d det), 1, …, 1): det(TΔ) = 1.
            var delta2 = [Rational](repeating: s, count: d)
            delta2[0] = s / (det * (d % 2 == 0 ? .one : s))
            guard regime.admitsAll(delta2) else { continue }
            let m = b.t11
            let target = RationalMatrix(rows: d, columns: d) { i, j in v[i, j] / delta2[i] }
            if let p = Similarity.transform(from: m, to: target) ?? Similarity.intertwiner(from: m, to: target),
                let product = fromIntertwiner(b, p: p, delta1: Array(repeating: .one, count: d), delta2: delta2)
            {
                return product
            }
        }
        return nil
    }

    /// §4.5's construction from an admissible `Δ` and an invertible `P` with
    /// `Δ2⁻¹V = P⁻¹MP`, `M = T11Δ1`: `Y = P`, `Z = P⁻¹(M − I)`,
    /// `W = M⁻¹(T12Δ2 − Y)`, `X = (T21Δ1 − Z)M⁻¹`.
    static func fromIntertwiner(_ b: BlockView, p: RationalMatrix, delta1: [Rational], delta2: [Rational]) -> UnipotentProduct? {
        let d = b.d
        let m = b.t11 * .diagonal(delta1)
        guard let pInverse = p.inverse(), let mInverse = m.inverse() else { return nil }
        let z = pInverse * (m - .identity(d))
        let w = mInverse * (b.t12 * .diagonal(delta2) - p)
        let x = (b.t21 * .diagonal(delta1) - z) * mInverse
        return UnipotentProduct(pairs: [(x, p), (z, w)], g1: delta1.map(\.reciprocal), g2: delta2.map(\.reciprocal))
    }

    /// The exact construction for a given rational `Δ` (e.g. scalings that the
    /// numerical search returned close to small rationals), by the exact
    /// intertwiner null space. `nil` proves nothing.
    static func withScaling(_ prepared: PreparedMatrix, delta1: [Rational], delta2: [Rational], regime: Regime) -> UnipotentProduct? {
        let b = prepared.blocks, d = b.d
        guard delta1.count == d, delta2.count == d, regime.admitsAll(delta1), regime.admitsAll(delta2),
            let v = prepared.v
        else { return nil }
        let m = b.t11 * .diagonal(delta1)
        let target = RationalMatrix(rows: d, columns: d) { i, j in v[i, j] / delta2[i] }
        guard !m.determinant.isZero,
            let p = Similarity.transform(from: m, to: target) ?? Similarity.intertwiner(from: m, to: target)
        else { return nil }
        return fromIntertwiner(b, p: p, delta1: delta1, delta2: delta2)
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

    /// Work budget of `intertwiner`: its linear system is `d² × d²`.
    static let intertwinerMaximumD = 8

    /// An invertible `P` with `M·P = P·N` from the exact null space of
    /// `P ↦ MP − PN` (derogatory matrices, where Krylov bases fail): the
    /// basis vectors, their sum, then small integer combinations from a fixed
    /// seed, the first with `det P ≠ 0`. Only for `d <= intertwinerMaximumD`
    /// and when `tr Mᵏ = tr Nᵏ` for `k = 1…d` (equal characteristic
    /// polynomials, necessary). `nil` proves nothing.
    static func intertwiner(from m: RationalMatrix, to n: RationalMatrix) -> RationalMatrix? {
        let d = m.rows
        guard d >= 1, d <= intertwinerMaximumD else { return nil }
        var mk = m, nk = n
        for k in 1...d {
            if k > 1 { mk = mk * m; nk = nk * n }
            guard mk.trace == nk.trace else { return nil }
        }
        // vec(P) row-major: the map P ↦ MP − PN.
        let (left, right) = (LinearMap.left(m), LinearMap.right(n))
        let system = RationalMatrix(rows: d * d, columns: d * d) { left[$0][$1] - right[$0][$1] }
        let basis = system.kernelBasis()
        let nullity = basis.columns
        guard nullity > 0 else { return nil }
        // The leading zero combination gives P = 0, which the determinant skips.
        for coefficients in LinearMap.combinations(nullity, seed: 0x4b32, random: 32) {
            let p = RationalMatrix(rows: d, columns: d) { i, j in
                var s = Rational.zero
                for (c, a) in coefficients.enumerated() where a != 0 { s = s + Rational(a) * basis[i * d + j, c] }
                return s
            }
            guard !p.determinant.isZero else { continue }
            guard m * p == p * n else { return nil }
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

/// Scalings of a numerical depth-2 solution snapped to small rationals.
enum ScalingSnap {
    /// Largest denominator tried, and the absolute tolerance of a snap.
    static let maximumDenominator = 4
    static let tolerance = 1e-8

    /// `p/q` with `q <= maximumDenominator` within `tolerance` of `x`.
    static func snap(_ x: Double) -> Rational? {
        guard x.isFinite, abs(x) < 1e6 else { return nil }
        for q in 1...maximumDenominator {
            let p = (x * Double(q)).rounded()
            if abs(x - p / Double(q)) <= tolerance { return Rational(Int(p), q) }
        }
        return nil
    }

    /// Candidate rational `(Δ1, Δ2)`: the solution as returned, then for each
    /// `k` normalized by the symmetry `δ → δ/δ_k`, `γ → γ·δ_k` (which keeps
    /// both (E_j) and `det(TΔ)`), each entry rounded by `snap`, without
    /// duplicates, in a fixed order.
    static func candidates(delta1: [Double], delta2: [Double], snap: (Double) -> Rational? = snap)
        -> [([Rational], [Rational])]
    {
        var result: [([Rational], [Rational])] = []
        let scales = [1.0] + delta1.map { 1 / $0 }
        for t in scales where t.isFinite && t != 0 {
            let d1 = delta1.map { snap($0 * t) }, d2 = delta2.map { snap($0 / t) }
            guard d1.allSatisfy({ $0 != nil }), d2.allSatisfy({ $0 != nil }) else { continue }
            let candidate = (d1.map { $0! }, d2.map { $0! })
            if !result.contains(where: { $0.0 == candidate.0 && $0.1 == candidate.1 }) { result.append(candidate) }
        }
        return result
    }
}
