import ExactLinearAlgebra
import FloatLinearAlgebra

/// One term `c · δ^e[0..<d] · w^e[d..<2d]` of the multiplier `g_j` of a
/// `charpoly-positivstellensatz` witness (docs/certificate-format.md §6.5).
public struct PositivstellensatzTerm: Equatable, Sendable {
    public let j: Int
    /// Exponents of `δ_1 … δ_d, w_1 … w_d`.
    public let exponents: [Int]
    public let coefficient: Rational

    public init(j: Int, exponents: [Int], coefficient: Rational) {
        self.j = j
        self.exponents = exponents
        self.coefficient = coefficient
    }
}

/// Theory §4b: multipliers `g_j` such that `σ = Σ_j g_j·f_j` has only
/// nonnegative coefficients, one of them positive, where
/// `f_j = Σ_{|I|=j} M_I(T11)·δ^I − Σ_{|I|=j} M_I(V)·w^I` are the
/// characteristic-polynomial equations of `K_2` with `w = 1/γ`.
/// A positive solution would make `σ` vanish on the open orthant, where a
/// nonzero polynomial with nonnegative coefficients is positive; so the
/// multipliers prove `T ∉ K_2(positive)`. The sign witness is the case
/// `g_j = ±1`. In the signed regime every term of `σ` must also have even
/// exponents: `σ` is then a positive combination of squares of monomials,
/// positive wherever no scaling is 0, whatever the signs (for `T = diag(I, P)`
/// with `P` a 3-cycle, `f_1·f_1 − 2·f_2 = Σ δ_i²`).
///
/// The search is a linear program per total degree `D` over the matrix `M`
/// whose columns are `monomial·f_j` (all monomials of degree `D − j`):
/// binary64 finds a vertex, exact rational arithmetic rebuilds it from its
/// zero pattern (`multipliers`), so nothing unproven is ever returned. An
/// exact simplex alone took minutes at `d = 4, D = 4`: pivoting grows the
/// rationals with every step.
public enum CharPolyPositivstellensatz {
    /// Check budget, for the verifier and the search alike: at most this
    /// many terms, this total degree per term, and this many monomial
    /// products `Σ_terms |f_j|` (each `f_j` has at most `2·C(d, j)` terms).
    public static let maximumTerms = 1 << 16
    public static let maximumTermDegree = 64
    public static let maximumProducts = 1 << 20
    /// Search budget: the number of degree-`D` monomials (LP columns). At
    /// 330 (`d = 4, D = 4`) one LP takes about a second.
    public static let maximumMonomials = 330
    /// And at most this total degree `D` (it bounds `d = 2`, where the
    /// monomial budget alone would allow `D = 10`; certificates seen need `D <= 6`).
    public static let maximumSearchDegree = 6

    /// `f_j` as (exponents, coefficient) pairs, zero coefficients dropped.
    public static func equation(_ j: Int, t11: RationalMatrix, v: RationalMatrix) -> [([Int], Rational)] {
        let d = t11.rows
        var terms: [([Int], Rational)] = []
        for (block, offset, sign) in [(t11, 0, 1), (v, d, -1)] {
            for (indices, minor) in block.principalMinors(order: j) where !minor.isZero {
                var e = [Int](repeating: 0, count: 2 * d)
                for i in indices { e[offset + i] = 1 }
                terms.append((e, sign > 0 ? minor : minor.negated))
            }
        }
        return terms
    }

    /// Why `terms` exceed the check budget or are malformed for `d`, or `nil`.
    /// Costs no determinant.
    public static func budgetViolation(_ terms: [PositivstellensatzTerm], d: Int) -> String? {
        guard !terms.isEmpty, terms.count <= maximumTerms else { return "between 1 and \(maximumTerms) terms are allowed" }
        var products = 0
        var seen = Set<[Int]>()
        for (k, term) in terms.enumerated() {
            guard term.j >= 1, term.j <= d else { return "terms[\(k)]: j must be in 1..\(d)" }
            let count = LowerBounds.minorCount(d, term.j)
            guard count <= LowerBounds.maximumMinorCount else {
                return "terms[\(k)]: C(d, j) exceeds the work budget of \(LowerBounds.maximumMinorCount)"
            }
            guard term.exponents.count == 2 * d, term.exponents.allSatisfy({ $0 >= 0 }),
                term.exponents.reduce(0, +) <= maximumTermDegree
            else { return "terms[\(k)]: exponents must be \(2 * d) integers >= 0 of total degree <= \(maximumTermDegree)" }
            guard !term.coefficient.isZero else { return "terms[\(k)]: the coefficient is 0" }
            guard seen.insert([term.j] + term.exponents).inserted else { return "terms[\(k)] repeats an earlier (j, exponents)" }
            products += 2 * count
            guard products <= maximumProducts else { return "the terms exceed the work budget of \(maximumProducts) products" }
        }
        return nil
    }

