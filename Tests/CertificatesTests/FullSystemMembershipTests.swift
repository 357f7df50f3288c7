import Foundation
import Testing
import Certificates
import CouplingLayers
import ExactLinearAlgebra
import TestFixtures

/// Depth-2 certificates proven by a Krawczyk box on the full system
/// (format §7.2), for matrices whose `T11` is singular: valid ones verify
/// in both regimes, every tampered field is rejected.
@Suite struct FullSystemMembershipTests {
    static func proven(_ d: Int, seed: UInt64, regime: Regime) throws -> (Certificate, FullSystemMembership) {
        var rng = SeededGenerator(seed: seed)
        let t = SharedFixtures.singularProduct(d, rng: &rng).t
        #expect(BlockView(t).t11.determinant.isZero)
        let analysis = try DepthAnalyzer(seed: 0).analyze(t, regime: regime)
        #expect(analysis.outcome == .depth2)
        guard case .fullSystem(let proof) = try #require(analysis.membership) else {
            Issue.record("expected a full-system proof")
            throw CancellationError()
        }
        return (Certificate(regime: regime, matrix: t, claim: .depthTwoMembership(.fullSystem(proof))), proof)
    }

    @Test(arguments: Regime.allCases)
    func provenCertificatesVerifyAfterARoundTrip(regime: Regime) throws {
        for d in 3...5 {
            let (certificate, _) = try Self.proven(d, seed: 20 + UInt64(d), regime: regime)
            #expect(CertificateVerifier.verify(json: certificate.jsonText).isAccepted, "d = \(d)")
            #expect(try CertificateReader.parse(data: Data(certificate.jsonText.utf8)) == certificate)
        }
    }

    @Test func everyTamperedFieldIsRejected() throws {
        let (certificate, p) = try Self.proven(3, seed: 23, regime: .positive)
        func reject(_ q: FullSystemMembership, _ sourceLocation: SourceLocation = #_sourceLocation) {
            var c = certificate
            c.claim = .depthTwoMembership(.fullSystem(q))
            #expect(!CertificateVerifier.verify(json: c.jsonText).isAccepted, sourceLocation: sourceLocation)
        }
        let tiny = Rational.powerOfTwo(-20)
        let free = (0..<p.center.count).first { !p.fixed.contains($0) }!
        for k in [free, p.fixed[0]] {
            var center = p.center
            center[k] += tiny
            reject(FullSystemMembership(fixed: p.fixed, center: center, radius: p.radius, preconditioner: p.preconditioner))
        }
        var fixed = p.fixed
        fixed[1] = fixed[0]
        reject(FullSystemMembership(fixed: fixed, center: p.center, radius: p.radius, preconditioner: p.preconditioner))
        reject(FullSystemMembership(fixed: p.fixed, center: p.center, radius: p.radius, preconditioner: p.preconditioner.map(\.negated)))
        reject(
            FullSystemMembership(fixed: p.fixed, center: p.center, radius: p.radius * .powerOfTwo(-40), preconditioner: p.preconditioner))
        reject(FullSystemMembership(fixed: p.fixed, center: p.center, radius: .one, preconditioner: p.preconditioner))
        reject(FullSystemMembership(fixed: p.fixed, center: p.center, radius: Rational(1, 3), preconditioner: p.preconditioner))
        var other = certificate
        other.matrix = certificate.matrix.map { $0 + tiny }
        #expect(!CertificateVerifier.verify(json: other.jsonText).isAccepted)
        let text = certificate.jsonText
        #expect(
            !CertificateVerifier.verify(json: text.replacingOccurrences(of: "krawczyk-full-system", with: "krawczyk-intertwiner"))
                .isAccepted)
        let both = text.replacingOccurrences(of: "\"depth\": 2,", with: "\"depth\": 2,\n  \"layers\": [],")
        #expect(CertificateVerifier.verify(json: both) == .rejected(reason: "a depth 2 certificate has 'layers' or 'membership', not both"))
    }

    @Test func theBudgetIsCheckedBeforeTheArrays() {
        let d = 13
        let row = "[" + (0..<(2 * d)).map { _ in "\"0\"" }.joined(separator: ", ") + "]"
        let matrix = "[" + Array(repeating: row, count: 2 * d).joined(separator: ",") + "]"
        let json = """
            {"format": "flowproof-certificate", "version": 1, "claim": "depth", "regime": "positive", "d": \(d),
             "matrix": \(matrix), "depth": 2, "membership": {"type": "krawczyk-full-system"}}
            """
        #expect(CertificateVerifier.verify(json: json) == .rejected(reason: "membership: d = 13 exceeds the work budget (d <= 12)"))
    }
}
