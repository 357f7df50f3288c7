import CouplingLayers
import ExactLinearAlgebra
import FloatCouplingLayers
import FloatLinearAlgebra
import Foundation
import ZIPFoundation

/// The layers and matrix as row-major float64 arrays, each entry the
/// binary64 value nearest to the exact rational, ready for NumPy/PyTorch.
///
/// ```swift
/// let arrays = LayerArrays(layers: f.layers, matrix: f.matrix)
/// try AtomicFile.write(data: arrays.npz(), to: "layers.npz")   // np.load("layers.npz")
/// ```
public struct LayerArrays: Sendable {
    public struct Array64: Sendable {
        public let name: String
        public let shape: [Int]
        public let values: [Double]
    }

    public let arrays: [Array64]

    public init(layers: [CouplingPair], matrix: RationalMatrix) {
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

    public var allFinite: Bool { arrays.allSatisfy { $0.values.allSatisfy(\.isFinite) } }

    /// `‖matrix − L1 U1 ⋯ Lk Uk‖_F / ‖matrix‖_F` evaluated in float64, as a
    /// user of the arrays would; `nil` for d > 128, where `export` has never
    /// printed it.
    public func float64RelativeResidual() -> Double? {
        let k = arrays[1].shape[0], d = arrays[1].shape[1]
        guard d <= 128 else { return nil }
        // Matrix `index` of array `array` (row-major values, C order).
        func matrix(_ array: Int, _ index: Int, _ rows: Int, _ columns: Int) -> DoubleMatrix {
            let offset = index * rows * columns
            return DoubleMatrix(rows: rows, columns: columns) { arrays[array].values[offset + $0 * columns + $1] }
        }
        func vector(_ array: Int, _ index: Int) -> [Double] { Array(arrays[array].values[(index * d)..<((index + 1) * d)]) }
        let layers = (0..<k).map { FloatCouplingPair(A: matrix(0, $0, d, d), B: vector(1, $0), C: vector(2, $0), D: matrix(3, $0, d, d)) }
        let m = matrix(4, 0, 2 * d, 2 * d)
        let norm = m.frobeniusNorm
        return norm > 0 ? (m - FloatCouplingPair.product(layers)).frobeniusNorm / norm : nil
    }

    /// `{"A": [...], "B": [...], "C": [...], "D": [...], "matrix": [...]}`, one key per line.
    public var jsonText: String {
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
    public func npz() throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        // A fixed timestamp keeps the archive byte-for-byte reproducible.
        let timestamp = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01
        for array in arrays {
            let file = LayerArrays.npy(array)
            try archive.addEntry(
                with: array.name + ".npy", type: .file, uncompressedSize: Int64(file.count),
                modificationDate: timestamp, permissions: 0o644, compressionMethod: .none
            ) { position, size in
                file.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// NumPy format version 1.0: magic, version, little-endian header length,
    /// a dict literal padded with spaces and ended by `\n` to a multiple of 64
    /// bytes, then the raw little-endian float64 data in C order.
    public static func npy(_ array: Array64) -> Data {
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
