import CLAPACKE

/// A dense real matrix of binary64 values, stored column-major.
///
/// Column-major is LAPACK's and CBLAS's native layout, so every kernel in
/// this module hands `entries` to C without a transposed copy. All pointer
/// and C interop stays inside this module; the public API is Swift types.
///
/// ```swift
/// var a = DoubleMatrix(rows: 2, columns: 2)
/// a[0, 0] = 4; a[0, 1] = 1; a[1, 0] = 2; a[1, 1] = 3
/// let x = a.solve(.identity(2))          // a⁻¹, or nil if singular
/// let kappa = a.conditionNumber          // σ_max / σ_min via dgesdd
/// print(a * x!, a.frobeniusNorm, kappa)
/// ```
/// OpenBLAS runs on one thread: multithreaded kernels split sums differently
/// with the thread count (measured: different layers at d = 256 with 1 and 2
/// threads), which would break byte-identical certificates across machines,
/// and its idle threads spin-wait, which cost more wall time than they saved
/// on the 2-core reference machine. Touched before every BLAS/LAPACK call.
let singleThreadedBLAS: Void = openblas_set_num_threads(1)

public struct DoubleMatrix: Equatable, Sendable, CustomStringConvertible {
    public let rows: Int
    public let columns: Int
    /// Column-major: entry `(i, j)` is `entries[i + j * rows]`.
    public internal(set) var entries: [Double]

    /// The `rows × columns` zero matrix.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "negative dimension")
        self.rows = rows
        self.columns = columns
        entries = Array(repeating: 0, count: rows * columns)
    }

    /// A matrix from column-major `entries`.
    public init(rows: Int, columns: Int, columnMajor entries: [Double]) {
        precondition(entries.count == rows * columns, "entry count does not match shape")
        self.rows = rows
        self.columns = columns
        self.entries = entries
    }

    /// A matrix whose entry `(i, j)` is `generator(i, j)`.
    public init(rows: Int, columns: Int, _ generator: (Int, Int) -> Double) {
        self.init(rows: rows, columns: columns)
        for j in 0..<columns {
            for i in 0..<rows { entries[i + j * rows] = generator(i, j) }
        }
    }

    /// A matrix from a list of equally long rows.
    public init(_ rowList: [[Double]]) {
        let columns = rowList.first?.count ?? 0
        precondition(rowList.allSatisfy { $0.count == columns }, "ragged rows")
        self.init(rows: rowList.count, columns: columns) { rowList[$0][$1] }
    }

    public static func identity(_ n: Int) -> DoubleMatrix {
        diagonal(Array(repeating: 1, count: n))
    }

    public static func diagonal(_ values: [Double]) -> DoubleMatrix {
        var m = DoubleMatrix(rows: values.count, columns: values.count)
        for (i, v) in values.enumerated() { m[i, i] = v }
        return m
    }

    public subscript(i: Int, j: Int) -> Double {
        get { entries[i + j * rows] }
        set { entries[i + j * rows] = newValue }
    }

    public var isSquare: Bool { rows == columns }

    public var transpose: DoubleMatrix {
        DoubleMatrix(rows: columns, columns: rows) { self[$1, $0] }
    }

    public func row(_ i: Int) -> [Double] { (0..<columns).map { self[i, $0] } }
    public var rowArrays: [[Double]] { (0..<rows).map(row) }
    public var diagonalEntries: [Double] { (0..<min(rows, columns)).map { self[$0, $0] } }

    /// The submatrix on rows `r` and columns `c`.
    public func block(rows r: Range<Int>, columns c: Range<Int>) -> DoubleMatrix {
        DoubleMatrix(rows: r.count, columns: c.count) { self[r.lowerBound + $0, c.lowerBound + $1] }
    }

    /// The 2×2 block matrix `[a b; c d]`.
    public static func blocks(
        _ a: DoubleMatrix, _ b: DoubleMatrix,
        _ c: DoubleMatrix, _ d: DoubleMatrix
    ) -> DoubleMatrix {
        precondition(
            a.rows == b.rows && c.rows == d.rows && a.columns == c.columns && b.columns == d.columns,
            "block shapes do not fit")
        return DoubleMatrix(rows: a.rows + c.rows, columns: a.columns + b.columns) { i, j in
            switch (i < a.rows, j < a.columns) {
            case (true, true): a[i, j]
            case (true, false): b[i, j - a.columns]
            case (false, true): c[i - a.rows, j]
            case (false, false): d[i - a.rows, j - a.columns]
            }
        }
    }

    /// `self · diag(scale)`: column `j` multiplied by `scale[j]`.
    public func scalingColumns(by scale: [Double]) -> DoubleMatrix {
        precondition(scale.count == columns, "scale length does not match columns")
        var m = self
        for j in 0..<columns {
            for i in 0..<rows { m.entries[i + j * rows] *= scale[j] }
        }
        return m
    }

    /// `diag(scale) · self`: row `i` multiplied by `scale[i]`.
    public func scalingRows(by scale: [Double]) -> DoubleMatrix {
        precondition(scale.count == rows, "scale length does not match rows")
        var m = self
        for j in 0..<columns {
            for i in 0..<rows { m.entries[i + j * rows] *= scale[i] }
        }
        return m
    }

    /// Entrywise absolute value, used by a-priori rounding-error bounds.
    public var magnitudes: DoubleMatrix {
        DoubleMatrix(rows: rows, columns: columns, columnMajor: entries.map { Swift.abs($0) })
    }

    public var isFinite: Bool { entries.allSatisfy(\.isFinite) }

    /// Largest `|entry|` (0 for an empty matrix).
    public var maxAbs: Double { entries.reduce(0) { Swift.max($0, Swift.abs($1)) } }

    /// `sqrt(Σ entry²)`, scaled by `maxAbs` so it neither overflows nor
    /// underflows for entries near the ends of the binary64 range.
    public var frobeniusNorm: Double {
        let scale = maxAbs
        guard scale > 0, scale.isFinite else { return scale }
        let sum = entries.reduce(0) { $0 + ($1 / scale) * ($1 / scale) }
        return scale * sum.squareRoot()
    }

    public var description: String {
        rowArrays.map { $0.map { "\($0)" }.joined(separator: " ") }.joined(separator: "\n")
    }
}

extension DoubleMatrix {
    /// Matrices with equal row counts side by side, `[a b c]`.
    public static func horizontal(_ parts: [DoubleMatrix]) -> DoubleMatrix {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.rows == parts[0].rows }, "row counts differ")
        return DoubleMatrix(
            rows: parts[0].rows, columns: parts.reduce(0) { $0 + $1.columns },
            columnMajor: parts.flatMap(\.entries))
    }

    /// Matrices with equal column counts stacked, `[a; b; c]`.
    public static func vertical(_ parts: [DoubleMatrix]) -> DoubleMatrix {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.columns == parts[0].columns }, "column counts differ")
        var stacked = DoubleMatrix(rows: parts.reduce(0) { $0 + $1.rows }, columns: parts[0].columns)
        var offset = 0
        for part in parts {
            for j in 0..<part.columns {
                for i in 0..<part.rows { stacked[offset + i, j] = part[i, j] }
            }
            offset += part.rows
        }
        return stacked
    }
}
