import Testing
import Certificates
import CouplingLayers
import ExactLinearAlgebra
import Workflows

@Suite struct CertifiedFloatDecompositionTests {
    static func random(_ d: Int, seed: UInt64) -> RationalMatrix {
        var rng = SeededGenerator(seed: seed)
        while true {
            let t = RationalMatrix(rows: 2 * d, columns: 2 * d) { _, _ in Rational(rng.int(in: -9...9), rng.int(in: 1...4)) }
            if let oriented = t.withPositiveDeterminant() { return oriented }
        }
    }

    @Test(arguments: [1, 2, 3, 5], Regime.allCases)
    func certificateIsVerifiedAndTrue(d: Int, regime: Regime) throws {
        let t = Self.random(d, seed: UInt64(d))
        let r = try CertifiedFloatDecomposition.run(t, regime: regime, seed: 0)
        #expect(r.verified)
        let certificate = try #require(r.certificate)
        #expect(CertificateVerifier.verify(json: certificate.jsonText).isAccepted)
        #expect(r.bound.value <= 1e-12 * max(1, r.rounded.frobeniusNorm))
    }

    @Test func inputFailuresAreBadInput() {
        let underflow = RationalMatrix([[Rational(1, 10).power(400), 0], [0, 1]])
        #expect(throws: WorkflowFailure.self) {
            try CertifiedFloatDecomposition.run(underflow, regime: .positive, seed: 0)
        }
        do {
            _ = try CertifiedFloatDecomposition.run(underflow, regime: .positive, seed: 0)
        } catch {
            guard case .badInput(let message) = error else { Issue.record("not bad input: \(error)"); return }
            #expect(message.contains("below the binary64 range"))
        }
        let negative = RationalMatrix([[-1, 0], [0, 1]])
        do {
            _ = try CertifiedFloatDecomposition.run(negative, regime: .positive, seed: 0)
            Issue.record("det < 0 accepted")
        } catch {
            guard case .badInput = error else { Issue.record("not bad input: \(error)"); return }
        }
    }

    /// `--depth k` asks for exactly k: a depth-1 request for a matrix outside K_1 may honestly fail.
    @Test func exactDepthRequestMayFail() {
        let swap = RationalMatrix.blocks(.zero(2, 2), .identity(2), .identity(2), .zero(2, 2))
        #expect(throws: WorkflowFailure.self) {
            try CertifiedFloatDecomposition.run(swap, depth: 1, regime: .positive, seed: 0)
        }
    }
}
