import Foundation
import Testing
import Certificates
import CouplingLayers
import ExactLinearAlgebra

/// Depth-2 certificates proven by a Krawczyk box on the full system
/// (format §7.2), for matrices whose `T11` is singular: valid ones verify
/// in both regimes, every tampered field is rejected.
@Suite struct FullSystemMembershipTests {
    /// `L(A1, B1)·U(C1, D1)·L(A2, B2)·U(C2, D2)` with small integer blocks,
    /// positive diagonals and
    /// `T11 = (C1 + D1·A2)·C2` of rank `d − 1` (`D1·A2 = K − C1`, `K`'s last
    /// row the sum of its first two).
    static func singularT11Product(_ d: Int, seed: UInt64) -> RationalMatrix {
        var rng = SeededGenerator(seed: seed)
        let i = RationalMatrix.identity(d), zero = RationalMatrix.zero(d, d)
        func integer() -> RationalMatrix { RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -3...3)) } }
        func positive() -> [Rational] { (0..<d).map { _ in Rational(rng.int(in: 1...3)) } }
        var d1 = integer()
        while d1.determinant.isZero { d1 = integer() }
        var k = integer()
        for j in 0..<d { k[d - 1, j] = k[0, j] + k[1, j] }
        let c1 = positive()
        let a2 = d1.inverse()! * (k - .diagonal(c1))
        let (a1, b1, b2, c2, d2) = (integer(), positive(), positive(), positive(), integer())
        let lower = { (a: RationalMatrix, b: [Rational]) in RationalMatrix.blocks(i, zero, a, .diagonal(b)) }
        let upper = { (c: [Rational], e: RationalMatrix) in RationalMatrix.blocks(.diagonal(c), e, zero, i) }
        return lower(a1, b1) * upper(c1, d1) * lower(a2, b2) * upper(c2, d2)
    }

    static func proven(_ d: Int, seed: UInt64, regime: Regime) throws -> (Certificate, FullSystemMembership) {
        let t = singularT11Product(d, seed: seed)
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
