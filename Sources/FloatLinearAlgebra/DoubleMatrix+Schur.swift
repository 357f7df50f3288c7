import CLAPACKE

/// The real Schur form through LAPACK's `dgees`.
extension DoubleMatrix {
    /// `(Z, S)` with `self = Z S Zᵀ`, `Z` orthogonal and `S` quasi upper
    /// triangular (1×1 blocks for real eigenvalues, standardized 2×2 blocks
    /// `[a b; c a]`, `bc < 0`, for complex pairs), or nil if LAPACK does not
    /// converge or the matrix has non-finite entries.
    ///
    /// ```swift
    /// if let (z, s) = q.realSchurForm { print(z * s * z.transpose) }   // ≈ q
    /// ```
    public var realSchurForm: (vectors: DoubleMatrix, form: DoubleMatrix)? {
        precondition(isSquare, "Schur form of a non-square matrix")
        guard rows > 0 else { return (self, self) }
        guard isFinite else { return nil }
        let n = Int32(rows)
        var a = entries
        _ = singleThreadedBLAS
        var z = [Double](repeating: 0, count: rows * rows)
        var wr = [Double](repeating: 0, count: rows)
        var wi = [Double](repeating: 0, count: rows)
        var sorted: Int32 = 0
        let info = LAPACKE_dgees(
            LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "N")), nil,
            n, &a, n, &sorted, &wr, &wi, &z, n)
        guard info == 0 else { return nil }
        return (
            DoubleMatrix(rows: rows, columns: rows, columnMajor: z),
            DoubleMatrix(rows: rows, columns: rows, columnMajor: a)
        )
    }
}
