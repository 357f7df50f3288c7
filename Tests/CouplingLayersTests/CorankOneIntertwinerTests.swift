import ExactLinearAlgebra
import FloatLinearAlgebra
import Foundation
import Testing

@testable import CouplingLayers

@Suite struct CorankOneIntertwinerTests {
    static func doubles(_ m: RationalMatrix) -> DoubleMatrix {
        DoubleMatrix(rows: m.rows, columns: m.columns) { m[$0, $1].doubleValue }
    }

    /// The known factorization of `Fixtures.corankOneProduct` solves the
    /// reduced system (`P = Q12 − Q11·W`), and `fullSystemStart` carries it
    /// back to a full-system point with a small residual: the null-vector
    /// conditions are necessary, and the free directions of `X, W` are fixed.
    @Test(arguments: [3, 5, 8]) func theKnownSolutionSolvesTheReducedSystem(d: Int) throws {
        var rng = SeededGenerator(seed: UInt64(70 + d))
        let (t, scalings, _, w) = Fixtures.corankOneProduct(d, rng: &rng)
        let (tm, sm) = (Self.doubles(t), Self.doubles(t.inverse()!))
        let reduced = try #require(CorankOneIntertwiner(t: tm, inverse: sm))
        let s = scalings.map(\.doubleValue)
        let b = FullSystemNumerics.Blocks(t: tm, inverse: sm, scalings: s)
        let p = b.q12 - b.q11 * Self.doubles(w)
        let point = s.map { log(abs($0)) } + p.rowArrays.flatMap { $0 }
        let signs = [Double](repeating: 1, count: 2 * d)
        let r = reduced.residual(point, signs: signs)
        #expect(r.count == d * d + 5 * d)
        #expect(r.allSatisfy { abs($0) < 1e-9 }, "d = \(d): \(r.map(abs).max()!)")
        let start = try #require(reduced.fullSystemStart(point, signs: signs, t: tm, inverse: sm))
        let full = LevenbergMarquardt.euclideanNorm(b.residual(Array(start[(2 * d)...])))
        #expect(full < 1e-8, "d = \(d): \(full)")
    }

    /// Analytic columns against forward differences at random points, signs
    /// mixed (the charpoly columns are differences themselves).
    @Test func theJacobianMatchesDifferences() throws {
        var rng = SeededGenerator(seed: 5)
        for d in [2, 4, 6] {
            let (t, _, _, _) = Fixtures.corankOneProduct(d, rng: &rng)
            let reduced = try #require(CorankOneIntertwiner(t: Self.doubles(t), inverse: Self.doubles(t.inverse()!)))
            let signs = (0..<(2 * d)).map { $0 % 3 == 1 ? -1.0 : 1.0 }
            let p = (0..<(2 * d + d * d)).map { _ in Double(rng.int(in: -1000...1000)) / 1000 }
            let r = reduced.residual(p, signs: signs)
            let analytic = reduced.jacobian(p, r, signs: signs)
            let differences = LevenbergMarquardt.forwardDifferences(p, r, { reduced.residual($0, signs: signs) })
            for i in 0..<r.count {
                for k in 0..<p.count {
                    #expect(abs(analytic[i, k] - differences[i, k]) <= 1e-5 * max(1, abs(differences[i, k])), "d = \(d) [\(i), \(k)]")
                }
            }
        }
    }

    /// Not for invertible `T11`, nor for rank `d − 2`.
    @Test func onlyCorankOne() throws {
        var rng = SeededGenerator(seed: 9)
        let t = Fixtures.randomInteger(6, rng: &rng)
        #expect(CorankOneIntertwiner(t: Self.doubles(t), inverse: Self.doubles(t.inverse()!)) == nil)
        let swap = Fixtures.swap(3)
        #expect(CorankOneIntertwiner(t: Self.doubles(swap), inverse: Self.doubles(swap.inverse()!)) == nil)
    }

    /// The search proves products with `T11` of rank `d − 1` by this route,
    /// at sizes where the full system's random starts needed most of their
    /// budget (d = 8) or more (d = 10).
    @Test(arguments: [4, 8, 10]) func corankOneProductsAreProven(d: Int) throws {
        var rng = SeededGenerator(seed: UInt64(20 + d))
        let (t, _, _, _) = Fixtures.corankOneProduct(d, rng: &rng)
        let result = try #require(NumericDepthTwo.search(PreparedMatrix(t), regime: .positive, seed: 1))
        guard case .fullSystem(let proof) = try #require(result.proof, "d = \(d)") else {
            Issue.record("d = \(d): expected a full-system proof")
            return
        }
        #expect(throws: Never.self) { try proof.check(t, regime: .positive) }
    }
}
