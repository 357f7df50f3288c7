import CLAPACKE

/// Cholesky factorization through LAPACK's `dpotrf` and `dtrtri`.
extension DoubleMatrix {
    /// `R⁻¹` for `self = RᵀR` (`R` upper triangular), reading only the upper
    /// triangle; nil unless `self` is numerically positive definite. `X·R⁻¹`
    /// has orthonormal columns when `self = XᵀX`: a whitening as good as
    /// `self^{−1/2}` (they differ by an orthogonal factor) at a tenth of the
    /// cost of an eigendecomposition.
    ///
    /// ```swift
    /// if let w = x.transposeTimes(x).inverseCholeskyFactor { print((x * w).transposeTimes(x * w)) }   // ≈ I
    /// ```
    public var inverseCholeskyFactor: DoubleMatrix? {
        precondition(isSquare, "inverseCholeskyFactor is for square matrices")
        guard rows > 0 else { return self }
        guard isFinite else { return nil }
        var a = entries
        _ = singleThreadedBLAS
        let n = Int32(rows), upper = Int8(UInt8(ascii: "U"))
        guard LAPACKE_dpotrf(LAPACK_COL_MAJOR, upper, n, &a, n) == 0,
            LAPACKE_dtrtri(LAPACK_COL_MAJOR, upper, Int8(UInt8(ascii: "N")), n, &a, n) == 0
        else { return nil }
        // LAPACK leaves the strict lower triangle untouched.
        for j in 0..<rows {
            for i in (j + 1)..<rows { a[i + j * rows] = 0 }
        }
        let r = DoubleMatrix(rows: rows, columns: rows, columnMajor: a)
        return r.isFinite ? r : nil
    }
}
