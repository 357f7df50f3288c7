import FloatLinearAlgebra

/// Theory.md §5 run in binary64, for sizes where dense least squares is too
/// expensive. With `det T = 1`: `Y = 0`, `E = −T12`, `C = Q E⁻¹`; the
/// commutator `H C = K⁻¹ H K` by the unpivoted-LU recipe; then
/// `X = E⁻¹(H − T11)`, `P = K E` and the depth-2 formulas of §4.
///
/// Measured (and predicted by §6): entries and residual grow quickly with
/// `d` (fine at d ≤ 4, residual ~1e-6 at d = 8, useless from d = 16), because
/// the leading principal minors `m_i` spread over many orders of magnitude
/// and the triangular eigenvector matrices inherit that spread.
enum CommutatorConstruction {
    /// Depth-3 layers for `t` with `det t = 1`, or nil when a pivot or an
    /// eigenvalue gap is exactly zero for every tried similarity.
    static func layers(_ t: DoubleMatrix, seed: UInt64) -> [FloatCouplingPair]? {
        let d = t.rows / 2
        let identity = DoubleMatrix.identity(d)
        let zero = DoubleMatrix(rows: d, columns: d)
        guard let inverse = t.inverse() else { return nil }
        let t11 = t.block(rows: 0..<d, columns: 0..<d)
        let t12 = t.block(rows: 0..<d, columns: d..<(2 * d))
        let q = inverse.block(rows: 0..<d, columns: d..<(2 * d))
        let e = -t12
        guard let c = e.solveFromRight(q),
              let (h, k) = commutator(c, seed: seed),
              let x = e.solve(h - t11),
              let z1 = (k * e).solve(h - identity)
        else { return nil }
        let y1 = k * e
        let nInverse = DoubleMatrix.blocks(identity, zero, -x, identity)
        let tPrime = t * nInverse
        guard let w1 = h.solve(tPrime.block(rows: 0..<d, columns: d..<(2 * d)) - y1),
              let x1 = h.solveFromRight(tPrime.block(rows: d..<(2 * d), columns: 0..<d) - z1)
        else { return nil }
        let ones = [Double](repeating: 1, count: d)
        return [
            FloatCouplingPair(A: x1, B: ones, C: ones, D: y1),
            FloatCouplingPair(A: z1, B: ones, C: ones, D: w1),
            FloatCouplingPair(A: x, B: ones, C: ones, D: zero),
        ]
    }

    /// `H, K` with `H C = K⁻¹ H K` for `det C = 1` (theory.md §5 step 3),
    /// trying the identity and then seeded random Gaussian similarities `P`.
    static func commutator(_ c: DoubleMatrix, seed: UInt64) -> (DoubleMatrix, DoubleMatrix)? {
        let d = c.rows
        var source = GaussianMatrixSource(seed: seed)
        for attempt in 0..<8 {
            let p = attempt == 0 ? DoubleMatrix.identity(d) : source.matrix(rows: d, columns: d)
            guard let pInverse = p.inverse(),
                  let result = triangularCommutator(p * c * pInverse)
            else { continue }
            return (pInverse * result.h * p, pInverse * result.k * p)
        }
        return nil
    }

    /// The recipe on `C' = L U` with leading minors `m_i`: `H' = U⁻¹ D`,
    /// `D = diag(1/m_0..1/m_{d−1})`, `K' = S1 S2⁻¹` from eigenvectors.
    private static func triangularCommutator(_ c: DoubleMatrix) -> (h: DoubleMatrix, k: DoubleMatrix)? {
        let d = c.rows
        guard let (l, u) = c.unpivotedLU else { return nil }
        var minors = [1.0]
        for i in 0..<d { minors.append(minors[i] * u[i, i]) }
        let dInverse = DoubleMatrix.diagonal((0..<d).map { 1 / minors[$0] })
        guard let h = u.solve(dInverse),
              let s1 = h.upperTriangularEigenvectors,
              let sLower = (dInverse * l).reversed.upperTriangularEigenvectors?.reversed
        else { return nil }
        // H' has eigenvalue 1/m_{i+1} in column i; D·L has 1/m_j in column j.
        let matched = DoubleMatrix(rows: d, columns: d) { r, col in sLower[r, (col + 1) % d] }
        guard let s2 = u.solve(matched), let k = s2.solveFromRight(s1) else { return nil }
        return (h, k)
    }
}
