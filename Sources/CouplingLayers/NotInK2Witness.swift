import ExactLinearAlgebra

/// A lower-bound witness for `T ∉ K_2(regime)` (docs/certificate-format.md §6).
public enum NotInK2Witness: Equatable, Sendable {
    /// Every `j×j` principal minor of one of `T11`, `V = (T⁻¹)22` is `>= 0`
    /// (one `> 0`) and every one of the other is `<= 0`; `sign` `.plus` puts
    /// `T11` first.
    case principalMinors(j: Int, sign: MinorSign)
    /// Every `j×j` principal minor of the `zero` block is 0 and
    /// exactly one of the other matrix is nonzero: coefficient `j` of
    /// theory §4's identity reads `0 = c·Π(scalings)`, impossible for any
    /// nonzero diagonal. Specified in docs/certificate-format.md §6.2.
    case principalMinorsMonomial(j: Int, zero: MinorBlock)
    /// `T11 = 0` and `yᵀM = e_k`: every `Γ` making `T12ΓT21` diagonal has `Γ_k = 0`.
    case t11ZeroSigned(k: Int, y: [Rational])
    /// `T11 = 0` and `Mᵀy − u + Nᵀw = 0` with `u, w >= 0` not all zero (Farkas).
    case t11ZeroPositive(y: [Rational], u: [Rational], w: [Rational])
    /// Multipliers `g_j` with `Σ g_j·f_j` nonzero with nonnegative
    /// coefficients, and even exponents in the signed regime (theory §4b,
    /// `CharPolyPositivstellensatz`).
    case charPolyPositivstellensatz(terms: [PositivstellensatzTerm])
    /// Cofactors `h_k` of the full depth-2 system with `Σ h_k·e_k` a
    /// nonzero polynomial in the scalings alone that cannot vanish
    /// (`FullSystemIdeal`, docs/certificate-format.md §6.8).
    case fullSystemIdeal(conclusion: FullSystemIdeal.Conclusion, cofactors: [IdealCofactorTerm])
    /// `T11` and `V` monomial up to zero rows and columns, with cycles and
    /// paths whose characteristic polynomials cannot agree for any
    /// admissible scalings (`MonomialCycles`, docs/certificate-format.md
    /// §6.9). Nothing to carry: the check recomputes the cycles.
    case monomialCycles

    public var typeName: String {
        switch self {
        case .principalMinors: return "principal-minors"
        case .principalMinorsMonomial: return "principal-minors-monomial"
        case .t11ZeroSigned: return "t11-zero-signed"
        case .t11ZeroPositive: return "t11-zero-positive"
        case .charPolyPositivstellensatz: return "charpoly-positivstellensatz"
        case .fullSystemIdeal: return "full-system-ideal"
        case .monomialCycles: return "monomial-cycles"
        }
    }

    /// Regimes in which the witness proves `T ∉ K_2`: a signed proof also
    /// proves the positive statement.
    public func proves(in regime: Regime) -> Bool {
        switch self {
        case .t11ZeroSigned, .principalMinorsMonomial, .charPolyPositivstellensatz, .monomialCycles: return true
        case .principalMinors, .t11ZeroPositive: return regime == .positive
        case .fullSystemIdeal(let conclusion, _): return conclusion == .monomial || regime == .positive
        }
    }
}

/// Which block a `principal-minors` witness finds nonnegative: `+` is `T11`.
public enum MinorSign: String, Sendable {
    case plus = "+"
    case minus = "-"
}

/// One of the two blocks whose principal minors a witness compares:
/// `T11`, or `V = (T⁻¹)22`.
public enum MinorBlock: String, Sendable {
    case t11 = "T11"
    case v = "V"

    public var other: MinorBlock { self == .t11 ? .v : .t11 }
}
