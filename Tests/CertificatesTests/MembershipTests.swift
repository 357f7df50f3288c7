import Foundation
import Testing
import Certificates
import CouplingLayers
import ExactLinearAlgebra

/// Depth-2 certificates proven by a Krawczyk box on the intertwiner system
/// (format §7.1): valid ones verify, every tampered field is rejected.
@Suite struct MembershipTests {
    /// A Gaussian-like matrix on the 2^-10 grid (`det > 0`).
    static func gaussianGrid(_ d: Int, seed: UInt64) -> RationalMatrix {
        var rng = SeededGenerator(seed: seed)
        while true {
            let t = RationalMatrix(rows: 2 * d, columns: 2 * d) { _, _ in Rational(rng.int(in: -2048...2048), 1024) }
            if let oriented = t.withPositiveDeterminant() { return oriented }
        }
    }

    static func proven(_ d: Int, seed: UInt64, regime: Regime) throws -> (Certificate, IntertwinerMembership) {
        let t = gaussianGrid(d, seed: seed)
        let analysis = try DepthAnalyzer(seed: 0).analyze(t, regime: regime)
        guard case .intertwiner(let proof) = try #require(analysis.membership) else {
            Issue.record("expected an intertwiner proof")
            throw CancellationError()
        }
        #expect(analysis.outcome == .depth2)
        return (Certificate(regime: regime, matrix: t, claim: .depthTwoMembership(.intertwiner(proof))), proof)
    }

    @Test(arguments: Regime.allCases)
    func provenCertificatesVerifyAfterARoundTrip(regime: Regime) throws {
        for d in 2...4 {
            let (certificate, _) = try Self.proven(d, seed: 11 + UInt64(d), regime: regime)
            #expect(CertificateVerifier.verify(json: certificate.jsonText).isAccepted)
            #expect(try CertificateReader.parse(data: Data(certificate.jsonText.utf8)) == certificate)
        }
    }

    @Test func everyTamperedFieldIsRejected() throws {
        let (certificate, p) = try Self.proven(3, seed: 14, regime: .signed)
        func reject(_ q: IntertwinerMembership, _ sourceLocation: SourceLocation = #_sourceLocation) {
            var c = certificate
            c.claim = .depthTwoMembership(.intertwiner(q))
            #expect(!CertificateVerifier.verify(json: c.jsonText).isAccepted, sourceLocation: sourceLocation)
        }
        let tiny = Rational.powerOfTwo(-20)
        var center = p.center
        center[p.fixed.count] += tiny  // a free or fixed coordinate moved
        reject(
            IntertwinerMembership(fixed: p.fixed, center: center, radius: p.radius, preconditioner: p.preconditioner, pInverse: p.pInverse))
        // Another valid gauge may still pass (any passing box is a proof), so
        // `fixed` is tampered against its format: a repeated coordinate.
        var fixed = p.fixed
        fixed[1] = fixed[0]
        reject(
            IntertwinerMembership(fixed: fixed, center: p.center, radius: p.radius, preconditioner: p.preconditioner, pInverse: p.pInverse))
        // Any R with the inequality is a proof (R/4 still passes); −R is not.
        reject(
            IntertwinerMembership(
                fixed: p.fixed, center: p.center, radius: p.radius, preconditioner: p.preconditioner.map(\.negated), pInverse: p.pInverse))
        reject(
            IntertwinerMembership(
                fixed: p.fixed, center: p.center, radius: p.radius, preconditioner: p.preconditioner, pInverse: .zero(3, 3)))
        // Radius: too small for the residual, too large for the remainder.
        reject(
            IntertwinerMembership(
                fixed: p.fixed, center: p.center, radius: p.radius * .powerOfTwo(-30), preconditioner: p.preconditioner,
                pInverse: p.pInverse))
        reject(
            IntertwinerMembership(fixed: p.fixed, center: p.center, radius: .one, preconditioner: p.preconditioner, pInverse: p.pInverse))
        reject(
            IntertwinerMembership(
                fixed: p.fixed, center: p.center, radius: Rational(1, 3), preconditioner: p.preconditioner, pInverse: p.pInverse))
        // The matrix itself, and the regime (a negative δ in the positive regime).
        var other = certificate
        other.matrix = certificate.matrix.map { $0 + tiny }
        #expect(!CertificateVerifier.verify(json: other.jsonText).isAccepted)
        if p.center[0..<6].contains(where: { $0.sign < 0 }) {
            other = certificate
            other.regime = .positive
            #expect(!CertificateVerifier.verify(json: other.jsonText).isAccepted)
        }
    }

    @Test func layersAndMembershipTogetherAndUnknownTypesAreRejected() throws {
        let (certificate, _) = try Self.proven(2, seed: 13, regime: .positive)
        let text = certificate.jsonText
        let both = text.replacingOccurrences(of: "\"depth\": 2,", with: "\"depth\": 2,\n  \"layers\": [],")
        #expect(CertificateVerifier.verify(json: both) == .rejected(reason: "a depth 2 certificate has 'layers' or 'membership', not both"))
        let type = text.replacingOccurrences(of: "krawczyk-intertwiner", with: "krawczyk")
        #expect(!CertificateVerifier.verify(json: type).isAccepted)
        let fixedString = text.replacingOccurrences(of: "\"fixed\": [", with: "\"fixed\": [\"0\", ")
        #expect(!CertificateVerifier.verify(json: fixedString).isAccepted)
    }

    @Test func theBudgetIsCheckedBeforeTheArrays() {
        let d = 17
        let row = "[" + (0..<(2 * d)).map { _ in "\"0\"" }.joined(separator: ", ") + "]"
        let matrix = "[" + Array(repeating: row, count: 2 * d).joined(separator: ",") + "]"
        let json = """
            {"format": "flowproof-certificate", "version": 1, "claim": "depth", "regime": "positive", "d": \(d),
             "matrix": \(matrix), "depth": 2, "membership": {"type": "krawczyk-intertwiner"}}
            """
        #expect(CertificateVerifier.verify(json: json) == .rejected(reason: "membership: d = 17 exceeds the work budget (d <= 16)"))
    }

    @Test func nonDyadicNumbersAreRejected() throws {
        let (certificate, p) = try Self.proven(2, seed: 13, regime: .positive)
        var c = certificate
        c.claim = .depthTwoMembership(
            .intertwiner(
                IntertwinerMembership(
                    fixed: p.fixed, center: p.center, radius: p.radius * Rational(1, 3), preconditioner: p.preconditioner,
                    pInverse: p.pInverse)))
        #expect(
            CertificateVerifier.verify(json: c.jsonText)
                == .rejected(reason: "membership: membership numbers must be dyadic rationals of at most 256 bits"))
    }
}
