import ArgumentParser
import Certificates
import CouplingLayers
import ExactLinearAlgebra
import Foundation
import ZIPFoundation

enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    case npz, json
}

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
    var format: ExportFormat = .npz

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
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: certificate, isDirectory: &isDirectory) else {
            throw fail("\(certificate): no such file", ExitStatus.badInput)
        }
        guard !isDirectory.boolValue else {
            throw fail("\(certificate): is a directory; export takes one certificate file", ExitStatus.badInput)
        }
        guard let data = FileManager.default.contents(atPath: certificate) else {
            throw fail("\(certificate): cannot read file", ExitStatus.badInput)
        }
        if case .rejected(let reason) = CertificateVerifier.verify(data: data) {
            throw fail("\(certificate): rejected, not exported: \(reason)", ExitStatus.rejected)
        }
        let parsed: Certificate
        do { parsed = try CertificateReader.parse(data: data) } catch {
            throw fail("\(certificate): \(error.message)", ExitStatus.rejected)
        }
        let layers: [CouplingPair]
        switch parsed.claim {
        case .exactFactorization(let l), .binary64Factorization(let l, _), .depth(let l, _):
            layers = l
        case .notInK2:
            throw fail("\(certificate): a not-in-K2 certificate has no layers to export", ExitStatus.badInput)
        }

        let arrays = LayerArrays(layers: layers, matrix: parsed.matrix)
        guard arrays.allFinite else {
            throw fail("\(certificate): an entry is beyond the binary64 range (|x| > 1.8e308)", ExitStatus.badInput)
        }
        let path = out ?? Export.defaultOutput(for: certificate, format: format)
        let bytes: Data
        do {
            switch format {
            case .npz: bytes = try arrays.npz()
            case .json: bytes = Data(arrays.jsonText.utf8)
            }
        } catch {
            throw fail("cannot build the npz archive: \(error)", ExitStatus.internalError)
        }
        do { try Export.writeAtomically(bytes, to: path) } catch {
            throw fail("cannot write \(path): \(error.localizedDescription)", ExitStatus.badInput)
        }

        let k = layers.count, d = parsed.d
        if json {
            print(JSONValue.object([
                ("command", .string("export")),
                ("certificate", .string(certificate)),
                ("format", .string(format.rawValue)),
                ("out", .string(path)),
                ("depth", .int(k)),
                ("d", .int(d)),
            ]).text)
        } else {
            print("\(certificate): verified, depth \(k), d = \(d)")
            print("wrote \(path) (\(format.rawValue), float64): A (\(k),\(d),\(d)), B (\(k),\(d)), C (\(k),\(d)), D (\(k),\(d),\(d)), matrix (\(2 * d),\(2 * d))")
            if let residual = arrays.float64RelativeResidual() {
                let note = residual > 1e-6 ? "; the layers cancel heavily, so their float64 product is inaccurate" : ""
                print("float64 product of the layers: relative residual \(String(format: "%.1e", residual)) (Frobenius)\(note)")
            }
        }
    }

    /// `cert.json` -> `cert.npz` / `cert.layers.json`; other names get the suffix appended.
    static func defaultOutput(for certificate: String, format: ExportFormat) -> String {
        let stem = certificate.hasSuffix(".json") ? String(certificate.dropLast(5)) : certificate
        return stem + (format == .npz ? ".npz" : ".layers.json")
    }

    static func samePath(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
            == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// A temporary file in the same directory, then `rename`: readers never
    /// see half a file, and a failed run leaves no file at `path`.
    static func writeAtomically(_ bytes: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            try bytes.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "rename failed (errno \(errno))"])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}

/// The layers and matrix as row-major float64 arrays, each entry the
/// binary64 value nearest to the exact rational.
struct LayerArrays {
    struct Array64 {
        let name: String
        let shape: [Int]
        let values: [Double]
    }

    let arrays: [Array64]

