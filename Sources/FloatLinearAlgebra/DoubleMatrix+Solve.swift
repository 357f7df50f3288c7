import CLAPACKE
import Foundation

/// Linear systems and determinants through LAPACK's partially pivoted LU.
extension DoubleMatrix {
    /// `self⁻¹ · rhs` via `dgesv`, or nil when LU meets an exactly zero pivot
    /// or the result is not finite. Near-singular matrices still return a
    /// (large) answer: check `conditionNumber` when accuracy matters.
    public func solve(_ rhs: DoubleMatrix) -> DoubleMatrix? {
        precondition(isSquare && rhs.rows == rows, "solve needs a square matrix and matching right-hand side")
        guard rows > 0 else { return rhs }
        var a = entries
        _ = singleThreadedBLAS
        var b = rhs.entries
        var pivots = [Int32](repeating: 0, count: rows)
        let info = LAPACKE_dgesv(
            LAPACK_COL_MAJOR, Int32(rows), Int32(rhs.columns),
            &a, Int32(rows), &pivots, &b, Int32(rows))
        guard info == 0 else { return nil }
        let x = DoubleMatrix(rows: rows, columns: rhs.columns, columnMajor: b)
        return x.isFinite ? x : nil
    }

    /// `self⁻¹`, or nil when singular (see `solve`).
    public func inverse() -> DoubleMatrix? { solve(.identity(rows)) }

    /// `rhs · self⁻¹`, computed as `(selfᵀ⁻¹ rhsᵀ)ᵀ`.
    public func solveFromRight(_ rhs: DoubleMatrix) -> DoubleMatrix? {
        transpose.solve(rhs.transpose)?.transpose
    }

    /// Sign and `log₂|det|` from the LU factorization, with LAPACK's
    /// reciprocal condition estimate (1-norm) so callers can judge whether
    /// the sign is trustworthy. Nil if LU finds an exactly zero pivot.
    public var determinantEstimate: DeterminantEstimate? {
        precondition(isSquare, "determinant of a non-square matrix")
        guard rows > 0 else { return DeterminantEstimate(sign: 1, log2Magnitude: 0, reciprocalCondition: 1) }
        var a = entries
        _ = singleThreadedBLAS
        var pivots = [Int32](repeating: 0, count: rows)
        let norm1 = (0..<columns).map { j in (0..<rows).reduce(0) { $0 + Swift.abs(self[$1, j]) } }.max() ?? 0
        let info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, Int32(rows), Int32(rows), &a, Int32(rows), &pivots)
        guard info == 0 else { return nil }
        var sign = 1
        var log2Magnitude = 0.0
        for i in 0..<rows {
            let u = a[i + i * rows]
            if u < 0 { sign = -sign }
            if pivots[i] != Int32(i + 1) { sign = -sign }
            log2Magnitude += Foundation.log2(Swift.abs(u))
        }
        var rcond = 0.0
        let conInfo = LAPACKE_dgecon(
            LAPACK_COL_MAJOR, Int8(UInt8(ascii: "1")), Int32(rows),
            &a, Int32(rows), norm1, &rcond)
        return DeterminantEstimate(
            sign: sign, log2Magnitude: log2Magnitude,
            reciprocalCondition: conInfo == 0 ? rcond : 0)
    }
}

/// What LU tells about a determinant: its sign, `log₂|det|` (no overflow for
/// large matrices) and LAPACK's estimate of `1/κ₁`.
public struct DeterminantEstimate: Equatable, Sendable {
    public let sign: Int
    public let log2Magnitude: Double
    public let reciprocalCondition: Double
}
