import FloatLinearAlgebra

/// Seeded Gaussian `2d × 2d` matrices with `det > 0` (first column negated
/// when needed) and the structured examples of theory.md §4.
enum TestMatrices {
    static func gaussian(d: Int, seed: UInt64) -> DoubleMatrix {
        var source = GaussianMatrixSource(seed: seed)
        var t = source.matrix(rows: 2 * d, columns: 2 * d)
        if let det = t.determinantEstimate, det.sign < 0 {
            for i in 0..<t.rows { t[i, 0] = -t[i, 0] }
        }
        return t
    }

    /// `[a·I  b·I; c·I  e·I]`.
    static func scalarBlocks(d: Int, _ a: Double, _ b: Double, _ c: Double, _ e: Double) -> DoubleMatrix {
        let i = DoubleMatrix.identity(d)
        return .blocks(a * i, b * i, c * i, e * i)
    }
}
