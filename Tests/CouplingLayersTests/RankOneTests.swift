import Testing
@testable import CouplingLayers
import ExactLinearAlgebra

/// Theory §5.3: depth 3 by pole placement with a rank-one last pair.
@Suite struct RankOneTests {
    func layers(_ t: RationalMatrix) -> [CouplingPair]? { RankOneConstruction.factor(PreparedMatrix(t))?.couplingPairs() }

    @Test func randomIntegerMatricesMultiplyBack() throws {
        var rng = SeededGenerator(seed: 31)
        for d in 1...12 {
            let t = Fixtures.randomInteger(2 * d, rng: &rng)
            let result = try #require(layers(t), "d = \(d)")
            #expect(result.count == 3)
            #expect(CouplingPair.product(result) == t)
            #expect(result.allSatisfy { $0.satisfies(.positive) })
        }
    }

    @Test func randomRationalMatricesMultiplyBack() throws {
        var rng = SeededGenerator(seed: 32)
        for d in 1...5 {
            let t = Fixtures.randomRational(2 * d, rng: &rng)
            #expect(try CouplingPair.product(#require(layers(t))) == t)
        }
    }

    /// Derogatory blocks cannot get `d` distinct eigenvalues from a rank-one
    /// update: the construction declines and `decompose` takes §5's path.
    @Test func nonCyclicBlocksFallBack() throws {
        let scalar = RationalMatrix.blocks(3 * .identity(3), 5 * .identity(3), 2 * .identity(3), 7 * .identity(3))
        for t in [Fixtures.swap(4), Fixtures.reversal(8), Fixtures.twoIdentity(4), scalar] {
            #expect(layers(t) == nil)
            let f = try ExactDecomposer().decompose(t, regime: .positive)
            #expect(f.method != .rankOne)
            #expect(CouplingPair.product(f.layers) == t)
        }
        #expect(try ExactDecomposer().decompose(Fixtures.swap(8), regime: .positive).heightBits <= 2)
    }

    /// `T11` a nilpotent Jordan block: singular but cyclic, so `p` and `u`
    /// come from `[T11, −T12]·[p; u] = a`.
    @Test func singularCyclicT11() throws {
        var rng = SeededGenerator(seed: 33)
        for d in 2...6 {
            let shift = RationalMatrix(rows: d, columns: d) { i, j in j == i + 1 ? .one : .zero }
            var t = Fixtures.randomInteger(2 * d, rng: &rng)
            repeat {
                t = Fixtures.randomInteger(2 * d, rng: &rng)
                for i in 0..<d { for j in 0..<d { t[i, j] = shift[i, j] } }
            } while t.determinant.sign <= 0
            #expect(t.block(rows: 0..<d, columns: 0..<d).determinant.isZero)
            let result = try #require(layers(t), "d = \(d)")
            #expect(CouplingPair.product(result) == t)
        }
    }

    /// `T11` (then `V`) with eigenvalues 1, −1, 2: the first three choices
    /// collide and are skipped.
    @Test func collidingEigenvalueChoices() throws {
        // Companion matrix of (x − 1)(x + 1)(x − 2) = x³ − 2x² − x + 2: cyclic.
        let companion = RationalMatrix([[0, 0, -2], [1, 0, 1], [0, 1, 2]])
        var rng = SeededGenerator(seed: 34)
        var t = Fixtures.randomInteger(6, rng: &rng)
        for i in 0..<3 { for j in 0..<3 { t[i, j] = companion[i, j] } }
        if t.determinant.sign < 0 { for j in 0..<6 { t[3, j] = -t[3, j] } }  // keeps T11
        #expect(RankOneConstruction.attempt(PreparedMatrix(t), excluding: []).collidedValues == [1, -1, 2])
        #expect(RankOneConstruction.eigenvalues(3, excluding: [1, -1, 2]) == [-2, 3, -3])
        #expect(try CouplingPair.product(#require(layers(t))) == t)
        // V = (T⁻¹)22 = companion: T is the inverse of a matrix with that block.
        var s = Fixtures.randomInteger(6, rng: &rng)
        for i in 0..<3 { for j in 0..<3 { s[3 + i, 3 + j] = companion[i, j] } }
        let oriented = try #require(s.withPositiveDeterminant())
        let inverse = try #require(oriented.inverse())
        #expect(try CouplingPair.product(#require(layers(inverse))) == inverse)
    }

    @Test func decomposeIsDeterministicAndPicksRankOne() throws {
        var rng = SeededGenerator(seed: 35)
        for d in [3, 6, 10] {
            let t = Fixtures.randomInteger(2 * d, rng: &rng)
            let a = try ExactDecomposer(seed: 4).decompose(t, regime: .positive)
            let b = try ExactDecomposer(seed: 4).decompose(t, regime: .positive)
            #expect(a.layers == b.layers && a.method == b.method)
            #expect(a.method == .rankOne)
        }
    }
}

extension RankOneConstruction.Outcome {
    var collidedValues: [Rational]? { if case .collided(let values) = self { values } else { nil } }
}
