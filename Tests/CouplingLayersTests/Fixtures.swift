import CouplingLayers
import ExactLinearAlgebra

/// Named matrices from docs/theory.md, and seeded random ones.
enum Fixtures {
    static func swap(_ d: Int) -> RationalMatrix {
        .blocks(.zero(d, d), .identity(d), .identity(d), .zero(d, d))
    }

    static func reversal(_ n: Int) -> RationalMatrix {
        RationalMatrix(rows: n, columns: n) { i, j in i + j == n - 1 ? .one : .zero }
    }

    /// `[I 2I; I I]`, det = (−1)^d.
    static func twoIdentity(_ d: Int) -> RationalMatrix {
        .blocks(.identity(d), 2 * .identity(d), .identity(d), .identity(d))
    }

    /// `[0 I; N 0]` with `N` the cyclic shift scaled so that `det T > 0`.
    static func zeroCorner(_ d: Int) -> RationalMatrix {
        // det [0 I; N 0] = (−1)^d det N; the cyclic shift has det (−1)^(d−1).
        let sign: Rational = (d % 2 == 0) == ((d - 1) % 2 == 0) ? .one : -.one
        let n = RationalMatrix(rows: d, columns: d) { i, j in j == (i + 1) % d ? (i == 0 ? sign : .one) : .zero }
        return .blocks(.zero(d, d), .identity(d), n, .zero(d, d))
    }

    /// A random integer matrix with entries in `-spread...spread` and det > 0
    /// (the first row is negated when the determinant is negative).
    static func randomInteger(_ n: Int, spread: Int = 9, rng: inout SeededGenerator) -> RationalMatrix {
        while true {
            let t = RationalMatrix(rows: n, columns: n) { _, _ in Rational(rng.int(in: -spread...spread)) }
            if let oriented = t.withPositiveDeterminant() { return oriented }
        }
    }

    /// A random matrix of small fractions `p/q`, det > 0.
    static func randomRational(_ n: Int, rng: inout SeededGenerator) -> RationalMatrix {
        while true {
            let t = RationalMatrix(rows: n, columns: n) { _, _ in Rational(rng.int(in: -20...20), rng.int(in: 1...7)) }
            if let oriented = t.withPositiveDeterminant() { return oriented }
        }
    }
}
