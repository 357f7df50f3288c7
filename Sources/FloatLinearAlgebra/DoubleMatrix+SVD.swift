import CLAPACKE

/// Singular values and vectors through LAPACK's divide-and-conquer SVD.
extension DoubleMatrix {
    /// Singular values in decreasing order via `dgesdd` (values only), or nil
    /// if LAPACK does not converge or the matrix has non-finite entries.
    public var singularValues: [Double]? {
        let k = Swift.min(rows, columns)
        guard k > 0 else { return [] }
        guard isFinite else { return nil }
        var a = entries
        _ = singleThreadedBLAS
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: 1)
        var vt = [Double](repeating: 0, count: 1)
        let info = LAPACKE_dgesdd(
            LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int32(rows), Int32(columns),
            &a, Int32(rows), &s, &u, 1, &vt, 1)
        return info == 0 ? s : nil
    }

    /// `self = U diag(s) Vᵀ` for a square matrix, `s` decreasing, `U` and
    /// `V` orthogonal (`dgesdd`); nil if LAPACK does not converge or the
    /// matrix has non-finite entries.
    ///
    /// ```swift
    /// if let (u, s, vt) = a.singularValueDecomposition { print(u.scalingColumns(by: s) * vt) }   // ≈ a
    /// ```
    public var singularValueDecomposition: (u: DoubleMatrix, s: [Double], vt: DoubleMatrix)? {
        precondition(isSquare, "singularValueDecomposition is for square matrices")
        guard rows > 0 else { return (self, [], self) }
        guard isFinite else { return nil }
        let n = Int32(rows)
        var a = entries
        _ = singleThreadedBLAS
        var s = [Double](repeating: 0, count: rows)
        var u = [Double](repeating: 0, count: rows * rows)
        var vt = [Double](repeating: 0, count: rows * rows)
        let info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "A")), n, n, &a, n, &s, &u, n, &vt, n)
        guard info == 0 else { return nil }
        return (
            DoubleMatrix(rows: rows, columns: rows, columnMajor: u), s,
            DoubleMatrix(rows: rows, columns: rows, columnMajor: vt)
        )
    }

    /// Singular values, decreasing, of the upper bidiagonal matrix with
    /// `diagonal` and `superdiagonal` (one shorter), by `dbdsqr` without
    /// vectors: `O(n²)`, where a dense SVD of the same matrix is `O(n³)`.
    public static func bidiagonalSingularValues(diagonal: [Double], superdiagonal: [Double]) -> [Double]? {
        precondition(superdiagonal.count == Swift.max(diagonal.count - 1, 0), "superdiagonal length")
        guard !diagonal.isEmpty else { return [] }
        guard (diagonal + superdiagonal).allSatisfy(\.isFinite) else { return nil }
        var (d, e) = (diagonal, superdiagonal + [0])
        // No vectors are asked for, so LAPACK never reads these.
        var (vt, u, c) = ([0.0], [0.0], [0.0])
        let info = LAPACKE_dbdsqr(
            LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(d.count), 0, 0, 0, &d, &e, &vt, 1, &u, 1, &c, 1)
        return info == 0 ? d : nil
    }

    /// The 2-norm condition number `σ_max / σ_min` (infinity if singular or
    /// if the SVD fails).
    public var conditionNumber: Double {
        guard let s = singularValues, let largest = s.first, let smallest = s.last else { return .infinity }
        return smallest > 0 ? largest / smallest : .infinity
    }
}
