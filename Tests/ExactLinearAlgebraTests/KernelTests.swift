import Testing
import ExactLinearAlgebra

/// The LDU decomposition, the halving triangular inverse and the fused
/// sparse product, each against a definition it could disagree with.
@Suite struct KernelTests {
    static func random(_ rows: Int, _ columns: Int, zeros: Int = 0, seed: inout UInt64) -> RationalMatrix {
        let m = RationalMatrixTests.random(rows, columns, seed: &seed)
        // Knock out entries so that sparse rows, zero rows and zero pivots occur.
        var n = m
        for k in 0..<(zeros * rows * columns / 10) { n[(k * 7 + Int(seed % 5)) % rows, (k * 3) % columns] = .zero }
        return n
    }

    @Test func lduMultipliesBackWithUnitTriangularFactors() {
        var seed: UInt64 = 21
        for n in 1...9 {
            for zeros in [0, 3, 6] {
                let m = Self.random(n, n, zeros: zeros, seed: &seed)
                guard let f = m.lduDecomposition() else { #expect(m.determinant.isZero); continue }
                #expect(f.permutation * f.lower * .diagonal(f.pivots) * f.upper == m)
                #expect(f.lower.diagonalEntries.allSatisfy { $0 == .one } && f.upper.diagonalEntries.allSatisfy { $0 == .one })
                for i in 0..<n {
                    for j in 0..<n where i < j {
                        #expect(f.lower[i, j].isZero && f.upper[j, i].isZero)
                    }
                }
                #expect(f.pivots.reduce(Rational.one, *) == m.determinant * f.permutation.determinant)
            }
        }
    }

    @Test func lduPivotsOnlyWhereAPivotIsZero() {
        let m = RationalMatrix([[0, 1, 2], [3, 4, 5], [6, 7, 9]])
        let f = m.lduDecomposition()!
        #expect(f.rowOrder == [1, 0, 2])
        #expect(RationalMatrix([[2, 1], [1, 1]]).lduDecomposition()!.rowOrder == [0, 1])
        #expect(RationalMatrix([[1, 2], [2, 4]]).lduDecomposition() == nil)
    }

    @Test func triangularInverseByHalves() {
        var seed: UInt64 = 5
        for n in [1, 5, 9, 16, 23] {
            let m = Self.random(n, n, seed: &seed)
            for upper in [true, false] {
                let t = RationalMatrix(rows: n, columns: n) { i, j in
                    i == j ? (m[i, j].isZero ? .one : m[i, j]) : ((upper ? i < j : i > j) ? m[i, j] : .zero)
                }
                let inverse = t.triangularInverse(upper: upper)
                #expect(t * inverse == .identity(n))
                #expect(inverse == t.inverse())
            }
        }
    }

    @Test func multiplyAddMatchesProductPlusSum() {
        var seed: UInt64 = 8
        for (rows, inner, columns) in [(1, 1, 1), (3, 4, 2), (6, 6, 6), (5, 9, 7)] {
            for zeros in [0, 5, 9] {
                let a = Self.random(rows, inner, zeros: zeros, seed: &seed)
                let b = Self.random(inner, columns, zeros: zeros, seed: &seed)
                let c = Self.random(rows, columns, zeros: zeros, seed: &seed)
                let expected = RationalMatrix(rows: rows, columns: columns) { i, j in
                    (0..<inner).reduce(c[i, j]) { $0 + a[i, $1] * b[$1, j] }
                }
                #expect(RationalMatrix.multiplyAdd(a, b, c) == expected)
                #expect(a * b == expected - c)
                #expect(RationalMatrix.multiplyAdd(a, b, -(a * b)).isZero)
            }
        }
    }

    /// Products on one common denominator, against canonical rationals;
    /// equality must hold exactly when the values agree, however the
    /// operands were scaled.
    @Test func commonDenominatorProductsMatchRationalOnes() {
        var seed: UInt64 = 9
        for (rows, inner, columns) in [(1, 1, 1), (3, 4, 2), (6, 6, 6), (5, 9, 7)] {
            for zeros in [0, 5, 10] {
                let a = Self.random(rows, inner, zeros: zeros, seed: &seed)
                let b = Self.random(inner, columns, zeros: zeros, seed: &seed)
                let c = Self.random(rows, columns, zeros: zeros, seed: &seed)
                let (ai, bi, ci) = (CommonDenominatorMatrix(a), CommonDenominatorMatrix(b), CommonDenominatorMatrix(c))
                let sum = CommonDenominatorMatrix.multiplyAdd(ai, bi, ci)
                #expect(sum.rational == RationalMatrix.multiplyAdd(a, b, c))
                #expect(CommonDenominatorMatrix.multiplyAdd(ai, bi, ci, subtracting: true).rational == c - a * b)
                #expect(sum == CommonDenominatorMatrix(RationalMatrix.multiplyAdd(a, b, c)))
                #expect(
                    CommonDenominatorMatrix.multiplyAdd(ai, bi, CommonDenominatorMatrix(a * b), subtracting: true)
                        == CommonDenominatorMatrix(.zero(rows, columns)))
                let s = (0..<columns).map { Rational($0 + 1, 2 * $0 + 3) * (($0 % 2 == 0) ? 1 : -6) }
                #expect(ci.scalingColumns(s).rational == c * .diagonal(s))
                #expect(ci.scalingColumns(s).scalingColumns(s.map(\.reciprocal)) == ci)
                if !c.isZero { #expect(sum != CommonDenominatorMatrix(RationalMatrix.multiplyAdd(a, b, c) + c)) }
            }
        }
    }

    /// One tall column (the rank-one pair's pattern): its own denominator
    /// group, the other columns stay integers.
    @Test func commonDenominatorProductWithOneTallColumn() {
        var seed: UInt64 = 10
        let tall = .one / Rational(7).power(40)
        var a = Self.random(6, 9, zeros: 3, seed: &seed).map { Rational($0.sign) * ($0.isZero ? 0 : 3) }
        for i in 0..<6 { a[i, 0] = Rational(i + 2) * tall }
        let b = Self.random(9, 5, zeros: 2, seed: &seed), c = Self.random(6, 5, seed: &seed)
        let sum = CommonDenominatorMatrix.multiplyAdd(CommonDenominatorMatrix(a), CommonDenominatorMatrix(b), CommonDenominatorMatrix(c))
        #expect(sum.rational == RationalMatrix.multiplyAdd(a, b, c))
        #expect(sum == CommonDenominatorMatrix(RationalMatrix.multiplyAdd(a, b, c)))
    }
}
