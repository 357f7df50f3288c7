import Foundation
import Testing
import Certificates
import CouplingLayers
import ExactLinearAlgebra

/// A seeded random-mutation driver for the two parsers that read untrusted
/// bytes: the certificate reader (and verifier behind it) and the matrix
/// text formats. A crash, a trap or a slow input fails the run; the seed
/// and iteration number in the failure message reproduce it.
///
/// The budget is `FLOWPROOF_FUZZ_SECONDS` (default 8 s per target), so CI
/// runs it bounded and a developer can run it for hours:
/// `FLOWPROOF_FUZZ_SECONDS=3600 swift test --filter FuzzTests`.
@Suite struct FuzzTests {
    static let seconds = Double(ProcessInfo.processInfo.environment["FLOWPROOF_FUZZ_SECONDS"] ?? "") ?? 8
    static let seed = UInt64(ProcessInfo.processInfo.environment["FLOWPROOF_FUZZ_SEED"] ?? "") ?? 20_261_125

    /// Tokens that reach the interesting branches faster than random bytes.
    static let dictionary: [String] = [
        "\"", "{", "}", "[", "]", ",", ":", " ", "\n", "-", "/", ".", "e", "E", "0", "1", "9", "0x", "p+", "p-",
        "\\u", "\\ud800", "\\\"", "null", "true", "1e999999", "2/4", "-0", "nan", "inf", "#", "%%MatrixMarket",
        "\"format\"", "\"version\"", "\"d\"", "\"layers\"", "\"witness\"", "\"j\"", "\"binary64\"", "\"depth\"",
        "99999999999999999999", "0x1.fffffffffffffp+1023", "0x1p-1074", "\t", "\r\n", "\u{FEFF}", "\u{0}",
    ]

    static func mutate(_ input: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<rng.int(in: 1...4) {
            let at = bytes.isEmpty ? 0 : rng.int(in: 0...bytes.count - 1)
            switch rng.int(in: 0...5) {
            case 0 where !bytes.isEmpty: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 1: bytes.insert(contentsOf: Array(dictionary[rng.int(in: 0...dictionary.count - 1)].utf8), at: at)
            case 2 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + rng.int(in: 1...16)))
            case 3 where !bytes.isEmpty:
                let span = Array(bytes[at..<min(bytes.count, at + rng.int(in: 1...64))])
                bytes.insert(contentsOf: span, at: rng.int(in: 0...bytes.count))
            case 4: bytes = Array(bytes.prefix(at))
            default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
            }
        }
        return bytes
    }

    /// Runs `body` on mutants of `seeds` until the time budget is spent.
    static func fuzz(_ seeds: [[UInt8]], salt: UInt64, _ body: ([UInt8]) -> Void) -> Int {
        var rng = SeededGenerator(seed: seed ^ salt)
        let start = Date()
        var iterations = 0
        while Date().timeIntervalSince(start) < seconds {
            let input = mutate(seeds[rng.int(in: 0...seeds.count - 1)], &rng)
            let t0 = Date()
            body(input)
            let elapsed = Date().timeIntervalSince(t0)
            #expect(elapsed < 2, "iteration \(iterations) (seed \(seed)) took \(elapsed) s on \(input.count) bytes")
            iterations += 1
        }
        return iterations
    }

    static func certificateSeeds() throws -> [[UInt8]] {
        let swap = RationalMatrix.blocks(.zero(2, 2), .identity(2), .identity(2), .zero(2, 2))
        let twoI = RationalMatrix.blocks(.identity(2), 2 * .identity(2), .identity(2), .identity(2))
        let layer = CouplingPair(A: .zero(1, 1), B: [1], C: [Rational(exactly: 1.5)!], D: .zero(1, 1))
        let certificates = [
            Certificate(factorization: try ExactDecomposer().decompose(swap, regime: .positive), seed: 0),
            Certificate(regime: .positive, matrix: twoI, claim: .notInK2(.principalMinors(j: 1, sign: .plus))),
            Certificate(regime: .positive, matrix: swap, claim: .notInK2(.t11ZeroPositive(y: [0, 0], u: [1, 0], w: [1, 0]))),
            Certificate(
                regime: .positive, matrix: .identity(2), claim: .binary64Factorization(layers: [layer], residualBound: Rational(1, 2))),
        ]
        return certificates.map { Array($0.jsonText.utf8) }
    }

    @Test func certificateReaderSurvivesMutants() throws {
        let seeds = try Self.certificateSeeds()
        for s in seeds { #expect(CertificateVerifier.verify(data: Data(s)).isAccepted) }
        var accepted = 0
        let n = Self.fuzz(seeds, salt: 1) { bytes in
            if CertificateVerifier.verify(data: Data(bytes)).isAccepted { accepted += 1 }
        }
        #expect(n > 100)
        print("fuzz: certificate reader, \(n) mutants, \(accepted) still accepted (whitespace, extras)")
    }

    @Test func matrixParserSurvivesMutants() {
        let seeds = [
            "1 2\n3/4 -0.5e1\n", "# comment\n1, 0\n0, 1\n",
            "%%MatrixMarket matrix array real general\n2 2\n1\n0\n0\n1\n",
            "%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 1 1\n2 2 1\n",
            "0 0 1 0\n0 0 0 1\n1 0 0 0\n0 1 0 0\n",
        ].map { Array($0.utf8) }
        let n = Self.fuzz(seeds, salt: 2) { bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            _ = try? MatrixTextFormat.parse(text, source: "fuzz")
        }
        #expect(n > 100)
        print("fuzz: matrix parser, \(n) mutants")
    }
}