    /// `σ = Σ g_j·f_j` by monomial, zero coefficients dropped.
    public static func combination(_ terms: [PositivstellensatzTerm], t11: RationalMatrix, v: RationalMatrix)
        -> [[Int]: Rational]
    {
        var equations: [Int: [([Int], Rational)]] = [:]
        var sigma: [[Int]: Rational] = [:]
        for term in terms {
            let f = equations[term.j] ?? equation(term.j, t11: t11, v: v)
            equations[term.j] = f
            for (e, c) in f {
                let monomial = zip(e, term.exponents).map { $0 + $1 }
                sigma[monomial, default: .zero] += term.coefficient * c
            }
        }
        return sigma.filter { !$0.value.isZero }
    }

    /// Why `sigma` proves nothing in `regime`, or `nil`: it must be nonzero
    /// with positive coefficients and, in the signed regime, even exponents.
    public static func violation(_ sigma: [[Int]: Rational], regime: Regime) -> String? {
        if sigma.isEmpty { return "Σ g_j·f_j is the zero polynomial" }
        if !sigma.values.allSatisfy({ $0.sign > 0 }) { return "Σ g_j·f_j has a negative coefficient" }
        if regime == .signed, !sigma.keys.allSatisfy(isSquare) {
            return "Σ g_j·f_j has a term with an odd exponent (the signed regime needs squares of monomials)"
        }
        return nil
    }

    static func isSquare(_ exponents: [Int]) -> Bool { exponents.allSatisfy { $0 % 2 == 0 } }

    /// Multipliers of the smallest total degree `D` (from 2: degree 1 is the
    /// sign witness `j = 1`) within `maximumMonomials`, or `nil`. The exact
    /// step of `multipliers` has already checked `σ >= 0` (and its even
    /// exponents in the signed regime, where only even `D` can work); callers
    /// verify the witness once more through the certificate verifier.
    public static func search(t11: RationalMatrix, v: RationalMatrix, regime: Regime) -> [PositivstellensatzTerm]? {
        let d = t11.rows
        var equations: [Int: [([Int], Rational)]] = [:]
        // f_j up to order `top`, each once: later orders cost minors and are not needed yet.
        func computeEquations(upTo top: Int) {
            for j in 1...min(top, d) where equations[j] == nil && LowerBounds.minorCount(d, j) <= LowerBounds.maximumMinorCount {
                equations[j] = equation(j, t11: t11, v: v)
            }
        }
        var degree = 2
        while degree <= maximumSearchDegree, LowerBounds.minorCount(2 * d + degree - 1, degree) <= maximumMonomials {
            computeEquations(upTo: degree)
            if let terms = search(equations: equations, d: d, degree: degree, regime: regime), budgetViolation(terms, d: d) == nil {
                return terms
            }
            degree += 1
        }
        // Beyond the full LP: multipliers in one variable, g_j = c_j·u^(D−j),
        // at most d columns per (u, D), so any degree is cheap. A Gaussian
        // matrix at d = 5 needs D = 5 (2002 monomials, minutes in the dense
        // simplex) and has such a certificate: σ = δ_4·Σ c_j·w_5^(4−j)·f_j.
        guard d <= maximumUnivariateD else { return nil }
        computeEquations(upTo: d)
        for degree in stride(from: degree, through: d + univariateExtraDegree, by: 1) {
            for variable in 0..<(2 * d) {
                if let terms = search(equations: equations, d: d, degree: degree, regime: regime, onlyVariable: variable),
                    budgetViolation(terms, d: d) == nil
                {
                    return terms
                }
            }
        }
        return nil
    }

    /// The one-variable search runs up to this `d`, for total degrees up to
    /// `d + univariateExtraDegree`: `2d` LPs of at most `d` columns per degree,
    /// but with one row per monomial of `σ`, which grow with the terms of the
    /// `f_j`: about 2 s at d = 8, but 90–170 s of the phase-one simplex on
    /// the undecided inputs measured at d = 10, and more than 10 min at
    /// d = 12, when it ran up to d = 12 (none of them got a certificate).
    public static let maximumUnivariateD = 8
    public static let univariateExtraDegree = 4

