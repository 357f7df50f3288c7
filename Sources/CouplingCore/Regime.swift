/// Which diagonal scalings a coupling layer may use, in either arithmetic.
///
/// `positive` is what real coupling layers do (`s = exp(·)`) and Theorem 2's
/// setting; `signed` allows any nonzero diagonal (Theorem 3's setting).
public enum Regime: String, CaseIterable, Sendable {
    case positive
    case signed

    /// Whether `x` may stand on the diagonal `B` or `C` of an exact layer.
    public func admits<Scalar: Comparable & ExpressibleByIntegerLiteral>(_ x: Scalar) -> Bool {
        switch self {
        case .positive: return x > 0
        case .signed: return x != 0
        }
    }

    /// Binary64 diagonals must also be finite (NaN and infinity are never a scaling).
    public func admits<Scalar: BinaryFloatingPoint>(_ x: Scalar) -> Bool {
        x.isFinite && (self == .positive ? x > 0 : x != 0)
    }

    public func admitsAll<Scalar: Comparable & ExpressibleByIntegerLiteral>(_ xs: [Scalar]) -> Bool { xs.allSatisfy(admits) }

    public func admitsAll<Scalar: BinaryFloatingPoint>(_ xs: [Scalar]) -> Bool { xs.allSatisfy(admits) }
}
