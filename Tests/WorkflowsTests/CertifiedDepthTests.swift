import Testing
import Certificates
import CouplingLayers
import ExactLinearAlgebra
import Workflows

@Suite struct CertifiedDepthTests {
    @Test func everyOutcomeComesWithAVerifiedCertificate() throws {
        let twoI = RationalMatrix.blocks(.identity(2), 2 * .identity(2), .identity(2), .identity(2))
        let three = try CertifiedDepth.run(twoI, regime: .positive, seed: 0)
        #expect(three.analysis.proven && three.analysis.upperBound == 3)
        #expect(three.certificate.claim == .depth(layers: three.factorization!.layers, witness: three.analysis.witness))

        let one = try CertifiedDepth.run(.identity(4), regime: .positive, seed: 0)
        #expect(one.analysis.upperBound == 1 && one.factorization?.depth == 1)

        let random = CertifiedFloatDecompositionTests.random(3, seed: 11)
        let r = try CertifiedDepth.run(random, regime: .signed, seed: 0)
        #expect(CertificateVerifier.verify(json: r.certificate.jsonText).isAccepted)
        if r.analysis.membership != nil { #expect(r.factorization == nil) }
        for result in [three, one, r] { #expect(CertificateVerifier.verify(json: result.certificate.jsonText).isAccepted) }
    }
}
