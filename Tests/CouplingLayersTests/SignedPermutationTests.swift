import Testing
@testable import CouplingLayers
import ExactLinearAlgebra

@Suite struct SignedPermutationTests {
    @Test func conjugatorSolvesTheCommutatorEquation() {
        var rng = SeededGenerator(seed: 21)
        var solved = 0
        for n in [3, 6, 10] {
            for _ in 0..<20 {
                let c = SignedPermutation.random(n, &rng)
                guard c.isInCommutatorSubgroup else { continue }
                for _ in 0..<5000 {
                    let h = SignedPermutation.random(n, &rng)
                    guard let k = SignedPermutation.conjugator(from: h, to: h * c) else { continue }
                    // H·C = K⁻¹·H·K as matrices.
                    #expect(h.matrix * c.matrix == k.matrix.transpose * h.matrix * k.matrix)
                    solved += 1
                    break
                }
            }
        }
        #expect(solved > 10)
    }

    @Test func matrixRoundTripAndClass() {
        let m = RationalMatrix([[0, -1], [1, 0]])  // rotation by 90°: det 1, not a commutator in B_2
        let s = SignedPermutation(m)!
        #expect(s.matrix == m)
        #expect(!s.isInCommutatorSubgroup)
        #expect(SignedPermutation(RationalMatrix([[2, 0], [0, 1]])) == nil)
        #expect(SignedPermutation(RationalMatrix([[1, 1], [0, 1]])) == nil)
    }

    /// Permutations whose C falls in a commutator class get entries of a
    /// few bits at any d; the swap is one of them.
    @Test func permutationCertificatesStaySmall() throws {
        for d in [4, 16] {
            let swap = RationalMatrix.blocks(.zero(d, d), .identity(d), .identity(d), .zero(d, d))
            let f = try ExactDecomposer().decompose(swap, regime: .positive)
            #expect(f.heightBits <= 8)
        }
        var rng = SeededGenerator(seed: 3)
        var small = 0
        for _ in 0..<24 {
            var p = Array(0..<16)
            p.shuffle(using: &rng)
            let t = RationalMatrix(rows: 16, columns: 16) { i, j in p[i] == j ? .one : .zero }
            guard t.determinant.sign > 0 else { continue }
            let f = try ExactDecomposer().decompose(t, regime: .positive)
            #expect(CouplingPair.product(f.layers) == t)
            if f.heightBits <= 8 { small += 1 }
        }
        #expect(small >= 5)
    }
}
