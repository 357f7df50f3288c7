import CLAPACKE

/// Singular values through LAPACK's divide-and-conquer SVD.
extension DoubleMatrix {
    /// Singular values in decreasing order via `dgesdd` (values only), or nil
    /// if LAPACK does not converge or the matrix has non-finite entries.
    public var singularValues: [Double]? {
        let k = Swift.min(rows, columns)
        guard k > 0 else { return [] }
        guard isFinite else { return nil }
        var a = entries
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: 1)
        var vt = [Double](repeating: 0, count: 1)
        let info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int32(rows), Int32(columns),
                                  &a, Int32(rows), &s, &u, 1, &vt, 1)
        return info == 0 ? s : nil
    }

    /// The 2-norm condition number `σ_max / σ_min` (infinity if singular or
    /// if the SVD fails).
    public var conditionNumber: Double {
        guard let s = singularValues, let largest = s.first, let smallest = s.last else { return .infinity }
        return smallest > 0 ? largest / smallest : .infinity
    }
}
