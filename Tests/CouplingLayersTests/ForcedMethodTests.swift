import Testing
@testable import CouplingLayers
import ExactLinearAlgebra

/// `decompose(…, method:)`: a forced depth-3 construction runs alone, is
/// multiplied back, and declines honestly where it does not apply.
@Suite struct ForcedMethodTests {
    func forced(_ t: RationalMatrix, _ method: DepthThreeMethod, seed: UInt64 = 0) throws -> ExactFactorization {
        try ExactDecomposer(seed: seed).decompose(t, regime: .positive, method: method)
    }

    /// Depth 3 by the forced construction even where depth 1 would do
    /// (random `d = 1` inputs often are in `K_1`).
    @Test(arguments: [(DepthThreeMethod.rankOne, ExactMethod.rankOne), (.commutator, .commutator)])
    func randomIntegerMatricesMultiplyBack(method: DepthThreeMethod, expected: ExactMethod) throws {
        var rng = SeededGenerator(seed: 41)
        for d in 1...12 {
            let t = Fixtures.randomInteger(2 * d, rng: &rng)
            let f = try forced(t, method)
            #expect(f.method == expected && f.depth == 3, "d = \(d)")
            #expect(CouplingPair.product(f.layers) == t, "d = \(d)")
            #expect(f.layers.allSatisfy { $0.satisfies(.positive) })
        }
    }

    @Test func rankOneRefusesNonCyclicBlocks() {
        for t in [Fixtures.swap(2), Fixtures.twoIdentity(2), Fixtures.twoIdentity(4), Fixtures.reversal(8)] {
            #expect {
                try forced(t, .rankOne)
            } throws: { error in
                guard case DecompositionError.methodDeclined(.rankOne, _) = error else { return false }
                return true
            }
        }
    }

    /// §5's commutator step applies to every input, permutations included
    /// (where `auto` takes the monomial path instead).
    @Test func commutatorAndMonomialOnPermutations() throws {
        for t in [Fixtures.swap(2), Fixtures.twoIdentity(2), Fixtures.reversal(8)] {
            let f = try forced(t, .commutator)
            #expect(f.method == .commutator && CouplingPair.product(f.layers) == t)
        }
        let swap = try forced(Fixtures.swap(4), .monomial)
        #expect(swap.method == .monomial && CouplingPair.product(swap.layers) == Fixtures.swap(4))
        #expect(throws: DecompositionError.self) { try forced(Fixtures.twoIdentity(2), .monomial) }
    }

    @Test(arguments: [DepthThreeMethod.rankOne, .commutator])
    func sameSeedSameLayers(method: DepthThreeMethod) throws {
        var rng = SeededGenerator(seed: 42)
        for d in [2, 5] {
            let t = Fixtures.randomInteger(2 * d, rng: &rng)
            #expect(try forced(t, method, seed: 3).layers == forced(t, method, seed: 3).layers)
        }
    }

    /// Above `d = 8` `auto` runs only the rank-one construction on
    /// unstructured input, so forcing it changes nothing.
    @Test func forcedRankOneMatchesAutoAboveTheBudget() throws {
        var rng = SeededGenerator(seed: 43)
        let t = Fixtures.randomInteger(20, rng: &rng)
        let auto = try forced(t, .auto)
        #expect(auto.method == .rankOne)
        #expect(try forced(t, .rankOne).layers == auto.layers)
    }
}
