import ExactLinearAlgebra
import FloatLinearAlgebra
import Foundation
import Testing
import TestFixtures

@testable import CouplingLayers

@Suite struct NullSpaceIntertwinerTests {
    static func doubles(_ m: RationalMatrix) -> DoubleMatrix {
        DoubleMatrix(rows: m.rows, columns: m.columns) { m[$0, $1].doubleValue }
    }

    /// The known factorization of `SharedFixtures.singularProduct` solves the
    /// reduced system (`P = Q12 − Q11·W`), and `fullSystemStart` carries it
    /// back to a full-system point with a small residual: the null-vector
    /// conditions are necessary, and the `k²` free directions of each of
    /// `X, W` are fixed.
    @Test(arguments: [(3, 1), (5, 1), (8, 1), (6, 2), (8, 3)])
    func theKnownSolutionSolvesTheReducedSystem(d: Int, corank: Int) throws {
        var rng = SeededGenerator(seed: UInt64(70 + d))
        let (t, scalings, _, w) = SharedFixtures.singularProduct(d, corank: corank, rng: &rng)
        #expect(BlockView(t).t11.rank == d - corank)
        let (tm, sm) = (Self.doubles(t), Self.doubles(t.inverse()!))
        let reduced = try #require(NullSpaceIntertwiner(t: tm, inverse: sm))
        #expect(reduced.k == corank)
        let s = scalings.map(\.doubleValue)
        let b = FullSystemNumerics.Blocks(t: tm, inverse: sm, scalings: s)
        let p = b.q12 - b.q11 * Self.doubles(w)
        let point = s.map { log(abs($0)) } + p.rowArrays.flatMap { $0 }
        let signs = [Double](repeating: 1, count: 2 * d)
        let r = reduced.residual(point, signs: signs)
        #expect(r.count == d * d + 4 * d * corank + 1 + d - corank)
        #expect(r.allSatisfy { abs($0) < 1e-9 }, "d = \(d): \(r.map(abs).max()!)")
        let start = try #require(reduced.fullSystemStart(point, signs: signs, t: tm, inverse: sm))
        let full = LevenbergMarquardt.euclideanNorm(b.residual(Array(start[(2 * d)...])))
        #expect(full < 1e-8, "d = \(d), k = \(corank): \(full)")
    }

    /// Analytic columns against forward differences at random points, signs
    /// mixed (the charpoly columns are differences themselves).
    @Test(arguments: [(2, 1), (4, 1), (6, 1), (6, 2)])
    func theJacobianMatchesDifferences(d: Int, corank: Int) throws {
        var rng = SeededGenerator(seed: 5)
        let (t, _, _, _) = SharedFixtures.singularProduct(d, corank: corank, rng: &rng)
        let reduced = try #require(NullSpaceIntertwiner(t: Self.doubles(t), inverse: Self.doubles(t.inverse()!)))
        let signs = (0..<(2 * d)).map { $0 % 3 == 1 ? -1.0 : 1.0 }
        let p = (0..<(2 * d + d * d)).map { _ in Double(rng.int(in: -1000...1000)) / 1000 }
        let r = reduced.residual(p, signs: signs)
        let analytic = reduced.jacobian(p, r, signs: signs)
        let differences = LevenbergMarquardt.forwardDifferences(p, r, { reduced.residual($0, signs: signs) })
        let worst = (0..<r.count).flatMap { i in
            (0..<p.count).map { abs(analytic[i, $0] - differences[i, $0]) / max(1, abs(differences[i, $0])) }
        }.max()!
        #expect(worst <= 1e-5, "d = \(d), k = \(corank): \(worst)")
    }

    /// Not for invertible `T11`, nor for `T11 = 0` (corank `d`: §4.4 decides
    /// that exactly).
    @Test func onlyProperlySingular() throws {
        var rng = SeededGenerator(seed: 9)
        let t = Fixtures.randomInteger(6, rng: &rng)
        #expect(NullSpaceIntertwiner(t: Self.doubles(t), inverse: Self.doubles(t.inverse()!)) == nil)
        let swap = Fixtures.swap(3)
        #expect(NullSpaceIntertwiner(t: Self.doubles(swap), inverse: Self.doubles(swap.inverse()!)) == nil)
    }

    /// The search proves products with singular `T11` by this route, at
    /// sizes where the full system's random starts needed most of their
    /// budget (d = 8) or more (d = 10).
    @Test(arguments: [(4, 1), (8, 1), (10, 1), (8, 2), (10, 2)])
    func singularProductsAreProven(d: Int, corank: Int) throws {
        var rng = SeededGenerator(seed: UInt64(20 + d))
        let (t, _, _, _) = SharedFixtures.singularProduct(d, corank: corank, rng: &rng)
        let result = try #require(NumericDepthTwo.search(PreparedMatrix(t), regime: .positive, seed: 1))
        guard case .fullSystem(let proof) = try #require(result.proof, "d = \(d), k = \(corank)") else {
            Issue.record("d = \(d), k = \(corank): expected a full-system proof")
            return
        }
        #expect(throws: Never.self) { try proof.check(t, regime: .positive) }
    }
}
