import ArgumentParser
import Foundation
import Workflows

extension CertifiedExport.Format: ExpressibleByArgument {}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the layers of a verified certificate as float64 arrays for NumPy / PyTorch.",
        discussion: """
            The certificate is re-checked first (as `flowproof verify` does); only a factorization \
            or depth certificate that verifies is exported. Entries are rounded to the nearest \
            binary64 value (ties to even), so the float64 product of the layers matches `matrix` \
            only up to rounding, which large, cancelling layer entries amplify; the text output \
            reports the float64 relative residual.

            npz: a NumPy archive (uncompressed zip of .npy files, little-endian float64, C order) \
            with arrays A (k,d,d), B (k,d), C (k,d), D (k,d,d) and matrix (2d,2d); pair i is \
            L(A[i], B[i]) U(C[i], D[i]) and the matrix is L1 U1 ... Lk Uk. \
            json: one object {"A", "B", "C", "D", "matrix"} of nested lists of JSON numbers \
            (shortest round-trip form), for json.load + np.array.

            Default output: the certificate path with .json replaced by .npz, or by .layers.json \
            for --format json (the certificate itself is never overwritten). The file is written \
            atomically. Exit status 1 if the certificate is rejected, 2 if it is unreadable or \
            makes a claim without layers (not-in-K2).

            Examples:
              flowproof export swap.json                    # writes swap.npz
              flowproof export swap.json --format json      # writes swap.layers.json
              python3 -c 'import numpy as np; z = np.load("swap.npz"); print(z["A"].shape)'
            """)

    @Argument(help: "Certificate file (JSON) with a factorization or depth claim.")
    var certificate: String

    @Option(help: "Output format: npz (NumPy archive) or json.")
    var format: CertifiedExport.Format = .npz

    @Option(name: .long, help: "Output path (default: the certificate path with .npz or .layers.json).")
    var out: String?

    @Flag(help: "Print a machine-readable JSON summary instead of text.")
    var json = false

    func validate() throws {
        if let out, Export.samePath(out, certificate) {
            throw ValidationError("--out must not be the certificate itself (\(certificate))")
        }
    }

    func run() throws {
        let result: CertifiedExport.Result
        do { result = try CertifiedExport.run(certificate: certificate, format: format, out: out) } catch { throw fail(error) }
        let (k, d, path) = (result.depth, result.d, result.path)
        if json {
            print(
                JSONValue.object([
                    ("command", .string("export")),
                    ("certificate", .string(certificate)),
                    ("format", .string(format.rawValue)),
                    ("out", .string(path)),
                    ("depth", .int(k)),
                    ("d", .int(d)),
                ]).text)
        } else {
            print("\(certificate): verified, depth \(k), d = \(d)")
            print(
                "wrote \(path) (\(format.rawValue), float64): A (\(k),\(d),\(d)), B (\(k),\(d)), C (\(k),\(d)), D (\(k),\(d),\(d)), matrix (\(2 * d),\(2 * d))"
            )
            if let residual = result.arrays.float64RelativeResidual() {
                let note = residual > 1e-6 ? "; the layers cancel heavily, so their float64 product is inaccurate" : ""
                print("float64 product of the layers: relative residual \(String(format: "%.1e", residual)) (Frobenius)\(note)")
            }
        }
    }

    static func samePath(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
            == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
