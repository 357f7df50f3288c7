import CouplingCore

/// Why a matrix cannot be decomposed (or its decomposition not certified):
/// the input (shared with the exact side), or binary64's own failures.
public enum FloatDecompositionError: Error, Equatable, CustomStringConvertible {
    case input(CouplingInputError)
    case nonFinite(row: Int, column: Int)
    case tooIllConditioned(reciprocalCondition: Double)
    case invalidDepth(Int)
    case noConvergence(relativeResidual: Double)

    public var description: String {
        switch self {
        case let .input(reason):
            reason.description
        case let .nonFinite(r, c):
            "entry (\(r + 1), \(c + 1)) is NaN or infinite"
        case let .tooIllConditioned(rcond):
            "matrix is too ill-conditioned to certify the sign of its determinant in binary64 (reciprocal condition estimate \(rcond)); use the exact pipeline"
        case let .invalidDepth(k):
            "depth must be at least 1 (at least 3 above the dense least-squares size limit); got \(k)"
        case let .noConvergence(r):
            "no factorization found (best relative residual \(r))"
        }
    }
}
