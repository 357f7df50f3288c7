import CouplingCore
import ExactLinearAlgebra

/// Test matrices shared by more than one test target.
public enum SharedFixtures {
    /// `L(A1, B1)·U(C1, D1)·L(A2, B2)·U(C2, D2)` with `T11 = (C1 + D1·A2)·C2`
    /// of rank `d − corank` (`C1 + D1·A2` has rows `d − j` = row 0 + j·row 1
    /// for `j = 1…corank`, or row 0 at d = 2; `d − corank >= 2` above d = 2),
    /// and the full-system solution it comes with: `T·diag(δ, ε) =
    /// N−(A1)N+(·)N−(·)N+(W)` with `δ = 1/(C1C2)`, `ε = 1/(B1B2)`,
    /// `W = C1·D2·diag(ε)`. `negativeB` makes `B1[0]` negative (signed only).
    public static func singularProduct(_ d: Int, corank: Int = 1, negativeB: Bool = false, rng: inout SeededGenerator)
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
