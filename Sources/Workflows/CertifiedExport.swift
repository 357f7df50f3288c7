import Certificates
import CouplingLayers
import FileIO
import Foundation
import LayerExport

/// `flowproof export` as a library call: a certificate read once, checked
/// by the verifier, and its layers written as float64 arrays. Nothing is
/// exported that the verifier rejects.
///
/// ```swift
/// let r = try CertifiedExport.run(certificate: "swap.json", format: .npz)
/// print(r.path, r.depth, r.d)   // swap.npz 3 2
/// ```
public enum CertifiedExport {
    public enum Format: String, CaseIterable, Sendable {
        case npz, json
    }

    public struct Result: Sendable {
        public let layers: [CouplingPair]
        public let d: Int
        public let arrays: LayerArrays
        /// Where the arrays were written.
        public let path: String
        public var depth: Int { layers.count }
    }

    /// Reads, verifies and exports `certificate` to `out`, or to
    /// `defaultOutput(for:format:)`. A rejected certificate is `.rejected`;
    /// one without layers or with entries beyond binary64 is `.badInput`;
    /// reading and writing fail with `FileIO`'s errors.
    public static func run(certificate: String, format: Format, out: String? = nil) throws -> Result {
        let data = try InputFile.read(certificate)
        let parsed: Certificate
        do {
            parsed = try CertificateReader.parse(data: data)
            _ = try CertificateVerifier.check(parsed)
        } catch {
            throw WorkflowFailure.rejected("\(certificate): rejected, not exported: \(error.message)")
        }
        let layers: [CouplingPair]
        switch parsed.claim {
        case .exactFactorization(let l), .binary64Factorization(let l, _), .depth(let l, _):
            layers = l
        case .notInK2:
            throw WorkflowFailure.badInput("\(certificate): a not-in-K2 certificate has no layers to export")
        case .depthTwoMembership:
            throw WorkflowFailure.badInput(
                "\(certificate): a membership proof has no layers to export (it proves that a depth-2 network exists)")
        }
        let arrays = LayerArrays(layers: layers, matrix: parsed.matrix)
        guard arrays.allFinite else {
            throw WorkflowFailure.badInput("\(certificate): an entry is beyond the binary64 range (|x| > 1.8e308)")
        }
        let path = out ?? defaultOutput(for: certificate, format: format)
        let bytes: Data
        do {
            switch format {
            case .npz: bytes = try arrays.npz()
            case .json: bytes = Data(arrays.jsonText.utf8)
            }
        } catch {
            throw WorkflowFailure.internalError("cannot build the npz archive: \(error)")
        }
        try AtomicFile.write(data: bytes, to: path)
        return Result(layers: layers, d: parsed.d, arrays: arrays, path: path)
    }

    /// `cert.json` -> `cert.npz` / `cert.layers.json`; other names get the suffix appended.
    public static func defaultOutput(for certificate: String, format: Format) -> String {
        let stem = certificate.hasSuffix(".json") ? String(certificate.dropLast(5)) : certificate
        return stem + (format == .npz ? ".npz" : ".layers.json")
    }
}
