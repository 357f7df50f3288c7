/// `M = P·L·D·U`: a row permutation `P`, unit lower triangular `L`,
/// diagonal `D` (the pivots) and unit upper triangular `U`.
///
/// ```swift
/// let m = RationalMatrix([[0, 2], [3, 4]])
/// let f = m.lduDecomposition()!          // rows swapped: the (0,0) pivot is zero
/// assert(f.permutation * f.lower * .diagonal(f.pivots) * f.upper == m)
/// ```
public struct LDUDecomposition: Sendable {
    /// Row `k` of `L·D·U` is row `rowOrder[k]` of `M`.
    public let rowOrder: [Int]
    public let lower: RationalMatrix
    public let pivots: [Rational]
    public let upper: RationalMatrix

    /// `P`, with `P[rowOrder[k], k] = 1`.
    public var permutation: RationalMatrix {
        var p = RationalMatrix.zero(rowOrder.count, rowOrder.count)
        for (k, row) in rowOrder.enumerated() { p[row, k] = .one }
        return p
    }
}

extension RationalMatrix {
    /// The LDU decomposition, pivoting only where a pivot is zero (so a
    /// matrix with nonzero leading principal minors keeps its row order and
    /// every entry is a ratio of its minors); `nil` if singular.
    public func lduDecomposition() -> LDUDecomposition? {
        precondition(isSquare, "LDU needs a square matrix")
        let n = rows
        var a = self, lower = RationalMatrix.identity(n)
        var rowOrder = Array(0..<n)
        for k in 0..<n {
            guard let p = (k..<n).first(where: { !a[$0, k].isZero }) else { return nil }
            if p != k {
                for j in 0..<n { (a[k, j], a[p, j]) = (a[p, j], a[k, j]) }
                for j in 0..<k { (lower[k, j], lower[p, j]) = (lower[p, j], lower[k, j]) }
                rowOrder.swapAt(k, p)
            }
            let pivotInverse = a[k, k].reciprocal
            for i in (k + 1)..<n where !a[i, k].isZero {
                let factor = a[i, k] * pivotInverse
                lower[i, k] = factor
                for j in (k + 1)..<n where !a[k, j].isZero { a[i, j] -= factor * a[k, j] }
                a[i, k] = .zero
            }
        }
        let pivots = (0..<n).map { a[$0, $0] }
        let upper = RationalMatrix(rows: n, columns: n) { i, j in
            i == j ? .one : (i < j ? a[i, j] / pivots[i] : .zero)
        }
        return LDUDecomposition(rowOrder: rowOrder, lower: lower, pivots: pivots, upper: upper)
    }
}
