import Foundation
import Testing
import ExactLinearAlgebra

/// `.npy` bytes as NumPy writes them: magic, version, little-endian header
/// length, the dict literal padded with spaces and `\n` to 64 bytes, data.
private func npy(_ header: String, _ payload: [UInt8], version: UInt8 = 1) -> Data {
    let lengthSize = version == 1 ? 2 : 4
    let unpadded = 8 + lengthSize + header.utf8.count + 1
    let text = header + String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    let length = text.utf8.count
    return Data(
        NumPyFormat.magic + [version, 0] + (0..<lengthSize).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
            + Array(text.utf8) + payload)
}

private func npy(descr: String, shape: String = "(2, 2)", fortran: Bool = false, _ payload: [UInt8], version: UInt8 = 1) -> Data {
    npy("{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }", payload, version: version)
}

/// The `size` low bytes of `bits`, in the byte order of `descr`'s first character.
private func bytes(_ bits: UInt64, size: Int, bigEndian: Bool) -> [UInt8] {
    let little = (0..<size).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
    return bigEndian ? little.reversed() : little
}

private func float64s(_ values: [Double], bigEndian: Bool = false) -> [UInt8] {
    values.flatMap { bytes($0.bitPattern, size: 8, bigEndian: bigEndian) }
}

@Suite struct NumPyFormatTests {
    func parse(_ data: Data) throws(MatrixInputError) -> RationalMatrix { try NumPyFormat.parse(data, source: "t.npy") }

