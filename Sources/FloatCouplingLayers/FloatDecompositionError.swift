/// Why a matrix cannot be decomposed (or its decomposition not certified).
public enum FloatDecompositionError: Error, Equatable, CustomStringConvertible {
    case notSquareEven(rows: Int, columns: Int)
    case nonFinite(row: Int, column: Int)
    case nonPositiveDeterminant
    case tooIllConditioned(reciprocalCondition: Double)
    case invalidDepth(Int)
    case noConvergence(relativeResidual: Double)

    public var description: String {
        switch self {
        case let .notSquareEven(r, c):
            "matrix must be square of even size 2d × 2d; got \(r) × \(c)"
        case let .nonFinite(r, c):
            "entry (\(r + 1), \(c + 1)) is NaN or infinite"
        case .nonPositiveDeterminant:
            "det T <= 0: coupling-layer products always have positive determinant"
        case let .tooIllConditioned(rcond):
            "matrix is too ill-conditioned to certify the sign of its determinant in binary64 (reciprocal condition estimate \(rcond)); use the exact pipeline"
        case let .invalidDepth(k):
            "depth must be at least 1 (at least 3 above the dense least-squares size limit); got \(k)"
        case let .noConvergence(r):
            "no factorization found (best relative residual \(r))"
        }
    }
}
