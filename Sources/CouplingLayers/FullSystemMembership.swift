import ExactLinearAlgebra

/// A verified-existence proof that `T ∈ K_2(regime)` for any `T11`
/// (theory §4c, certificate format §7.2). With `S = T⁻¹` and unknowns
/// `X, U` (`d×d`),
///
///     M1(X, U) = T22 − X·T12 − T21·U + X·T11·U,
///     M2(X, U) = S11 + U·S21 + S12·X + U·S22·X,
///
/// `T ∈ K_2(regime)` iff some real `X, U` make both diagonal with
/// admissible diagonals: then with `diag(ε̄) = M1`, `diag(δ) = M2`,
/// `W = diag(δ)⁻¹·U·diag(ε̄)⁻¹` and `Q = T·diag(δ, 1/ε̄)` the full system
/// of §4c holds and `Q = N−(X)N+(B)N−(C)N+(W)`. The proof is a box around
/// `x̃ = (X row-major, U row-major)` with `2d` coordinates held fixed (the
/// gauge: solutions come in families of dimension `2d`), in which the
/// `2d² − 2d` off-diagonal equations have a zero (an exact Krawczyk test)
/// and every diagonal entry stays admissible.
///
/// Why this form: the scalings of §4c enter only through the diagonals, so
/// the off-diagonal system is square in the free coordinates and bilinear
/// (the remainder is `h_X·T11·h_U` or `h_U·S22·h_X`), with no scaling to
/// fix. Fixing the scalings instead left `∂F/∂(X, W)` singular on
/// products of two pairs with singular `T11` (three singular values of
/// 1e-9 at d = 3), where the full Jacobian has full rank.
public struct FullSystemMembership: Equatable, Sendable {
    public let fixed: [Int]
    public let center: [Rational]
    public let radius: Rational
    /// `m×m` (`m = 2d² − 2d`), rows indexed by free coordinates, columns by
    /// off-diagonal equations (`M1`'s row-major, then `M2`'s).
    public let preconditioner: RationalMatrix

    /// Work budget of the checker: `d <= 12` (`R` has at most 69 696 entries).
    public static let maximumD = 12

    public init(fixed: [Int], center: [Rational], radius: Rational, preconditioner: RationalMatrix) {
        self.fixed = fixed
        self.center = center
        self.radius = radius
        self.preconditioner = preconditioner
    }

    public typealias Failure = IntertwinerMembership.Failure

    /// Checks everything; returns the largest ratio `(g + cρ + qρ²)/ρ` (< 1).
    public func check(_ t: RationalMatrix, regime: Regime) throws(Failure) -> Double {
        let d = t.rows / 2
        try checkShape(d: d)
        guard let inverse = t.inverse() else { throw Failure(reason: "the matrix is singular") }
        let system = Self.System(t, inverse: inverse)
        let free = Self.free(fixed, n: 2 * d * d)
        let (values, rows) = (system.values(center), system.jacobianRows(center, free: free))
        // Diagonals: |M_ii(x̃)| > ρ·Σ|∂M_ii| + s·ρ² keeps the sign on the box.
        for (e, name) in Self.diagonals(d) {
            let spread = radius * rows[e].reduce(Rational.zero) { $0 + $1.1.magnitude } + system.weight(e) * radius * radius
            guard values[e].magnitude > spread, regime == .signed || values[e].sign > 0 else {
                throw Failure(reason: "\(name) is not \(regime == .positive ? "> 0" : "!= 0") on the whole box")
            }
        }
        let equations = Self.offDiagonals(d)
        let terms = KrawczykInclusion.terms(
            f: equations.map { values[$0] }, rows: equations.map { rows[$0] }, s: equations.map(system.weight),
            r: preconditioner)
        return try KrawczykInclusion.contraction(terms, radius: radius)
    }

    /// Sizes, the budget, the gauge and the number format; nothing costly.
    func checkShape(d: Int) throws(Failure) {
        guard d <= Self.maximumD else { throw Failure(reason: "d = \(d) exceeds the membership work budget (d <= \(Self.maximumD))") }
        let n = 2 * d * d
        try KrawczykInclusion.checkBox(
            d: d, n: n, m: n - 2 * d, fixed: fixed, center: center, radius: radius, preconditioner: preconditioner, numbers: [])
    }

    /// The free coordinates in increasing order.
    static func free(_ fixed: [Int], n: Int) -> [Int] {
        let set = Set(fixed)
        return (0..<n).filter { !set.contains($0) }
    }