    /// The message of the error `data` is refused with.
    func refusal(_ data: Data) -> String {
        (#expect(throws: MatrixInputError.self) { try parse(data) })?.message ?? "accepted"
    }

    @Test func float64ValuesAreExact() throws {
        let m = try parse(npy(descr: "<f8", float64s([0.1, -2, 5e-324, 1e300])))
        #expect(m[0, 0] == Rational(3602879701896397, 36028797018963968))
        #expect(m[0, 1] == -2)
        #expect(m[1, 0] == Rational(exactly: .leastNonzeroMagnitude)!)
        #expect(m[1, 1] == Rational(exactly: 1e300)!)
        #expect(try parse(npy(descr: ">f8", float64s([0.1, -2, 5e-324, 1e300], bigEndian: true))) == m)
    }

    @Test func float32AndFloat16AreExact() throws {
        let tenth = Float(0.1).bitPattern  // 13421773 / 2^27
        for bigEndian in [false, true] {
            let payload = [tenth, Float(-2).bitPattern, 1, Float.greatestFiniteMagnitude.bitPattern]
                .flatMap { bytes(UInt64($0), size: 4, bigEndian: bigEndian) }
            let m = try parse(npy(descr: bigEndian ? ">f4" : "<f4", payload))
            #expect(
                m
                    == RationalMatrix([
                        [Rational(13421773, 1 << 27), -2],
                        [
                            Rational(exactly: Double(Float.leastNonzeroMagnitude))!,
                            Rational(exactly: Double(Float.greatestFiniteMagnitude))!,
                        ],
                    ]))
            // binary16: 1.5, -2, the least subnormal 2^-24, the largest finite 65504.
            let half = [0x3E00, 0xC000, 0x0001, 0x7BFF].flatMap { bytes($0, size: 2, bigEndian: bigEndian) }
            #expect(
                try parse(npy(descr: bigEndian ? ">f2" : "<f2", half))
                    == RationalMatrix([[Rational(3, 2), -2], [Rational(1, 1 << 24), 65504]]))
        }
    }

    @Test func everyIntegerTypeInBothByteOrders() throws {
        for size in [1, 2, 4, 8] {
            let bits = 8 * size
            let low = Int64.min >> (64 - bits), high = Int64.max >> (64 - bits), unsignedHigh = UInt64.max >> (64 - bits)
            for order in size == 1 ? ["|", "<", ">"] : ["<", ">"] {
                let bigEndian = order == ">"
                let signed = [low, -1, 7, high].flatMap { bytes(UInt64(bitPattern: $0), size: size, bigEndian: bigEndian) }
                #expect(
                    try parse(npy(descr: "\(order)i\(size)", signed))
                        == RationalMatrix([[Rational(Int(low)), -1], [7, Rational(Int(high))]]), "\(order)i\(size)")
                let unsigned = [0, 1, 200, unsignedHigh].flatMap { bytes($0, size: size, bigEndian: bigEndian) }
                let m = try parse(npy(descr: "\(order)u\(size)", unsigned))
                #expect(m[1, 0] == 200 && m[0, 1] == 1 && m[0, 0] == 0, "\(order)u\(size)")
                #expect(m[1, 1].description == String(unsignedHigh), "\(order)u\(size)")
            }
        }
        #expect(try parse(npy(descr: "|b1", [1, 0, 0, 1])) == .identity(2))
    }

    @Test func fortranOrderGivesTheSameMatrix() throws {
        let expected = RationalMatrix([[1, 2, 3], [4, 5, 6]])
        #expect(try parse(npy(descr: "<f8", shape: "(2, 3)", float64s([1, 2, 3, 4, 5, 6]))) == expected)
        #expect(try parse(npy(descr: "<f8", shape: "(2, 3)", fortran: true, float64s([1, 4, 2, 5, 3, 6]))) == expected)
        let fortranInt = [1, 4, 2, 5, 3, 6].flatMap { bytes($0, size: 2, bigEndian: true) }
        #expect(try parse(npy(descr: ">i2", shape: "(2,3,)", fortran: true, fortranInt)) == expected)
    }

    @Test func versionTwoAndThreeHeaders() throws {
        for version: UInt8 in [2, 3] {
            #expect(try parse(npy(descr: "<f8", float64s([1, 0, 0, 1]), version: version)) == .identity(2))
        }
        // Hand-written spacing, double quotes and key order are fine.
        let header = "{ \"shape\" : ( 2 , 2 ) ,'descr':'<i1',\n'fortran_order':False}"
        #expect(try parse(npy(header, [1, 0, 0, 1])) == .identity(2))
    }

    @Test func readPathRecognisesTheMagicWhateverTheName() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UInt64.random(in: 0...UInt64.max)).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try npy(descr: "<f8", float64s([0.5, 0, 0, 2])).write(to: URL(fileURLWithPath: path))
        #expect(try MatrixTextFormat.read(path: path) == RationalMatrix([[Rational(1, 2), 0], [0, 2]]))
    }

    @Test func bigArrayReadsEveryEntry() throws {
        let n = 512
        let values = (0..<(n * n)).map { Double($0) / 1024 }
        let m = try parse(npy(descr: "<f8", shape: "(\(n), \(n))", float64s(values)))
        #expect(m.rows == n && m.columns == n)
        #expect(m[511, 511] == Rational(n * n - 1, 1024) && m[1, 0] == Rational(n, 1024))
    }

    @Test func badFilesAreRefusedWithAReason() {
        let identity = float64s([1, 0, 0, 1])
        let cases: [(Data, String)] = [
            (Data(NumPyFormat.magic + [4, 0, 0, 0]), "unsupported .npy format version 4.0"),
            (Data(NumPyFormat.magic + [1, 1, 0, 0]), "version 1.1"),
            (Data(NumPyFormat.magic), "truncated .npy header"),
            (Data(NumPyFormat.magic + [1, 0, 0xFF, 0x7F, 0x20]), "header length 32767 runs past the end"),
            (Data(NumPyFormat.magic + [2, 0, 0, 0, 0, 1]), "header length 16777216 runs past the end"),
            (npy("{'descr' '<f8', 'fortran_order': False, 'shape': (2, 2)}", identity), "expected ':' at byte 10"),
            (npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)} x", identity), "text after the closing '}'"),
            (npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)", identity), "expected '}'"),
            (npy("{'descr': '<f8', 'fortran_order': false, 'shape': (2, 2)}", identity), "expected True or False"),
            (npy("{'descr': '<f8', 'fortran_order': False, 'shape': [2, 2]}", identity), "expected '('"),
            (npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 02)}", identity), "expected a dimension"),
            (npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -2)}", identity), "expected a dimension"),
            (npy("{'descr': '<f\\x38', 'fortran_order': False, 'shape': (2, 2)}", identity), "unsupported character"),
            (npy("{'descr': '<f8, 'fortran_order': False, 'shape': (2, 2)}", identity), "expected '}'"),
            (npy("{'descr': '<f8', 'fortran_order': False}", identity), "missing key 'shape'"),
            (npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'x': 1}", identity), "unexpected key 'x'"),
            (npy("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}", identity), "duplicate key 'descr'"),
            (npy(descr: "<f8", shape: "(2, 2, 1)", identity), "shape has 3 dimensions"),
            (npy(descr: "<f8", shape: "(4,)", identity), "shape has 1 dimensions"),
            (npy(descr: "<f8", shape: "(99999999999999999999, 1)", identity), "dimension 99999999999999999999 out of range"),
            (npy(descr: "<f8", shape: "(4097, 1)", identity), "out of range (1 to 4096"),
            (npy(descr: "<f8", shape: "(0, 2)", []), "out of range"),
            (npy(descr: "|O", [0x80, 0x02]), "object arrays (pickles) are not read"),
            (npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2, 2)}", identity), "structured dtypes"),
            (npy(descr: "<c16", identity), "unsupported dtype '<c16'"),
            (npy(descr: "<f16", identity), "unsupported dtype '<f16'"),
            (npy(descr: "|f8", identity), "unsupported dtype '|f8'"),
            (npy(descr: "=f8", identity), "unsupported dtype '=f8'"),
            (npy(descr: "<f8", Array(identity.dropLast())), "array data is 31 bytes; shape (2, 2) of '<f8' needs exactly 32"),
            (npy(descr: "<f8", identity + [0]), "array data is 33 bytes"),
            (npy(descr: "<f8", float64s([1, 0, .nan, 1])), "entry (row 2, column 1) is nan, not a finite number"),
            (npy(descr: "<f8", shape: "(2, 2)", fortran: true, float64s([1, 0, -.infinity, 1])), "entry (row 1, column 2) is -inf"),
            (npy(descr: ">f4", [0x7F, 0x80, 0, 0] + Array(repeating: 0, count: 12)), "entry (row 1, column 1) is inf"),
            (npy(descr: "<f2", [0, 0x7E] + Array(repeating: 0, count: 6)), "entry (row 1, column 1) is nan"),
            (npy(descr: "|b1", [1, 0, 2, 1]), "entry (row 2, column 1) is bool byte 2, neither 0 nor 1"),
        ]
        for (data, message) in cases {
            let refused = refusal(data)
            #expect(refused.contains(message), "\(refused) does not say \(message)")
        }
    }
}
