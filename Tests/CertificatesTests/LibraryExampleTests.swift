import Foundation
import Testing
import Certificates
import CouplingLayers
import ExactLinearAlgebra

/// The README's "Using flowproof from Swift" example, as written there.
@Suite struct LibraryExampleTests {
    @Test func readmeExampleRuns() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("flowproof-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let t = try MatrixTextFormat.read(path: root.appendingPathComponent("examples/swap-d2.txt").path)
        let f = try ExactDecomposer(seed: 0).decompose(t, regime: .positive)
        #expect((f.depth, f.method, f.heightBits) == (3, .monomial, 2))
        try Certificate(factorization: f, seed: 0).write(to: out)
        #expect(CertificateVerifier.verify(path: out).isAccepted)
    }
}
