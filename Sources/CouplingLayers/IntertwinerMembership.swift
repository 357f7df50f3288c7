import ExactLinearAlgebra

/// A verified-existence proof that `T ∈ K_2(regime)` (theory §4a): a box
/// around an approximate solution of the intertwiner system
///
///     G(δ, u, P) = T11·diag(δ)·P − P·diag(u)·V = 0,     V = (T⁻¹)22,
///
/// in which a real solution exists (a Krawczyk test, done exactly), with
/// `δ`, `u` admissible and `P` nonsingular on the whole box. Then
/// `diag(u)·V = P⁻¹·(T11·diag(δ))·P`, and theory §4.5 with `Δ1 = diag(δ)`,
/// `Δ2 = diag(u)⁻¹` gives `T ∈ K_2`.
///
/// Unknowns `x = (δ_0..δ_{d−1}, u_0..u_{d−1}, P row-major)`, `n = d² + 2d`;
/// `fixed` lists the `2d` coordinates held at their exact `center` values
/// (the gauge), the other `m = d²` are free. Equations are `G[i][j]`, row
/// `i·d + j`. Every number is a dyadic rational (`p/2^k`) of at most
/// `maximumBits` bits, so the exact check costs `O(d⁵)` operations on
/// bounded numbers (`docs/certificate-format.md` §7.1).
public struct IntertwinerMembership: Equatable, Sendable {
    public let fixed: [Int]
    public let center: [Rational]
    public let radius: Rational
    /// `m×m`, rows indexed by free coordinates, columns by equations.
    public let preconditioner: RationalMatrix
    /// An approximate inverse of `P`, to prove `P` nonsingular on the box.
    public let pInverse: RationalMatrix

    /// Work budget of the checker: `d <= 16` (`R` has `d⁴ <= 65536` entries).
    public static let maximumD = 16
    public static let maximumBits = 256

    public init(fixed: [Int], center: [Rational], radius: Rational, preconditioner: RationalMatrix, pInverse: RationalMatrix) {
        self.fixed = fixed
        self.center = center
        self.radius = radius
        self.preconditioner = preconditioner
        self.pInverse = pInverse
    }

    public struct Failure: Error, Equatable { public let reason: String }

    /// Checks everything; returns the largest ratio `(g + cρ + qρ²)/ρ` (< 1).
    public func check(_ t: RationalMatrix, regime: Regime) throws(Failure) -> Double {
        let d = t.rows / 2
        try checkShape(d: d)
        guard let inverse = t.inverse() else { throw Failure(reason: "the matrix is singular") }
        let t11 = t.block(rows: 0..<d, columns: 0..<d)
        guard !t11.determinant.isZero else { throw Failure(reason: "T11 is singular (the intertwiner system needs det T11 != 0)") }
        let v = inverse.block(rows: d..<(2 * d), columns: d..<(2 * d))
        // δ and u admissible on the whole box: fixed ones at their value,
        // free ones on [c − ρ, c + ρ].
        let fixedSet = Set(fixed)
        for k in 0..<(2 * d) {
            let c = center[k]
            let ok =
                fixedSet.contains(k)
                ? regime.admits(c)
                : (c - radius).sign > 0 || (regime == .signed && (c + radius).sign < 0)
            guard ok else {
                throw Failure(reason: "\(k < d ? "δ" : "u")[\(k % d)] is not \(regime == .positive ? "> 0" : "!= 0") on the whole box")
            }
        }
        // P nonsingular on the box: ‖I − Q·P̃‖∞ + ‖Q‖∞·d·ρ < 1 (each entry of
        // P moves by at most ρ) makes Q·P = I − E with ‖E‖∞ < 1.
        let p = RationalMatrix(rows: d, columns: d) { i, j in center[2 * d + i * d + j] }
        let e = RationalMatrix.identity(d) - pInverse * p
        let qNorm = Self.maxRowSum(pInverse)
        guard Self.maxRowSum(e) + qNorm * Rational(d) * radius < .one else {
            throw Failure(reason: "cannot prove P nonsingular on the box (‖I − Q·P‖∞ + ‖Q‖∞·d·ρ >= 1)")
        }
        return try KrawczykInclusion.contraction(
            Self.terms(t11: t11, v: v, center: center, fixed: fixed, r: preconditioner), radius: radius)
    }

    /// Sizes, the budget, the gauge and the number format; nothing costly.
    func checkShape(d: Int) throws(Failure) {
        guard d <= Self.maximumD else { throw Failure(reason: "d = \(d) exceeds the membership work budget (d <= \(Self.maximumD))") }
        guard pInverse.rows == d, pInverse.columns == d else { throw Failure(reason: "pInverse must be \(d)×\(d)") }
        try KrawczykInclusion.checkBox(
            d: d, n: d * d + 2 * d, m: d * d, fixed: fixed, center: center, radius: radius, preconditioner: preconditioner,
            numbers: pInverse.entries)
    }

    /// The Krawczyk terms; `s_(i,j) = Σ_k |T11[i][k]| + Σ_k |V[k][j]|` bounds
    /// the bilinear remainder: `|G(x̃+h) − G(x̃) − J(x̃)h|_(i,j) <= s_(i,j)·ρ²`.
    static func terms(t11: RationalMatrix, v: RationalMatrix, center x: [Rational], fixed: [Int], r: RationalMatrix)
        -> KrawczykInclusion.Terms
    {
        let d = t11.rows, m = d * d
        let fixedSet = Set(fixed)
        var freeIndex = [Int?](repeating: nil, count: m + 2 * d)
        var next = 0
        for k in 0..<(m + 2 * d) where !fixedSet.contains(k) { freeIndex[k] = next; next += 1 }
        let p = RationalMatrix(rows: d, columns: d) { i, j in x[2 * d + i * d + j] }
        let mm = RationalMatrix(rows: d, columns: d) { i, k in t11[i, k] * x[k] }
        let nn = RationalMatrix(rows: d, columns: d) { l, j in x[d + l] * v[l, j] }
        let g = (mm * p - p * nn).entries
        // Row (i,j) of J(x̃), free columns only: ∂/∂δ_k = T11[i][k]·P[k][j],
        // ∂/∂u_k = −P[i][k]·V[k][j], ∂/∂P[k][l] = M[i][k]·[l=j] − [k=i]·N[l][j].
        var jRows: [[(Int, Rational)]] = []
        var s: [Rational] = []
        for i in 0..<d {
            for j in 0..<d {
                var row: [Int: Rational] = [:]
                func add(_ k: Int, _ value: Rational) { if let f = freeIndex[k], !value.isZero { row[f, default: .zero] += value } }
                for k in 0..<d {
                    add(k, t11[i, k] * p[k, j])
                    add(d + k, -(p[i, k] * v[k, j]))
                    add(2 * d + k * d + j, mm[i, k])
                    add(2 * d + i * d + k, -nn[k, j])
                }
                jRows.append(row.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
                s.append((0..<d).reduce(Rational.zero) { $0 + t11[i, $1].magnitude + v[$1, j].magnitude })
            }
        }
        return KrawczykInclusion.terms(f: g, rows: jRows, s: s, r: r)
    }

    static func maxRowSum(_ a: RationalMatrix) -> Rational {
        (0..<a.rows).map { i in a.row(i).reduce(Rational.zero) { $0 + $1.magnitude } }.max() ?? .zero
    }
}
