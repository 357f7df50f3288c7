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

    /// `L(A1, B1)·U(C1, D1)·L(A2, B2)·U(C2, D2)` with `T11 = (C1 + D1·A2)·C2`
    /// of rank `d − corank` (`C1 + D1·A2` has rows `d − j` = row 0 + j·row 1
    /// for `j = 1…corank`, or row 0 at d = 2; `d − corank >= 2` above d = 2),
    /// and the full-system solution it comes with: `T·diag(δ, ε) =
    /// N−(A1)N+(·)N−(·)N+(W)` with `δ = 1/(C1C2)`, `ε = 1/(B1B2)`,
    /// `W = C1·D2·diag(ε)`. `negativeB` makes `B1[0]` negative (signed only).
    static func singularProduct(_ d: Int, corank: Int = 1, negativeB: Bool = false, rng: inout SeededGenerator)
        -> (t: RationalMatrix, scalings: [Rational], x: RationalMatrix, w: RationalMatrix)
    {
        let i = RationalMatrix.identity(d), zero = RationalMatrix.zero(d, d)
        func integer() -> RationalMatrix { RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -3...3)) } }
        func positive() -> [Rational] { (0..<d).map { _ in Rational(rng.int(in: 1...3)) } }
        var d1 = integer()
        while d1.determinant.isZero { d1 = integer() }
        var k = integer()
        for r in 1...corank {
            for j in 0..<d { k[d - r, j] = k[0, j] + (d > 2 ? Rational(r) * k[1, j] : .zero) }
        }
        let c1 = positive()
        let a2 = d1.inverse()! * (k - .diagonal(c1))
        var b1 = positive()
        if negativeB { b1[0] = b1[0].negated }
        let (a1, b2, c2, d2) = (integer(), positive(), positive(), integer())
        let lower = { (a: RationalMatrix, b: [Rational]) in RationalMatrix.blocks(i, zero, a, .diagonal(b)) }
        let upper = { (c: [Rational], e: RationalMatrix) in RationalMatrix.blocks(.diagonal(c), e, zero, i) }
        let t = lower(a1, b1) * upper(c1, d1) * lower(a2, b2) * upper(c2, d2)
        let delta = (0..<d).map { (c1[$0] * c2[$0]).reciprocal }, epsilon = (0..<d).map { (b1[$0] * b2[$0]).reciprocal }
        let w = RationalMatrix(rows: d, columns: d) { r, c in c1[r] * d2[r, c] * epsilon[c] }
        return (t, delta + epsilon, a1, w)
    }
}
