import ExactLinearAlgebra

/// Which diagonal scalings a coupling layer may use.
///
/// `positive` is what real coupling layers do (`s = exp(·)`) and Theorem 2's
/// setting; `signed` allows any nonzero diagonal (Theorem 3's setting).
public enum Regime: String, CaseIterable, Sendable {
    case positive
    case signed

    /// Whether `x` may stand on the diagonal `B` or `C` of a layer.
    public func admits(_ x: Rational) -> Bool {
        switch self {
        case .positive: return x.sign > 0
        case .signed: return !x.isZero
        }
    }

    public func admitsAll(_ xs: [Rational]) -> Bool { xs.allSatisfy(admits) }
}
