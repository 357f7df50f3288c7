import CGMP
import Foundation

/// Reads NumPy `.npy` files (format versions 1.0, 2.0 and 3.0) as exact
/// matrices.
///
/// Every float, integer and bool value is a rational, so the matrix is
/// exactly the array NumPy holds: `0.1` saved as `<f8` is
/// `3602879701896397/36028797018963968`, not `1/10`. Accepted: 2-D arrays
/// of `f2`, `f4`, `f8`, `i1`…`i8`, `u1`…`u8` and `b1`, either byte order,
/// C or Fortran order. Object, structured and other dtypes are refused.
///
/// ```swift
/// let t = try NumPyFormat.parse(Data(contentsOf: url), source: "t.npy")
/// ```
public enum NumPyFormat {
    /// `\x93NUMPY`, how `MatrixTextFormat.read` tells a `.npy` file from text.
    public static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    public static func parse(_ data: Data, source: String) throws(MatrixInputError) -> RationalMatrix {
        func fail(_ message: String) -> MatrixInputError {
            MatrixInputError(source: source, line: nil, column: nil, message: message)
        }
        let bytes = [UInt8](data)
        guard bytes.starts(with: magic) else { throw fail("not a NumPy .npy file (no \\x93NUMPY magic)") }
        guard bytes.count >= 8 else { throw fail("truncated .npy header") }
        let major = bytes[6], minor = bytes[7]
        guard (1...3).contains(major), minor == 0 else {
            throw fail("unsupported .npy format version \(major).\(minor) (1.0, 2.0 or 3.0)")
        }
        // Version 1.0 has a 2-byte header length, 2.0 and 3.0 a 4-byte one.
        let lengthSize = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthSize else { throw fail("truncated .npy header") }
        let headerLength = bytes[8..<(8 + lengthSize)].reversed().reduce(0) { $0 << 8 | Int($1) }
        let headerStart = 8 + lengthSize
        guard headerLength <= bytes.count - headerStart else {
            throw fail(".npy header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        let header: Header
        do {
            var parser = HeaderParser(bytes: bytes[headerStart..<(headerStart + headerLength)])
            header = try parser.parse()
        } catch {
            throw fail(".npy header: \(error.message)")
        }
        let rows = header.shape[0], columns = header.shape[1], type = header.type
        // The dimension limit keeps rows·columns·8 far from overflow.
        let limit = MatrixTextFormat.maximumDimension
        guard rows > 0, columns > 0, rows <= limit, columns <= limit else {
            throw fail("array shape (\(rows), \(columns)) out of range (1 to \(limit) rows and columns)")
        }
        let dataStart = headerStart + headerLength
        let needed = rows * columns * type.size
        guard bytes.count - dataStart == needed else {
            throw fail(
                "array data is \(bytes.count - dataStart) bytes; shape (\(rows), \(columns)) of '\(header.descr)' needs exactly \(needed)")
        }
        var invalid: (row: Int, column: Int, bits: UInt64)?
        let entries = bytes.withUnsafeBytes { raw -> [Rational] in
            var entries: [Rational] = []
            entries.reserveCapacity(rows * columns)
            for i in 0..<rows {
                for j in 0..<columns {
                    let k = header.fortranOrder ? j * rows + i : i * columns + j
                    let bits = type.bits(raw, at: dataStart + k * type.size)
                    guard let x = type.rational(bits) else { invalid = (i, j, bits); return [] }
                    entries.append(x)
                }
            }
            return entries
        }
        if let invalid {
            let what =
                type.kind == .bool ? "bool byte \(invalid.bits), neither 0 nor 1" : "\(type.double(invalid.bits)), not a finite number"
            throw fail("entry (row \(invalid.row + 1), column \(invalid.column + 1)) is \(what)")
        }
        return RationalMatrix(rows: rows, columns: columns, entries: entries)
    }

    struct Header {
        var descr: String
        var type: ElementType
        var fortranOrder: Bool
        var shape: [Int]
    }

    /// A dtype this reader accepts, decoded from a `descr` such as `<f8`.
    struct ElementType {
        enum Kind { case float, signed, unsigned, bool }
        let kind: Kind
        let size: Int
        let bigEndian: Bool

        init?(_ descr: String) {
            let chars = Array(descr)
            guard chars.count == 3, let size = Int(String(chars[2])) else { return nil }
            switch (chars[1], size) {
            case ("f", 2), ("f", 4), ("f", 8): kind = .float
            case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
            case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
            case ("b", 1): kind = .bool
            default: return nil
            }
            // NumPy writes `|` (no byte order) for one-byte types, `<` or `>` otherwise.
            switch chars[0] {
            case "<": bigEndian = false
            case ">": bigEndian = true
            case "|" where size == 1: bigEndian = false
            default: return nil
            }
            self.size = size
        }

        /// The element's bits at `offset`, in native byte order.
        func bits(_ raw: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
            switch size {
            case 1: return UInt64(raw[offset])
            case 2:
                let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
                return UInt64(bigEndian ? UInt16(bigEndian: v) : UInt16(littleEndian: v))
            case 4:
                let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                return UInt64(bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v))
            default:
                let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                return bigEndian ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
            }
        }

        /// A float element widened to binary64, which is exact.
        func double(_ bits: UInt64) -> Double {
            switch size {
            case 8: return Double(bitPattern: bits)
            case 4: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
            default:
                // binary16 by hand: Swift's Float16 is missing on some platforms.
                let sign: FloatingPointSign = bits & 0x8000 == 0 ? .plus : .minus
                let exponent = Int(bits >> 10 & 0x1F), fraction = Double(bits & 0x3FF)
                if exponent == 0x1F { return fraction == 0 ? (sign == .plus ? .infinity : -.infinity) : .nan }
                return exponent == 0
                    ? Double(sign: sign, exponent: -24, significand: fraction)
                    : Double(sign: sign, exponent: exponent - 25, significand: fraction + 1024)
            }
        }

        /// The exact value, or `nil` for NaN, infinities and bool bytes other than 0 and 1.
        func rational(_ bits: UInt64) -> Rational? {
            switch kind {
            case .float: return Rational(exactly: double(bits))
            case .signed:
                let shift = UInt64(64 - 8 * size)
                return Rational(Int(truncatingIfNeeded: bits << shift) >> shift)
            case .unsigned: return Rational.make { __gmpq_set_ui($0, UInt(bits), 1) }
            case .bool: return bits <= 1 ? Rational(Int(bits)) : nil
            }
        }
    }

    struct HeaderError: Error { let message: String }

    /// A strict reader of the header's Python dict literal: exactly the keys
    /// `descr` (a supported dtype string), `fortran_order` (`True`/`False`)
    /// and `shape` (a tuple of two non-negative integers), as NumPy writes
    /// them. Anything `ast.literal_eval` would need more of (escapes,
    /// comments, expressions, nested structures) is refused.
    struct HeaderParser {
        let bytes: ArraySlice<UInt8>
        var i: Int

        init(bytes: ArraySlice<UInt8>) { self.bytes = bytes; i = bytes.startIndex }

        mutating func parse() throws(HeaderError) -> Header {
            var descr: String?, fortranOrder: Bool?, shape: [Int]?
            try expect("{")
            while true {
                skipSpace()
                if peek == UInt8(ascii: "}") { break }
                let key = try string()
                try expect(":")
                skipSpace()
                switch key {
                case "descr" where descr == nil:
                    if peek == UInt8(ascii: "[") { throw HeaderError(message: "structured dtypes are not supported") }
                    descr = try string()
                case "fortran_order" where fortranOrder == nil: fortranOrder = try bool()
                case "shape" where shape == nil: shape = try tuple()
                case "descr", "fortran_order", "shape": throw HeaderError(message: "duplicate key '\(key)'")
                default: throw HeaderError(message: "unexpected key '\(key)' (descr, fortran_order and shape only)")
                }
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1 } else { break }
            }
            try expect("}")
            skipSpace()
            guard i == bytes.endIndex else { throw error("text after the closing '}'") }
            guard let descr else { throw HeaderError(message: "missing key 'descr'") }
            guard let fortranOrder else { throw HeaderError(message: "missing key 'fortran_order'") }
            guard let shape else { throw HeaderError(message: "missing key 'shape'") }
            guard let type = ElementType(descr) else {
                let pickle = descr.dropFirst().hasPrefix("O") ? "object arrays (pickles) are not read; " : ""
                throw HeaderError(
                    message:
                        "unsupported dtype '\(descr)' (\(pickle)expected float16/32/64, signed or unsigned integers of 1, 2, 4 or 8 bytes, or bool)"
                )
            }
            guard shape.count == 2 else {
                throw HeaderError(message: "shape has \(shape.count) dimensions; a matrix needs 2 (rows, columns)")
            }
            return Header(descr: descr, type: type, fortranOrder: fortranOrder, shape: shape)
        }

        var peek: UInt8? { i < bytes.endIndex ? bytes[i] : nil }

        func error(_ what: String) -> HeaderError {
            HeaderError(message: "\(what) at byte \(i - bytes.startIndex + 1) of the header")
        }

        mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 }
        }

        mutating func expect(_ c: Character) throws(HeaderError) {
            skipSpace()
            guard peek == c.asciiValue else { throw error("expected '\(c)'") }
            i += 1
        }

        /// A quoted string of printable ASCII without escapes.
        mutating func string() throws(HeaderError) -> String {
            guard let quote = peek, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
                throw error("expected a quoted string")
            }
            let start = i + 1
            i = start
            while let c = peek, c != quote {
                guard (0x20..<0x7F).contains(c), c != UInt8(ascii: "\\") else { throw error("unsupported character in a string") }
                i += 1
            }
            guard peek == quote else { throw error("unterminated string") }
            i += 1
            return String(decoding: bytes[start..<(i - 1)], as: UTF8.self)
        }

        mutating func bool() throws(HeaderError) -> Bool {
            for (word, value) in [("True", true), ("False", false)] where bytes[i...].starts(with: word.utf8) {
                i += word.utf8.count
                return value
            }
            throw error("expected True or False")
        }

        /// `(a, b)`, `(a,)`, `()` or `(a, b,)` of decimal integers.
        mutating func tuple() throws(HeaderError) -> [Int] {
            try expect("(")
            var values: [Int] = []
            while true {
                skipSpace()
                if peek == UInt8(ascii: ")") { break }
                let start = i
                while let c = peek, (0x30...0x39).contains(c) { i += 1 }
                let digits = String(decoding: bytes[start..<i], as: UTF8.self)
                guard !digits.isEmpty, digits == "0" || !digits.hasPrefix("0") else { throw error("expected a dimension") }
                guard let value = Int(digits) else { throw error("dimension \(digits) out of range") }
                values.append(value)
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1 } else { break }
            }
            try expect(")")
            return values
        }
    }
}
