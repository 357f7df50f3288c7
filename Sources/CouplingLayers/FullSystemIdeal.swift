import ExactLinearAlgebra

/// A monomial in the `2d² + 4d` variables of the full depth-2 system, as
/// `(variable, exponent)` pairs with increasing variables and exponents
/// `>= 1`; `[]` is the monomial 1.
public struct SparseMonomial: Hashable, Sendable {
    public let factors: [Factor]

    public struct Factor: Hashable, Sendable {
        public let variable: Int
        public let exponent: Int

        public init(variable: Int, exponent: Int) {
            self.variable = variable
            self.exponent = exponent
        }
    }

    public init(_ factors: [Factor]) { self.factors = factors }

    init(_ variables: Int...) {
        var out: [Factor] = []
        for v in variables.sorted() {
            if let last = out.last, last.variable == v {
                out[out.count - 1] = Factor(variable: v, exponent: last.exponent + 1)
            } else {
                out.append(Factor(variable: v, exponent: 1))
            }
        }
        factors = out
    }

    public var degree: Int { factors.reduce(0) { $0 + $1.exponent } }

    /// The product, by merging the two sorted factor lists.
    public func times(_ other: SparseMonomial) -> SparseMonomial {
        var out: [Factor] = []
        out.reserveCapacity(factors.count + other.factors.count)
        var i = 0, j = 0
        while i < factors.count || j < other.factors.count {
            if j == other.factors.count || (i < factors.count && factors[i].variable < other.factors[j].variable) {
                out.append(factors[i])
                i += 1
            } else if i == factors.count || other.factors[j].variable < factors[i].variable {
                out.append(other.factors[j])
                j += 1
            } else {
                out.append(Factor(variable: factors[i].variable, exponent: factors[i].exponent + other.factors[j].exponent))
                i += 1
                j += 1
            }
        }
        return SparseMonomial(out)
    }
}

/// One term `c · m` of the cofactor `h_k` of equation `e_k`.
public struct IdealCofactorTerm: Equatable, Sendable {
    public let equation: Int
    public let monomial: SparseMonomial
    public let coefficient: Rational

    public init(equation: Int, monomial: SparseMonomial, coefficient: Rational) {
        self.equation = equation
        self.monomial = monomial
        self.coefficient = coefficient
    }
}

/// Ideal-membership witnesses on the full depth-2 system
/// (docs/certificate-format.md §6.8). With `Q = TΔ`, `S = T⁻¹`, a product
/// `Q = N−(X)N+(Y)N−(Z)N+(W)` makes the lower-right block of
/// `N−(−X)·Q·N+(−W)` and the upper-left block of `N+(W)·Q⁻¹·N−(X)` equal
/// to `I`: `2d²` polynomial equations in `X, W, δ, ε` and the reciprocals
/// `δ̄, ε̄` (`2d` more equations `δ_i δ̄_i = 1`, `ε_i ε̄_i = 1`). A
/// combination `p = Σ h_k·e_k` that involves only the scalings and is a
/// single term (nonzero at nonzero scalings) or has positive coefficients
/// (positive at positive scalings) cannot vanish at a factorization, so it
/// proves `T ∉ K_2`.
///
/// Unlike the characteristic-polynomial equations (§4.2), this system is
/// the exact depth-2 condition for every `T11`, singular included; it is
/// what decides the permutation matrices the other witnesses leave open.
/// flowproof only checks these witnesses: an ideal-membership search (a
/// Gröbner basis) is `scripts/permutation-ideals.py`'s job.
public enum FullSystemIdeal {
    /// What `p` must look like.
    public enum Conclusion: String, Sendable {
        /// One term: nonzero wherever the scalings are (both regimes).
        case monomial
        /// Every coefficient `> 0`: positive on the positive orthant.
        case positiveCoefficients = "positive-coefficients"
    }

    /// Check budget: terms, total degree per cofactor monomial, and
    /// `Σ_terms (d + 2)²`, a bound on the monomial products (every `e_k`
    /// has at most `d² + 2d + 2` terms).
    public static let maximumTerms = 1 << 16
    public static let maximumDegree = 64
    public static let maximumProducts = 1 << 22

    public static func variableCount(d: Int) -> Int { 2 * d * d + 4 * d }
    public static func equationCount(d: Int) -> Int { 2 * d * d + 2 * d }

    /// Whether `variable` is one of the last `4d` (a scaling or its reciprocal).
    static func isScaling(_ variable: Int, d: Int) -> Bool { variable >= 2 * d * d }

