import ExactLinearAlgebra

/// Depth 3 for every `T` with `det T > 0` and every `d >= 1`: the exact
/// rational construction of theory §5.
///
/// `TΔ` (with `det(TΔ) = 1`) is written as six unipotent blocks: a first
/// pair `n = [I 0; X I][I Y; 0 I]` makes `T' = TΔn⁻¹` satisfy the depth-2
/// sufficient condition with `T'11 = H` and `(T'⁻¹)22 = (KE)⁻¹H(KE)`, where
/// `H·C = K⁻¹·H·K` is a commutator factorization of `C = F E⁻¹ ∈ SL_d`.
enum DepthThreeConstruction {
    static func factor(_ t: RationalMatrix, rng: inout SeededGenerator) -> UnipotentProduct? {
        let d = t.rows / 2
        // Step 1: Δ = diag(1/det T, 1, …, 1; I) so that det(TΔ) = 1.
        let det = t.determinant
        var g1 = [Rational](repeating: .one, count: d)
        g1[0] = det
        let scaled = RationalMatrix(rows: 2 * d, columns: 2 * d) { i, j in j == 0 ? t[i, j] / det : t[i, j] }
        guard let inverse = scaled.inverse() else { return nil }
        let b = BlockView(scaled)
        let q = inverse.block(rows: 0..<d, columns: d..<(2 * d))
        let v = inverse.block(rows: d..<(2 * d), columns: d..<(2 * d))

        // Step 2: Y with E = T11·Y − T12 invertible; small choices first.
        for y in candidateShifts(d, &rng) {
            let e = b.t11 * y - b.t12
            guard let eInverse = e.inverse() else { continue }
            let f = q + y * v
            let c = f * eInverse
            // Step 3: H·C = K⁻¹·H·K.
            guard let factors = CommutatorFactorization.factor(c, rng: &rng) else { continue }
            let (h, hInverse, k) = (factors.h, factors.hInverse, factors.k)
            // Step 4: X makes T'11 = H.
            let x = eInverse * (h - b.t11)
            let nInverse = RationalMatrix.blocks(.identity(d) + y * x, -y, -x, .identity(d))
            let tPrime = BlockView(scaled * nInverse)
            // Step 5: the depth-2 sufficient condition with P = KE, M = H.
            let y1 = k * e
            let z1 = eInverse * factors.kInverse * (h - .identity(d))
            let w1 = hInverse * (tPrime.t12 - y1)
            let x1 = (tPrime.t21 - z1) * hInverse
            return UnipotentProduct(pairs: [(x1, y1), (z1, w1), (x, y)], g1: g1, g2: Array(repeating: .one, count: d))
        }
        return nil
    }

    /// `0`, `±I`, then random small integer matrices: `[T11 T12]` has full
    /// row rank, so almost every `Y` makes `E` invertible.
    static func candidateShifts(_ d: Int, _ rng: inout SeededGenerator) -> [RationalMatrix] {
        var list = [RationalMatrix.zero(d, d), .identity(d), -RationalMatrix.identity(d)]
        for attempt in 0..<32 {
            let spread = 1 + attempt / 4
            list.append(RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -spread...spread)) })
        }
        return list
    }
}
