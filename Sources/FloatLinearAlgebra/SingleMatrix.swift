import CLAPACKE

/// A dense binary32 matrix, column-major, with the few operations an
/// iterative solver needs. For search directions whose accuracy does not
/// matter beyond a few digits (`LayerRefinement`'s LSQR stops at 3%
/// relative): `cblas_sgemm` runs twice as many flops per cycle as `dgemm`
/// and moves half the bytes. Nothing rigorous is ever computed with it.
///
/// ```swift
/// let a = SingleMatrix(DoubleMatrix.identity(3))
/// print((a * a).frobeniusNorm, (a * a).double)
/// ```
public struct SingleMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    var entries: [Float]

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        entries = Array(repeating: 0, count: rows * columns)
    }

    /// Each entry rounded to the nearest binary32.
    public init(_ m: DoubleMatrix) {
        rows = m.rows
        columns = m.columns
        entries = m.entries.map(Float.init)
    }

    init(rows: Int, columns: Int, entries: [Float]) {
        self.rows = rows
        self.columns = columns
        self.entries = entries
    }

    /// The exact binary64 values of the entries.
    public var double: DoubleMatrix { DoubleMatrix(rows: rows, columns: columns, columnMajor: entries.map(Double.init)) }

    /// `sqrt(Σ entry²)`, accumulated in binary64.
    public var frobeniusNorm: Double { entries.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }

    /// The submatrix on rows `r` and columns `c`.
    public func block(rows r: Range<Int>, columns c: Range<Int>) -> SingleMatrix {
        var m = SingleMatrix(rows: r.count, columns: c.count)
        for j in 0..<c.count {
            let source = r.lowerBound + (c.lowerBound + j) * rows
            m.entries.replaceSubrange((j * r.count)..<((j + 1) * r.count), with: entries[source..<(source + r.count)])
        }
        return m
    }

    /// `self[rowOffset..., columnOffset...] += m`.
    public mutating func add(_ m: SingleMatrix, rowOffset: Int, columnOffset: Int) {
        precondition(rowOffset + m.rows <= rows && columnOffset + m.columns <= columns, "block out of range")
        for j in 0..<m.columns {
            let base = rowOffset + (columnOffset + j) * rows
            for i in 0..<m.rows { entries[base + i] += m.entries[i + j * m.rows] }
        }
    }

    public static func + (a: SingleMatrix, b: SingleMatrix) -> SingleMatrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "shape mismatch in sum")
        return SingleMatrix(rows: a.rows, columns: a.columns, entries: zip(a.entries, b.entries).map { $0 + $1 })
    }

    public static func - (a: SingleMatrix, b: SingleMatrix) -> SingleMatrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "shape mismatch in difference")
        return SingleMatrix(rows: a.rows, columns: a.columns, entries: zip(a.entries, b.entries).map { $0 - $1 })
    }

    public static func * (s: Double, a: SingleMatrix) -> SingleMatrix {
        let f = Float(s)
        return SingleMatrix(rows: a.rows, columns: a.columns, entries: a.entries.map { f * $0 })
    }

    public static func * (a: SingleMatrix, b: SingleMatrix) -> SingleMatrix { gemm(a, false, b, false) }

    /// `selfᵀ · b` without forming the transpose.
    public func transposeTimes(_ b: SingleMatrix) -> SingleMatrix { Self.gemm(self, true, b, false) }

    /// `self · bᵀ` without forming the transpose.
    public func timesTranspose(_ b: SingleMatrix) -> SingleMatrix { Self.gemm(self, false, b, true) }

    private static func gemm(_ a: SingleMatrix, _ transposeA: Bool, _ b: SingleMatrix, _ transposeB: Bool) -> SingleMatrix {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(k == kb, "shape mismatch in product")
        var c = SingleMatrix(rows: m, columns: n)
        guard m > 0, n > 0, k > 0 else { return c }
        _ = singleThreadedBLAS
        a.entries.withUnsafeBufferPointer { pa in
            b.entries.withUnsafeBufferPointer { pb in
                c.entries.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(
                        CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), 1, pa.baseAddress, Int32(max(a.rows, 1)),
                        pb.baseAddress, Int32(max(b.rows, 1)), 0, pc.baseAddress, Int32(m))
                }
            }
        }
        return c
    }
}