    /// Why `terms` are malformed or over budget for `d`, or `nil`. Costs no inverse.
    public static func budgetViolation(_ terms: [IdealCofactorTerm], d: Int) -> String? {
        guard !terms.isEmpty, terms.count <= maximumTerms else { return "between 1 and \(maximumTerms) cofactor terms are allowed" }
        let variables = variableCount(d: d), equations = equationCount(d: d)
        var seen = Set<[Int]>()
        for (k, term) in terms.enumerated() {
            guard term.equation >= 0, term.equation < equations else {
                return "cofactors[\(k)]: the equation index must be in 0..<\(equations)"
            }
            var previous = -1
            for f in term.monomial.factors {
                guard f.variable > previous, f.variable < variables, f.exponent >= 1, f.exponent <= maximumDegree else {
                    return
                        "cofactors[\(k)]: monomial pairs [v, e] need increasing v in 0..<\(variables) and e in 1...\(maximumDegree)"
                }
                previous = f.variable
            }
            guard term.monomial.degree <= maximumDegree else { return "cofactors[\(k)]: total degree exceeds \(maximumDegree)" }
            guard !term.coefficient.isZero else { return "cofactors[\(k)]: the coefficient is 0" }
            let key = [term.equation] + term.monomial.factors.flatMap { [$0.variable, $0.exponent] }
            guard seen.insert(key).inserted else { return "cofactors[\(k)] repeats an earlier (k, monomial)" }
        }
        guard terms.count * (d + 2) * (d + 2) <= maximumProducts else {
            return "the cofactors exceed the work budget of \(maximumProducts) products"
        }
        return nil
    }

    /// Equation `e_k` of format §6.8 for `T` with inverse `s`.
    public static func equation(_ k: Int, t: RationalMatrix, inverse s: RationalMatrix) -> [SparseMonomial: Rational] {
        let d = t.rows / 2, dd = d * d
        let x = { (i: Int, j: Int) in i * d + j }, w = { (i: Int, j: Int) in dd + i * d + j }
        let delta = { (i: Int) in 2 * dd + i }, epsilon = { (i: Int) in 2 * dd + d + i }
        let deltaBar = { (i: Int) in 2 * dd + 2 * d + i }, epsilonBar = { (i: Int) in 2 * dd + 3 * d + i }
        var e: [SparseMonomial: Rational] = [:]
        func add(_ c: Rational, _ m: SparseMonomial) { if !c.isZero { e[m, default: .zero] += c } }
        switch k {
        case 0..<dd:
            let (i, j) = (k / d, k % d)
            add(t[d + i, d + j], SparseMonomial(epsilon(j)))
            if i == j { add(-.one, SparseMonomial()) }
            for l in 0..<d {
                add(-t[l, d + j], SparseMonomial(x(i, l), epsilon(j)))
                add(-t[d + i, l], SparseMonomial(delta(l), w(l, j)))
                for m in 0..<d { add(t[l, m], SparseMonomial(x(i, l), delta(m), w(m, j))) }
            }
        case dd..<(2 * dd):
            let (i, j) = ((k - dd) / d, (k - dd) % d)
            add(s[i, j], SparseMonomial(deltaBar(i)))
            if i == j { add(-.one, SparseMonomial()) }
            for l in 0..<d {
                add(s[d + l, j], SparseMonomial(w(i, l), epsilonBar(l)))
                add(s[i, d + l], SparseMonomial(deltaBar(i), x(l, j)))
                for m in 0..<d { add(s[d + l, d + m], SparseMonomial(w(i, l), epsilonBar(l), x(m, j))) }
            }
        case (2 * dd)..<(2 * dd + d):
            let i = k - 2 * dd
            add(.one, SparseMonomial(delta(i), deltaBar(i)))
            add(-.one, SparseMonomial())
        default:
            let i = k - 2 * dd - d
            add(.one, SparseMonomial(epsilon(i), epsilonBar(i)))
            add(-.one, SparseMonomial())
        }
        return e.filter { !$0.value.isZero }
    }

    /// `p = Σ h_k·e_k` by monomial, zero coefficients dropped; each `e_k`
    /// is built once, and only if a term uses it.
    public static func combination(_ terms: [IdealCofactorTerm], t: RationalMatrix, inverse s: RationalMatrix)
        -> [SparseMonomial: Rational]
    {
        var equations: [Int: [SparseMonomial: Rational]] = [:]
        var p: [SparseMonomial: Rational] = [:]
        for term in terms {
            let e = equations[term.equation] ?? equation(term.equation, t: t, inverse: s)
            equations[term.equation] = e
            for (m, c) in e { p[term.monomial.times(m), default: .zero] += term.coefficient * c }
        }
        return p.filter { !$0.value.isZero }
    }

    /// Why `p` does not prove `T ∉ K_2` with `conclusion`, or `nil`.
    public static func violation(_ p: [SparseMonomial: Rational], conclusion: Conclusion, d: Int) -> String? {
        guard !p.isEmpty else { return "Σ h_k·e_k is the zero polynomial" }
        guard p.keys.allSatisfy({ $0.factors.allSatisfy { isScaling($0.variable, d: d) } }) else {
            return "Σ h_k·e_k contains an x or w variable"
        }
        switch conclusion {
        case .monomial:
            return p.count == 1 ? nil : "Σ h_k·e_k has \(p.count) terms, not one"
        case .positiveCoefficients:
            return p.values.allSatisfy({ $0.sign > 0 }) ? nil : "Σ h_k·e_k has a negative coefficient"
        }
    }
}
