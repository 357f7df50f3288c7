import CGMP

/// A dense matrix of exact rationals, stored row-major.
///
/// ```swift
/// let t = RationalMatrix([[1, 2], [3, 4]])
/// let inv = t.inverse()!          // [[-2, 1], [3/2, -1/2]]
/// assert(t * inv == .identity(2))
/// print(t.determinant)            // -2
/// ```
public struct RationalMatrix: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public private(set) var entries: [Rational]

    public init(rows: Int, columns: Int, entries: [Rational]) {
        precondition(entries.count == rows * columns, "entry count does not match shape")
        self.rows = rows
        self.columns = columns
        self.entries = entries
    }

    /// A matrix from its rows; all rows must have the same length.
    public init(_ rowList: [[Rational]]) {
        let columns = rowList.first?.count ?? 0
        precondition(rowList.allSatisfy { $0.count == columns }, "ragged rows")
        self.init(rows: rowList.count, columns: columns, entries: rowList.flatMap { $0 })
    }

    public init(rows: Int, columns: Int, _ generator: (Int, Int) -> Rational) {
        var entries: [Rational] = []
        entries.reserveCapacity(rows * columns)
        for i in 0..<rows { for j in 0..<columns { entries.append(generator(i, j)) } }
        self.init(rows: rows, columns: columns, entries: entries)
    }

    public static func zero(_ rows: Int, _ columns: Int) -> RationalMatrix {
        RationalMatrix(rows: rows, columns: columns, entries: Array(repeating: .zero, count: rows * columns))
    }

    public static func identity(_ n: Int) -> RationalMatrix {
        RationalMatrix(rows: n, columns: n) { i, j in i == j ? .one : .zero }
    }

    public static func diagonal(_ values: [Rational]) -> RationalMatrix {
        RationalMatrix(rows: values.count, columns: values.count) { i, j in i == j ? values[i] : .zero }
    }

    public subscript(i: Int, j: Int) -> Rational {
        get { entries[i * columns + j] }
        set { entries[i * columns + j] = newValue }
    }

    public func row(_ i: Int) -> [Rational] { Array(entries[(i * columns)..<((i + 1) * columns)]) }
    public var rowArrays: [[Rational]] { (0..<rows).map(row) }

    public var isSquare: Bool { rows == columns }
    public var transpose: RationalMatrix { RationalMatrix(rows: columns, columns: rows) { i, j in self[j, i] } }

    /// The main diagonal.
    public var diagonalEntries: [Rational] { (0..<min(rows, columns)).map { self[$0, $0] } }

    public var isDiagonal: Bool {
        for i in 0..<rows { for j in 0..<columns where i != j && !self[i, j].isZero { return false } }
        return true
    }

    public var isZero: Bool { entries.allSatisfy(\.isZero) }

    /// Height in bits: the largest numerator or denominator bit length.
    public var heightBits: Int { entries.map(\.heightBits).max() ?? 0 }

    /// The submatrix on the given row and column ranges.
    public func block(rows r: Range<Int>, columns c: Range<Int>) -> RationalMatrix {
        RationalMatrix(rows: r.count, columns: c.count) { i, j in self[r.lowerBound + i, c.lowerBound + j] }
    }

    /// The submatrix on the given (not necessarily contiguous) indices.
    public func submatrix(rows r: [Int], columns c: [Int]) -> RationalMatrix {
        RationalMatrix(rows: r.count, columns: c.count) { i, j in self[r[i], c[j]] }
    }

    /// `[a b; c d]` from four blocks of compatible shapes.
    public static func blocks(_ a: RationalMatrix, _ b: RationalMatrix, _ c: RationalMatrix, _ d: RationalMatrix) -> RationalMatrix {
        precondition(a.rows == b.rows && c.rows == d.rows && a.columns == c.columns && b.columns == d.columns)
        return RationalMatrix(rows: a.rows + c.rows, columns: a.columns + b.columns) { i, j in
            if i < a.rows { return j < a.columns ? a[i, j] : b[i, j - a.columns] }
            return j < a.columns ? c[i - a.rows, j] : d[i - a.rows, j - a.columns]
        }
    }

    public func map(_ f: (Rational) -> Rational) -> RationalMatrix {
        RationalMatrix(rows: rows, columns: columns, entries: entries.map(f))
    }

    public static func + (a: RationalMatrix, b: RationalMatrix) -> RationalMatrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "shape mismatch")
        return RationalMatrix(rows: a.rows, columns: a.columns, entries: zip(a.entries, b.entries).map(+))
    }

    public static func - (a: RationalMatrix, b: RationalMatrix) -> RationalMatrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "shape mismatch")
        return RationalMatrix(rows: a.rows, columns: a.columns, entries: zip(a.entries, b.entries).map(-))
    }

    public static prefix func - (a: RationalMatrix) -> RationalMatrix { a.map(\.negated) }

    public static func * (s: Rational, a: RationalMatrix) -> RationalMatrix { a.map { s * $0 } }

    /// Exact product on integer matrices with common denominators (see
    /// `multiplyAdd`).
    public static func * (a: RationalMatrix, b: RationalMatrix) -> RationalMatrix { multiplyAdd(a, b, nil) }

    /// `a·b + c` (`c` optional), exactly, with one reduction per entry:
    /// rows of `a` and columns of `b` are scaled to integers, multiplied
    /// with `mpz_addmul` over the nonzero entries only (coupling layers are
    /// often sparse), and `c` is added before the single gcd.
    public static func multiplyAdd(_ a: RationalMatrix, _ b: RationalMatrix, _ c: RationalMatrix?) -> RationalMatrix {
        precondition(a.columns == b.rows, "shape mismatch in product")
        precondition(c.map { $0.rows == a.rows && $0.columns == b.columns } ?? true, "shape mismatch in sum")
        let (ai, rowScale) = IntegerMatrix.rowScaled(a)
        let (bt, columnScale) = IntegerMatrix.rowScaled(b.transpose)
        let support = (0..<a.rows).map { i in (0..<a.columns).filter { ai[i, $0].pointee._mp_size != 0 } }
        var out: [Rational] = []
        out.reserveCapacity(a.rows * b.columns)
        let t = IntegerScratch()
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                __gmpz_set_ui(t.a, 0)
                for k in support[i] where bt[j, k].pointee._mp_size != 0 { __gmpz_addmul(t.a, ai[i, k], bt[j, k]) }
                if let c, !c[i, j].isZero {
                    __gmpz_mul(t.b, rowScale[i, 0], columnScale[j, 0])
                    out.append(Rational.sum(t, plus: c[i, j]))
                } else if t.a.pointee._mp_size == 0 {
                    out.append(.zero)
                } else {
                    __gmpz_mul(t.b, rowScale[i, 0], columnScale[j, 0])
                    out.append(Rational.quotient(t.a, t.b))
                }
            }
        }
        return RationalMatrix(rows: a.rows, columns: b.columns, entries: out)
    }

    /// Matrix–vector product.
    public func applied(to v: [Rational]) -> [Rational] {
        (self * RationalMatrix(rows: v.count, columns: 1, entries: v)).entries
    }
}

extension RationalMatrix: CustomStringConvertible {
    /// One row per line, entries separated by spaces, in canonical form.
    public var description: String {
        rowArrays.map { $0.map(\.description).joined(separator: " ") }.joined(separator: "\n")
    }
}
