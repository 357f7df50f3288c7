import CLAPACKE

/// Eigendecomposition of symmetric matrices through LAPACK's `dsyevd`.
extension DoubleMatrix {
    /// `self = Q diag(w) Qᵀ` with `Q` orthogonal and `w` ascending, reading
    /// only the lower triangle; nil if LAPACK does not converge or an entry
    /// is not finite.
    ///
    /// ```swift
    /// if let (w, q) = s.symmetricEigen { print(q.scalingColumns(by: w).timesTranspose(q)) }   // ≈ s
    /// ```
    public var symmetricEigen: (values: [Double], vectors: DoubleMatrix)? {
        precondition(isSquare, "symmetricEigen is for square matrices")
        guard rows > 0 else { return ([], self) }
        guard isFinite else { return nil }
        var a = entries
        _ = singleThreadedBLAS
        var w = [Double](repeating: 0, count: rows)
        let info = LAPACKE_dsyevd(
            LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "L")),
            Int32(rows), &a, Int32(rows), &w)
        guard info == 0 else { return nil }
        return (w, DoubleMatrix(rows: rows, columns: rows, columnMajor: a))
    }
}