    /// Indices (into `M1` row-major then `M2` row-major) of the diagonal
    /// entries, with their names, and of the off-diagonal equations.
    static func diagonals(_ d: Int) -> [(Int, String)] {
        (0..<d).map { ($0 * d + $0, "M1[\($0)][\($0)] (1/ε_\($0))") } + (0..<d).map { (d * d + $0 * d + $0, "M2[\($0)][\($0)] (δ_\($0))") }
    }

    static func offDiagonals(_ d: Int) -> [Int] { (0..<(2 * d * d)).filter { ($0 % (d * d)) / d != $0 % d } }

    /// `T`'s blocks and `S = T⁻¹`'s, exact.
    struct System {
        let d: Int
        let t11, t12, t21, t22, s11, s12, s21, s22: RationalMatrix

        init(_ t: RationalMatrix, inverse s: RationalMatrix) {
            let (tb, sb) = (BlockView(t), BlockView(s))
            d = tb.d
            (t11, t12, t21, t22) = (tb.t11, tb.t12, tb.t21, tb.t22)
            (s11, s12, s21, s22) = (sb.t11, sb.t12, sb.t21, sb.t22)
        }

        func unknowns(_ x: [Rational]) -> (x: RationalMatrix, u: RationalMatrix) {
            let m = d * d
            return (RationalMatrix(rows: d, columns: d) { x[$0 * d + $1] }, RationalMatrix(rows: d, columns: d) { x[m + $0 * d + $1] })
        }

        /// All entries of `M1`, then of `M2`, row-major.
        func values(_ x: [Rational]) -> [Rational] {
            let (xm, u) = unknowns(x)
            return (t22 - xm * t12 - t21 * u + xm * t11 * u).entries + (s11 + u * s21 + s12 * xm + u * s22 * xm).entries
        }

        /// Sparse rows of `∂(M1, M2)` in the free coordinates (format §7.2):
        /// `∂M1(i,j)/∂X[i][l] = (T11·U − T12)[l][j]`,
        /// `∂M1(i,j)/∂U[k][j] = (X·T11 − T21)[i][k]`,
        /// `∂M2(i,j)/∂U[i][l] = (S21 + S22·X)[l][j]`,
        /// `∂M2(i,j)/∂X[k][j] = (S12 + U·S22)[i][k]`.
        func jacobianRows(_ x: [Rational], free: [Int]) -> [[(Int, Rational)]] {
            let (xm, u) = unknowns(x)
            let m = d * d
            var column = [Int?](repeating: nil, count: 2 * m)
            for (c, k) in free.enumerated() { column[k] = c }
            let a1 = t11 * u - t12, b1 = xm * t11 - t21, a2 = s21 + s22 * xm, b2 = s12 + u * s22
            func rows(_ own: RationalMatrix, ownOffset: Int, _ other: RationalMatrix, otherOffset: Int) -> [[(Int, Rational)]] {
                var out: [[(Int, Rational)]] = []
                for i in 0..<d {
                    for j in 0..<d {
                        var row: [(Int, Rational)] = []
                        for l in 0..<d where !own[l, j].isZero {
                            if let c = column[ownOffset + i * d + l] { row.append((c, own[l, j])) }
                        }
                        for k in 0..<d where !other[i, k].isZero {
                            if let c = column[otherOffset + k * d + j] { row.append((c, other[i, k])) }
                        }
                        out.append(row)
                    }
                }
                return out
            }
            return rows(a1, ownOffset: 0, b1, otherOffset: m) + rows(a2, ownOffset: m, b2, otherOffset: 0)
        }

        /// Remainder weight of entry `e`: `Σ|T11|` for `M1`, `Σ|S22|` for `M2`
        /// (`|(h_X·T11·h_U)_ij| <= ρ²·Σ|T11|` for `|h| <= ρ`).
        func weight(_ e: Int) -> Rational {
            (e < d * d ? t11 : s22).entries.reduce(Rational.zero) { $0 + $1.magnitude }
        }
    }
}

/// A depth-2 membership proof of either kind (format §7.1, §7.2).
public enum DepthTwoMembership: Equatable, Sendable {
    case intertwiner(IntertwinerMembership)
    case fullSystem(FullSystemMembership)

    /// The format's `type` string.
    public var typeName: String {
        switch self {
        case .intertwiner: return "krawczyk-intertwiner"
        case .fullSystem: return "krawczyk-full-system"
        }
    }

    /// The exact check of either kind; the largest Krawczyk ratio (< 1).
    public func check(_ t: RationalMatrix, regime: Regime) throws(IntertwinerMembership.Failure) -> Double {
        switch self {
        case .intertwiner(let proof): return try proof.check(t, regime: regime)
        case .fullSystem(let proof): return try proof.check(t, regime: regime)
        }
    }
}