    private static func search(
        equations: [Int: [([Int], Rational)]], d: Int, degree: Int, regime: Regime, onlyVariable: Int? = nil
    ) -> [PositivstellensatzTerm]? {
        // σ is homogeneous of degree D: for odd D every term has an odd exponent.
        guard regime == .positive || degree % 2 == 0 else { return nil }
        var columns: [(j: Int, multiplier: [Int])] = []
        for j in equations.keys.sorted() where j <= degree && !(equations[j]!.isEmpty) {
            if let u = onlyVariable {
                columns.append((j, (0..<(2 * d)).map { $0 == u ? degree - j : 0 }))
            } else {
                for m in monomials(variables: 2 * d, degree: degree - j) { columns.append((j, m)) }
            }
        }
        var rowIndex: [[Int]: Int] = [:]
        var entries: [(row: Int, column: Int, value: Rational)] = []
        for (c, column) in columns.enumerated() {
            for (e, value) in equations[column.j]! {
                let monomial = zip(e, column.multiplier).map { $0 + $1 }
                let row = rowIndex[monomial] ?? rowIndex.count
                rowIndex[monomial] = row
                entries.append((row, c, value))
            }
        }
        guard !columns.isEmpty else { return nil }
        var m = RationalMatrix.zero(rowIndex.count, columns.count)
        for (row, column, value) in entries { m[row, column] = value }
        let positive = rowIndex.filter { regime == .positive || isSquare($0.key) }.map(\.value).sorted()
        guard let x = multipliers(m, positiveRows: positive) else { return nil }
        // σ is homogeneous in the coefficients: integers with gcd 1 are shortest.
        let scale = Rational.primitiveScale(x)
        return zip(columns, x).filter { !$0.1.isZero }.map {
            PositivstellensatzTerm(j: $0.0.j, exponents: $0.0.multiplier, coefficient: scale * $0.1)
        }
    }

    /// Some `x` with `σ = M·x` nonzero, `σ >= 0`, and `σ = 0` off
    /// `positiveRows`, or `nil`. A binary64 simplex on
    /// `M·(x⁺ − x⁻) − s = 0, Σs = 1` (`s` on `positiveRows` only) proposes
    /// which coefficients of `σ` vanish (`Z`) and which multipliers are used
    /// (`X`); the exact step takes the kernel of `M[Z, X]`, fixes its free
    /// coordinates to the float solution rounded to short dyadics (exactly
    /// ±1 when the kernel is a line) and accepts `x` only if `M·x` is
    /// exactly as required.
    static func multipliers(_ m: RationalMatrix, positiveRows: [Int]) -> [Rational]? {
        let r = m.rows, c = m.columns
        guard !positiveRows.isEmpty else { return nil }
        let slackColumn = Dictionary(uniqueKeysWithValues: positiveRows.enumerated().map { ($0.element, 2 * c + $0.offset) })
        let entries = DoubleMatrix(rows: r, columns: c) { m[$0, $1].doubleValue }
        let system = DoubleMatrix(rows: r + 1, columns: 2 * c + positiveRows.count) { i, j in
            if i == r { return j >= 2 * c ? 1 : 0 }
            if j < c { return entries[i, j] }
            if j < 2 * c { return -entries[i, j - c] }
            return slackColumn[i] == j ? -1 : 0
        }
        guard let y = PhaseOneSimplex.feasiblePoint(system, (0...r).map { $0 == r ? 1 : 0 }) else { return nil }
        let float = (0..<c).map { y[$0] - y[c + $0] }
        let used = (0..<c).filter { float[$0] != 0 }
        let vanishing = (0..<r).filter { row in slackColumn[row].map { column in y[column] == 0 } ?? true }
        guard !used.isEmpty else { return nil }
        let (form, pivots) = m.submatrix(rows: vanishing, columns: used).reducedRowEchelonForm()
        let free = (0..<used.count).filter { !pivots.contains($0) }
        guard let largest = free.map({ abs(float[used[$0]]) }).max(), largest > 0 else { return nil }
        // A line of solutions: its direction is exact (±1 on the free
        // coordinate). Otherwise the float values, rounded to 20 then 40 bits.
        for bits in free.count == 1 ? [0] : [20, 40] {
            var xUsed = [Rational](repeating: .zero, count: used.count)
            for f in free {
                let t = float[used[f]] / largest
                xUsed[f] = bits == 0 ? Rational(t > 0 ? 1 : -1) : Rational(Int((t * Double(1 << bits)).rounded()), 1 << bits)
            }
            for (row, p) in pivots.enumerated() {
                var sum = Rational.zero
                for f in free where !xUsed[f].isZero { sum -= form[row, f] * xUsed[f] }
                xUsed[p] = sum
            }
            var x = [Rational](repeating: .zero, count: c)
            for (k, j) in used.enumerated() { x[j] = xUsed[k] }
            let sigma = m.applied(to: x)
            if sigma.indices.allSatisfy({ sigma[$0].sign == 0 || (sigma[$0].sign > 0 && slackColumn[$0] != nil) }),
                sigma.contains(where: { $0.sign > 0 })
            {
                return x
            }
        }
        return nil
    }

    /// Exponent vectors of all monomials of total degree `degree` in
    /// `variables` variables, in lexicographically decreasing order.
    static func monomials(variables: Int, degree: Int) -> [[Int]] {
        guard variables > 0 else { return degree == 0 ? [[]] : [] }
        if variables == 1 { return [[degree]] }
        var out: [[Int]] = []
        for first in stride(from: degree, through: 0, by: -1) {
            for rest in monomials(variables: variables - 1, degree: degree - first) { out.append([first] + rest) }
        }
        return out
    }
}
