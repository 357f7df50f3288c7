import CLAPACKE

/// Entrywise sums, scalar multiples and the CBLAS matrix product.
extension DoubleMatrix {
    public static func + (a: DoubleMatrix, b: DoubleMatrix) -> DoubleMatrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "shape mismatch in sum")
        return DoubleMatrix(
            rows: a.rows, columns: a.columns,
            columnMajor: zip(a.entries, b.entries).map { $0 + $1 })
    }

    public static func - (a: DoubleMatrix, b: DoubleMatrix) -> DoubleMatrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "shape mismatch in difference")
        return DoubleMatrix(
            rows: a.rows, columns: a.columns,
            columnMajor: zip(a.entries, b.entries).map { $0 - $1 })
    }

    public static prefix func - (a: DoubleMatrix) -> DoubleMatrix {
        DoubleMatrix(rows: a.rows, columns: a.columns, columnMajor: a.entries.map { -$0 })
    }

    public static func * (s: Double, a: DoubleMatrix) -> DoubleMatrix {
        DoubleMatrix(rows: a.rows, columns: a.columns, columnMajor: a.entries.map { s * $0 })
    }

    /// The product through `cblas_dgemm` (OpenBLAS). Rounding: every entry is
    /// a dot product of length `a.columns`, so `|fl(ab) − ab| ≤ γ_n |a||b|`
    /// with `n = a.columns` in any summation order, with or without FMA.
    public static func * (a: DoubleMatrix, b: DoubleMatrix) -> DoubleMatrix {
        gemm(a, transposeA: false, b, transposeB: false)
    }

    /// `selfᵀ · b` without forming the transpose.
    public func transposeTimes(_ b: DoubleMatrix) -> DoubleMatrix {
        DoubleMatrix.gemm(self, transposeA: true, b, transposeB: false)
    }

    /// `self · bᵀ` without forming the transpose (e.g. the Gram matrix `J Jᵀ`).
    public func timesTranspose(_ b: DoubleMatrix) -> DoubleMatrix {
        DoubleMatrix.gemm(self, transposeA: false, b, transposeB: true)
    }

    /// `c ± a·b` in one `dgemm` (`c` is the accumulator, not a separate sum).
    public static func multiplyAdd(_ a: DoubleMatrix, _ b: DoubleMatrix, _ c: DoubleMatrix, subtracting: Bool) -> DoubleMatrix {
        precondition(c.rows == a.rows && c.columns == b.columns, "shape mismatch in sum")
        return gemm(a, transposeA: false, b, transposeB: false, adding: c, alpha: subtracting ? -1 : 1)
    }

    /// `alpha·op(a)·op(b) + c` (`c` zero when `nil`).
    private static func gemm(
        _ a: DoubleMatrix, transposeA: Bool,
        _ b: DoubleMatrix, transposeB: Bool,
        adding sum: DoubleMatrix? = nil, alpha: Double = 1
    ) -> DoubleMatrix {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(k == kb, "shape mismatch in product")
        var c = sum ?? DoubleMatrix(rows: m, columns: n)
        guard m > 0, n > 0, k > 0 else { return c }
        _ = singleThreadedBLAS
        a.entries.withUnsafeBufferPointer { pa in
            b.entries.withUnsafeBufferPointer { pb in
                c.entries.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(
                        CblasColMajor, transposeA ? CblasTrans : CblasNoTrans,
                        transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k),
                        alpha, pa.baseAddress, Int32(max(a.rows, 1)),
                        pb.baseAddress, Int32(max(b.rows, 1)),
                        sum == nil ? 0 : 1, pc.baseAddress, Int32(m))
                }
            }
        }
        return c
    }

    /// Overwrites column `column` of `self` with `vec(scale · x[:, xColumn] ·
    /// y[yRow, :])` (column-major `vec`), through BLAS `dger`. This is how a
    /// Jacobian column of a matrix product is built: a parameter that moves
    /// one entry of one factor changes the product by such an outer product.
    public mutating func setColumnToOuterProduct(
        _ column: Int, scale: Double,
        _ x: DoubleMatrix, column xColumn: Int,
        _ y: DoubleMatrix, row yRow: Int
    ) {
        precondition(rows == x.rows * y.columns, "column length must be x.rows · y.columns")
        let base = column * rows
        _ = singleThreadedBLAS
        entries.withUnsafeMutableBufferPointer { pc in
            let target = pc.baseAddress! + base
            target.update(repeating: 0, count: rows)
            x.entries.withUnsafeBufferPointer { px in
                y.entries.withUnsafeBufferPointer { py in
                    cblas_dger(
                        CblasColMajor, Int32(x.rows), Int32(y.columns), scale,
                        px.baseAddress! + xColumn * x.rows, 1,
                        py.baseAddress! + yRow, Int32(y.rows),
                        target, Int32(x.rows))
                }
            }
        }
    }
}
