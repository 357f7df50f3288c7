import ExactLinearAlgebra
import FloatLinearAlgebra
import Foundation
import Testing

@testable import CouplingLayers

@Suite struct FullSystemRationalPointTests {
    /// The permutation matrix with `T[i][p[i]] = 1`.
    static func permutation(_ p: [Int]) -> RationalMatrix {
        RationalMatrix(rows: p.count, columns: p.count) { i, j in p[i] == j ? .one : .zero }
    }

    static func solutions(_ t: RationalMatrix, regime: Regime) throws -> [FullSystemNumerics.Solution] {
        let prepared = try ExactDecomposer.validate(t)
        let result = try #require(NumericDepthTwo.search(prepared, regime: regime, seed: 0))
        return result.fullSystemSolutions
    }

    /// Depth-2 signed permutations with singular `T11` (ranks 2, 1 and 1;
    /// the second needs the truncated-SVD projection): a numerical solution
    /// snaps to an exact one, whose product multiplies back to `T` with
    /// admissible layers.
    @Test(arguments: [[0, 1, 3, 2, 5, 4], [1, 3, 4, 5, 2, 0], [0, 5, 4, 3, 2, 1]])
    func permutationSolutionsSnapToExactFactorizations(p: [Int]) throws {
        let t = Self.permutation(p), inverse = Self.permutation(p).transpose
        #expect(BlockView(t).t11.determinant.isZero)
        let solutions = try Self.solutions(t, regime: .signed)
        let product = try #require(
            solutions.prefix(2).lazy.compactMap { FullSystemRationalPoint.factor(t, inverse: inverse, regime: .signed, solution: $0) }
                .first)
        let layers = product.couplingPairs()
        #expect(layers.count == 2)
        #expect(layers.allSatisfy { $0.satisfies(.signed) })
        #expect(CouplingPair.productEquals(layers, t))
    }

    /// `product` checks what it is given: an off-diagonal entry moved by
    /// one coordinate, or a negative scaling in the positive regime, gives
    /// nil.
    @Test func productRejectsWrongPoints() throws {
        let t = Self.permutation([1, 3, 4, 5, 2, 0]), inverse = t.transpose
        let solutions = try Self.solutions(t, regime: .signed)
        let point = try #require(
            solutions.prefix(2).lazy.compactMap { solution -> [Rational]? in
                guard let x = FullSystemRationalPoint.point(t, inverse: inverse, solution: solution),
                    FullSystemRationalPoint.product(t, inverse: inverse, regime: .signed, point: x) != nil
                else { return nil }
                return x
            }.first)
        for k in [0, point.count / 2, point.count - 1] {
            var moved = point
            moved[k] += Rational(1, 7)
            #expect(FullSystemRationalPoint.product(t, inverse: inverse, regime: .signed, point: moved) == nil, "coordinate \(k)")
        }
        // Every depth-2 factorization of this T needs a negative scaling
        // (it is depth 3 in the positive regime), so the same point fails there.
        #expect(FullSystemRationalPoint.product(t, inverse: inverse, regime: .positive, point: point) == nil)
    }

    /// `DepthAnalyzer` reports such permutations as proven depth 2 with an
    /// exact factorization (no membership box), where they were "in K_2
    /// numerically" before; the `d = 4` one has coordinates like −133/18
    /// that only snap to themselves.
    @Test(arguments: [[1, 4, 3, 2, 5, 0], [1, 4, 3, 7, 5, 0, 2, 6]])
    func depthAnalysisProvesDegeneratePermutations(p: [Int]) throws {
        let t = Self.permutation(p)
        let analysis = try DepthAnalyzer(seed: 0).analyze(t, regime: .signed)
        #expect(analysis.proven && analysis.upperBound == 2)
        let exact = try #require(analysis.shallowFactorization)
        #expect(exact.method == .depthTwo && exact.depth == 2)
        #expect(CouplingPair.productEquals(exact.layers, t))
    }

    @Test func convergentsRecoverSmallRationals() throws {
        for (p, q) in [(19, 44), (-3, 5), (7, 1), (0, 1), (-1, 3), (1023, 1024)] {
            let v = Double(p) / Double(q)
            #expect(FullSystemRationalPoint.convergent(v, tolerance: 1e-12) == Rational(p, q))
        }
        // π needs a denominator beyond the budget at this tolerance.
        #expect(FullSystemRationalPoint.convergent(Double.pi, tolerance: 1e-15) == nil)
        #expect(FullSystemRationalPoint.convergent(.nan, tolerance: 1e-9) == nil)
        #expect(FullSystemRationalPoint.convergent(1e300, tolerance: 1e-9) == nil)
        // Binary64 values far from small rationals, with no tolerance and
        // no denominator budget: the expansion ends at a convergent that
        // binary64 division cannot tell from v, without a trap.
        for v in [999_999.123456789, 0x1p-20 + 0x1p-70, -123_456.000000001] {
            let q = try #require(FullSystemRationalPoint.convergent(v, tolerance: 0, maximumDenominator: .max))
            #expect(abs(q.doubleValue - v) <= 2 * v.ulp)
        }
    }

    @Test func candidatesPutExactValuesFirst() {
        #expect(FullSystemRationalPoint.candidates(0.5).first == Rational(1, 2))
        #expect(FullSystemRationalPoint.candidates(1.0 / 3).first == Rational(1, 3))
        #expect(FullSystemRationalPoint.candidates(-2).first == Rational(-2, 1))
        #expect(FullSystemRationalPoint.candidates(-133.0 / 18).first == Rational(-133, 18))
        // Near no simple value: integers and halves first, by simplicity.
        let near = FullSystemRationalPoint.candidates(0.4142)
        #expect(near.count == FullSystemRationalPoint.snapCandidates)
        #expect(Set(near).count == near.count)
        #expect(FullSystemRationalPoint.candidates(.infinity).isEmpty)
    }
}
