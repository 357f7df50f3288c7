import Certificates
import CouplingLayers
import ExactLinearAlgebra
import Foundation
import Testing
import Workflows

/// A fresh directory under the system's temporary one.
func temporaryDirectory() throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("flowproof-" + UUID().uuidString)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct CertifiedExportTests {
    /// The depth-3 certificate of `[I 2I; I I]`, written to `directory`.
    static func certificate(in directory: String) throws -> (path: String, certificate: Certificate) {
        let t = RationalMatrix.blocks(.identity(2), 2 * .identity(2), .identity(2), .identity(2))
        let certificate = try CertifiedDepth.run(t, regime: .positive, seed: 0).certificate
        let path = (directory as NSString).appendingPathComponent("two-identity.json")
        try certificate.write(to: path)
        return (path, certificate)
    }

    @Test func exportsAVerifiedCertificate() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (path, certificate) = try Self.certificate(in: directory)

        let npz = try CertifiedExport.run(certificate: path, format: .npz)
        #expect(npz.path == (directory as NSString).appendingPathComponent("two-identity.npz"))
        #expect(npz.depth == 3 && npz.d == 2)
        let zip = try Data(contentsOf: URL(fileURLWithPath: npz.path))
        #expect(zip.starts(with: [0x50, 0x4B, 0x03, 0x04]))  // a zip archive
        #expect(npz.arrays.float64RelativeResidual().map { $0 < 1e-12 } == true)

        let out = (directory as NSString).appendingPathComponent("layers.json")
        let json = try CertifiedExport.run(certificate: path, format: .json, out: out)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any]
        #expect(json.path == out)
        #expect(Set(object?.keys ?? [:].keys) == ["A", "B", "C", "D", "matrix"])
        if case .depth(let layers, _) = certificate.claim { #expect(json.layers == layers) } else { Issue.record("not a depth claim") }
    }

    @Test func refusesATamperedCertificate() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (path, certificate) = try Self.certificate(in: directory)
        // The matrix changes, the layers do not: the product check must fail.
        var tampered = certificate
        tampered.matrix[0, 0] = tampered.matrix[0, 0] + 1
        try tampered.write(to: path)
        #expect {
            try CertifiedExport.run(certificate: path, format: .npz)
        } throws: { error in
            guard case WorkflowFailure.rejected(let reason) = error else { return false }
            return reason.hasPrefix("\(path): rejected, not exported: ")
        }
        #expect(!FileManager.default.fileExists(atPath: CertifiedExport.defaultOutput(for: path, format: .npz)))
    }

    @Test func claimsWithoutLayersAreBadInput() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let t = RationalMatrix.blocks(.identity(2), 2 * .identity(2), .identity(2), .identity(2))
        let analysis = try DepthAnalyzer(seed: 0).analyze(t, regime: .positive)
        let witness = try #require(analysis.witness)
        let path = (directory as NSString).appendingPathComponent("not-in-k2.json")
        try Certificate(regime: .positive, matrix: t, claim: .notInK2(witness), provenance: Provenance(seed: 0)).write(to: path)
        #expect {
            try CertifiedExport.run(certificate: path, format: .json)
        } throws: { error in
            guard case WorkflowFailure.badInput(let reason) = error else { return false }
            return reason == "\(path): a not-in-K2 certificate has no layers to export"
        }
    }

    @Test func defaultOutputNeverOverwritesTheCertificate() {
        #expect(CertifiedExport.defaultOutput(for: "a/swap.json", format: .npz) == "a/swap.npz")
        #expect(CertifiedExport.defaultOutput(for: "a/swap.json", format: .json) == "a/swap.layers.json")
        #expect(CertifiedExport.defaultOutput(for: "swap.cert", format: .json) == "swap.cert.layers.json")
    }
}