    init(layers: [CouplingPair], matrix: RationalMatrix) {
        let k = layers.count, d = matrix.rows / 2
        func doubles(_ xs: [Rational]) -> [Double] { xs.map(\.nearestDouble) }
        arrays = [
            Array64(name: "A", shape: [k, d, d], values: layers.flatMap { doubles($0.A.entries) }),
            Array64(name: "B", shape: [k, d], values: layers.flatMap { doubles($0.B) }),
            Array64(name: "C", shape: [k, d], values: layers.flatMap { doubles($0.C) }),
            Array64(name: "D", shape: [k, d, d], values: layers.flatMap { doubles($0.D.entries) }),
            Array64(name: "matrix", shape: [2 * d, 2 * d], values: doubles(matrix.entries)),
        ]
    }

    var allFinite: Bool { arrays.allSatisfy { $0.values.allSatisfy(\.isFinite) } }

    /// `‖matrix − L1 U1 ⋯ Lk Uk‖_F / ‖matrix‖_F` evaluated in float64, as a
    /// user of the arrays would; `nil` for d > 128 (not worth the time).
    func float64RelativeResidual() -> Double? {
        let a = arrays[0].values, b = arrays[1].values, c = arrays[2].values, dd = arrays[3].values
        let m = arrays[4].values, k = arrays[1].shape[0], d = arrays[1].shape[1], n = 2 * d
        guard d <= 128 else { return nil }
        // X (n×n, row-major) starts as I; X·L(A,B) = [X1 + X2·A, X2·diag(B)] and
        // X·U(C,D) = [X1·diag(C), X1·D + X2] on the column halves X1, X2.
        var x = [Double](repeating: 0, count: n * n)
        for i in 0..<n { x[i * n + i] = 1 }
        for layer in 0..<k {
            let A = a[(layer * d * d)...], B = b[(layer * d)...], C = c[(layer * d)...], D = dd[(layer * d * d)...]
            for i in 0..<n {
                let row = i * n
                for j in 0..<d {
                    var sum = x[row + j]
                    for l in 0..<d { sum += x[row + d + l] * A[A.startIndex + l * d + j] }
                    x[row + j] = sum
                }
                for j in 0..<d { x[row + d + j] *= B[B.startIndex + j] }
                for j in 0..<d {
                    var sum = x[row + d + j]
                    for l in 0..<d { sum += x[row + l] * D[D.startIndex + l * d + j] }
                    x[row + d + j] = sum
                }
                for j in 0..<d { x[row + j] *= C[C.startIndex + j] }
            }
        }
        var difference = 0.0, norm = 0.0
        for (p, q) in zip(x, m) { difference += (p - q) * (p - q); norm += q * q }
        return norm > 0 ? (difference / norm).squareRoot() : nil
    }

    /// `{"A": [...], "B": [...], "C": [...], "D": [...], "matrix": [...]}`, one key per line.
    var jsonText: String {
        func nested(_ values: ArraySlice<Double>, _ shape: ArraySlice<Int>) -> String {
            guard let first = shape.first, shape.count > 1 else {
                return "[" + values.map { "\($0)" }.joined(separator: ", ") + "]"
            }
            let stride = values.count / max(first, 1)
            let parts = (0..<first).map { i -> String in
                let start = values.startIndex + i * stride
                return nested(values[start..<(start + stride)], shape.dropFirst())
            }
            return "[" + parts.joined(separator: ", ") + "]"
        }
        let lines = arrays.map { "  \"\($0.name)\": " + nested($0.values[...], $0.shape[...]) }
        return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }

    /// A NumPy `.npz`: an uncompressed zip with one `NAME.npy` per array.
    func npz() throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        // A fixed timestamp keeps the archive byte-for-byte reproducible.
        let timestamp = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01
        for array in arrays {
            let file = LayerArrays.npy(array)
            try archive.addEntry(with: array.name + ".npy", type: .file, uncompressedSize: Int64(file.count),
                                 modificationDate: timestamp, permissions: 0o644, compressionMethod: .none) { position, size in
                file.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// NumPy format version 1.0: magic, version, little-endian header length,
    /// a dict literal padded with spaces and ended by `\n` to a multiple of 64
    /// bytes, then the raw little-endian float64 data in C order.
    static func npy(_ array: Array64) -> Data {
        let shapeText = array.shape.count == 1 ? "(\(array.shape[0]),)" : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText), }"
        let prefixLength = 10  // magic (6) + version (2) + header length (2)
        let unpadded = prefixLength + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.reserveCapacity(data.count + 8 * array.values.count)
        for value in array.values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }
}
