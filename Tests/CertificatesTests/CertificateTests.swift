import FileIO
import Foundation
import Testing
import Certificates
import CouplingLayers
import ExactLinearAlgebra

@Suite struct CertificateTests {
    static func randomMatrix(_ n: Int, _ rng: inout SeededGenerator) -> RationalMatrix {
        while true {
            let t = RationalMatrix(rows: n, columns: n) { _, _ in Rational(rng.int(in: -9...9), rng.int(in: 1...4)) }
            if let oriented = t.withPositiveDeterminant() { return oriented }
        }
    }

    /// Decompose, write, re-read and check through the verifier only.
    @Test(arguments: Regime.allCases)
    func randomFactorizationsVerifyThroughTheirCertificates(regime: Regime) throws {
        var rng = SeededGenerator(seed: 77)
        for d in 1...6 {
            for _ in 0..<(d <= 3 ? 4 : 1) {
                let t = Self.randomMatrix(2 * d, &rng)
                let f = try ExactDecomposer(seed: 1).decompose(t, regime: regime)
                let json = Certificate(factorization: f, seed: 1).jsonText
                #expect(CertificateVerifier.verify(json: json).isAccepted)
                #expect(try CertificateReader.parse(data: Data(json.utf8)).matrix == t)
            }
        }
    }

    @Test func certificatesAreByteIdenticalForTheSameSeed() throws {
        var rng = SeededGenerator(seed: 4)
        let t = Self.randomMatrix(6, &rng)
        let a = Certificate(factorization: try ExactDecomposer(seed: 9).decompose(t, regime: .positive), seed: 9).jsonText
        let b = Certificate(factorization: try ExactDecomposer(seed: 9).decompose(t, regime: .positive), seed: 9).jsonText
        #expect(a == b)
    }

    func swapCertificate() throws -> String {
        let swap = RationalMatrix.blocks(.zero(2, 2), .identity(2), .identity(2), .zero(2, 2))
        return Certificate(factorization: try ExactDecomposer().decompose(swap, regime: .positive), seed: 0).jsonText
    }

    func rejects(_ json: String, containing fragment: String) {
        let verdict = CertificateVerifier.verify(json: json)
        guard case .rejected(let reason) = verdict else {
            Issue.record("accepted a bad certificate (\(fragment))"); return
        }
        #expect(reason.contains(fragment), "reason was: \(reason)")
    }

    /// Changes the first occurrence of `old` after `anchor`.
    func tamper(_ json: String, after anchor: String, _ old: String, _ new: String) -> String {
        let start = json.range(of: anchor)!.upperBound
        let hit = json.range(of: old, range: start..<json.endIndex)!
        return json.replacingCharacters(in: hit, with: new)
    }

    @Test func tamperedCertificatesAreRejected() throws {
        let json = try swapCertificate()
        #expect(CertificateVerifier.verify(json: json).isAccepted)
        rejects(tamper(json, after: "\"D\"", "\"0\"", "\"1\""), containing: "does not equal")
        rejects(tamper(json, after: "\"matrix\"", "\"1\"", "\"2\""), containing: "does not equal")
        rejects(tamper(json, after: "\"matrix\"", "\"1\"", "\"2/2\""), containing: "canonical")
        rejects(tamper(json, after: "\"matrix\"", "\"1\"", "1"), containing: "JSON strings")
        rejects(tamper(json, after: "\"B\"", "\"1\"", "\"-1\""), containing: "regime")
        rejects(tamper(json, after: "\"B\"", "\"1\"", "\"0x1p+0\""), containing: "canonical")
        rejects(tamper(json, after: "\"version\"", "1", "2"), containing: "version")
        rejects(tamper(json, after: "\"d\"", "2", "3"), containing: "rows")
        rejects(tamper(json, after: "\"claim\"", "factorization", "depth"), containing: "depth")
        rejects(String(json.dropLast(5)), containing: "JSON")
        rejects("", containing: "empty")
        rejects("[1, 2]", containing: "object")
    }

    @Test func witnessesAreChecked() {
        // [I 2I; I I] at d = 2: T11 = I has 1×1 minors 1, V = -I has -1.
        let t = RationalMatrix.blocks(.identity(2), 2 * .identity(2), .identity(2), .identity(2))
        let good = Certificate(regime: .positive, matrix: t, claim: .notInK2(.principalMinors(j: 1, sign: .plus)))
        #expect(CertificateVerifier.verify(json: good.jsonText).isAccepted)
        let wrongSign = Certificate(regime: .positive, matrix: t, claim: .notInK2(.principalMinors(j: 1, sign: .minus)))
        #expect(!CertificateVerifier.verify(json: wrongSign.jsonText).isAccepted)
        let signed = Certificate(regime: .signed, matrix: t, claim: .notInK2(.principalMinors(j: 1, sign: .plus)))
        rejects(signed.jsonText, containing: "proves nothing")

        // Swap at d = 2 in the positive regime: M rows (0,1), (1,0) give
        // γ1 = 0 and γ0 = 0; N = I. Farkas: y = (1, 1)… Mᵀy = (y(1,0), y(0,1)).
        let swap = RationalMatrix.blocks(.zero(2, 2), .identity(2), .identity(2), .zero(2, 2))
        // M = [[0, 0], [0, 0]] (T12[i][c] T21[c][j] = δ_ic δ_cj = 0 for i ≠ j), N = I:
        // Mᵀy − u + Nᵀw = −u + w = 0 with u = w = (1, 0).
        let farkas = Certificate(
            regime: .positive, matrix: swap,
            claim: .notInK2(.t11ZeroPositive(y: [0, 0], u: [1, 0], w: [1, 0])))
        #expect(CertificateVerifier.verify(json: farkas.jsonText).isAccepted)
        let zeroFarkas = Certificate(
            regime: .positive, matrix: swap,
            claim: .notInK2(.t11ZeroPositive(y: [0, 0], u: [0, 0], w: [0, 0])))
        rejects(zeroFarkas.jsonText, containing: "not all zero")
        let badSigned = Certificate(regime: .signed, matrix: swap, claim: .notInK2(.t11ZeroSigned(k: 0, y: [1, 0])))
        rejects(badSigned.jsonText, containing: "e_0")
    }

    @Test func binary64ResidualBoundIsChecked() throws {
        let t = RationalMatrix.identity(2)
        let layer = CouplingPair(A: .zero(1, 1), B: [Rational(1)], C: [Rational(exactly: 1 + Double.ulpOfOne)!], D: .zero(1, 1))
        func certificate(_ bound: Rational) -> String {
            Certificate(regime: .positive, matrix: t, claim: .binary64Factorization(layers: [layer], residualBound: bound)).jsonText
        }
        #expect(certificate(Rational.powerOfTwo(-52)).contains("0x1.0000000000001p+0"))
        #expect(CertificateVerifier.verify(json: certificate(Rational.powerOfTwo(-52))).isAccepted)
        rejects(certificate(Rational.powerOfTwo(-53)), containing: "below the exact residual")
    }

    /// The soundness hole of issue 14: an exact certificate relabelled
    /// binary64 with bound 0 has the right product, but its entries are
    /// not binary64 values, so the layers it claims are not what it stores.
    @Test func binary64LayersMustHoldBinary64Values() throws {
        var rng = SeededGenerator(seed: 3)
        let t = Self.randomMatrix(4, &rng)
        let f = try ExactDecomposer(seed: 1).decompose(t, regime: .positive)
        #expect(f.layers.contains { $0.A.entries.contains { !$0.isBinary64 } })
        var json = Certificate(factorization: f, seed: 1).jsonText
        json = json.replacingOccurrences(of: "\"arithmetic\": \"exact\"", with: "\"arithmetic\": \"binary64\"")
        json = json.replacingOccurrences(
            of: "\"generator\"", with: "\"residual\": {\"norm\": \"frobenius\", \"bound\": \"0\"},\n  \"generator\"")
        rejects(json, containing: "not a binary64 value")
        // Hex floats that parse but are not binary64 values.
        let layer = CouplingPair(A: .zero(1, 1), B: [1], C: [1], D: .zero(1, 1))
        let exact = Certificate(regime: .positive, matrix: .identity(2), claim: .binary64Factorization(layers: [layer], residualBound: 0))
            .jsonText
        #expect(CertificateVerifier.verify(json: exact).isAccepted)
        for bad in ["0x1.00000000000001p+0", "0x1p+99999", "0x1p-1100", "1/3"] {
            rejects(tamper(exact, after: "\"C\"", "\"0x1p+0\"", "\"\(bad)\""), containing: "binary64")
        }
    }

    /// RFC 8259 only: what Foundation's parser tolerated is rejected.
    @Test func strictJSON() throws {
        let json = try swapCertificate()
        rejects(json.replacingOccurrences(of: "\"version\": 1,", with: "\"version\": 1, \"version\": 1,"), containing: "duplicate key")
        rejects(json.replacingOccurrences(of: "\n}\n", with: ",\n}\n"), containing: "invalid JSON")
        rejects(json.replacingOccurrences(of: "\"d\": 2", with: "\"d\": 2.0"), containing: "'d'")
        rejects(json.replacingOccurrences(of: "\"d\": 2", with: "\"d\": true"), containing: "'d'")
        rejects(json.replacingOccurrences(of: "\"d\": 2", with: "\"d\": NaN"), containing: "invalid JSON")
        rejects(json.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 01"), containing: "invalid JSON")
        rejects("{\"a\": " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}", containing: "nesting")
        rejects(String(repeating: "[", count: 100_000), containing: "nesting")
        rejects("{\"format\": \"flowproof-certificate\"} x", containing: "after the top-level value")
        rejects("{\"a\": \"\u{1}\"}", containing: "control character")
        rejects("{\"a\": \"\\ud800\"}", containing: "surrogate")
        #expect(
            try StrictJSON.parse(Data("{\"a\": [1, -0.5e3, \"\\u00e9\\ud83d\\ude00\", true, null]}".utf8))
                == .object([
                    (
                        "a",
                        .array([
                            .number(text: "1", isInteger: true), .number(text: "-0.5e3", isInteger: false),
                            .string("é😀"), .bool(true), .null,
                        ])
                    )
                ]))
        // Invalid UTF-8 inside a string.
        var bytes = Data("{\"a\": \"".utf8); bytes.append(0xFF); bytes.append(contentsOf: Data("\"}".utf8))
        #expect(!CertificateVerifier.verify(data: bytes).isAccepted)
    }

    /// A principal-minor witness costs C(d, j) determinants: over the budget
    /// it is refused before any is computed (d = 30, j = 15 took 7.5 GB).
    @Test func principalMinorWitnessesHaveAWorkBudget() {
        #expect(LowerBounds.minorCount(13, 4) == 715)
        #expect(LowerBounds.minorCount(4096, 1) == 4096)
        #expect(LowerBounds.minorCount(4097, 1) == LowerBounds.maximumMinorCount + 1)
        #expect(LowerBounds.minorCount(62, 31) == LowerBounds.maximumMinorCount + 1)
        #expect(LowerBounds.minorCount(Int.max, 2) == LowerBounds.maximumMinorCount + 1)
        for witness in [NotInK2Witness.principalMinors(j: 15, sign: .plus), .principalMinorsMonomial(j: 15, zero: .t11)] {
            let c = Certificate(regime: .positive, matrix: .identity(60), claim: .notInK2(witness))
            let start = Date()
            rejects(c.jsonText, containing: "work budget")
            #expect(Date().timeIntervalSince(start) < 5)
        }
    }

    /// Above d = 64 a witness that compares T11 with V is refused before
    /// T is inverted (d = 256 took 91 s; d may be 8192).
    @Test func witnessesNeedingTheInverseHaveADimensionBudget() {
        let term = PositivstellensatzTerm(j: 1, exponents: [Int](repeating: 0, count: 130), coefficient: 1)
        for witness in [
            NotInK2Witness.principalMinors(j: 1, sign: .plus), .principalMinorsMonomial(j: 1, zero: .t11),
            .charPolyPositivstellensatz(terms: [term]),
        ] {
            let c = Certificate(regime: .positive, matrix: .identity(130), claim: .notInK2(witness))
            rejects(c.jsonText, containing: "d <= 64")
        }
        let t = RationalMatrix.blocks(.identity(65), 2 * .identity(65), .identity(65), .identity(65))
        #expect(LowerBounds.witness(for: PreparedMatrix(t), regime: .positive) == nil)
    }

    @Test func depthClaimsCheckTheirProofs() throws {
        let identity = RationalMatrix.identity(4)
        let one = try ExactDecomposer().decompose(identity, regime: .positive)
        let claimTwo = Certificate(regime: .positive, matrix: identity, claim: .depth(layers: one.layers + one.layers, witness: nil))
        rejects(claimTwo.jsonText, containing: "in K_1")
        let claimOne = Certificate(regime: .positive, matrix: identity, claim: .depth(layers: one.layers, witness: nil))
        #expect(CertificateVerifier.verify(json: claimOne.jsonText).isAccepted)
    }

    @Test func writesAtomically() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowproof-\(UUID().uuidString)")
        let path = directory.appendingPathComponent("nested/cert.json").path
        try AtomicFile.write("{}", to: path)
        try AtomicFile.write(try swapCertificate(), to: path)
        #expect(CertificateVerifier.verify(path: path).isAccepted)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("nested").path)
        #expect(leftovers == ["cert.json"])
        try FileManager.default.removeItem(at: directory)
    }
}

@Suite struct MonomialWitnessTests {
    /// The permutation (1 2 0 3): T11 = [0 1; 0 0] is nilpotent (1×1 minors
    /// 0, 0) while V = [0 0; 0 1] has exactly one nonzero 1×1 minor.
    let t = RationalMatrix([[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]])

    @Test func acceptedInBothRegimes() {
        for regime in Regime.allCases {
            let c = Certificate(regime: regime, matrix: t, claim: .notInK2(.principalMinorsMonomial(j: 1, zero: .t11)))
            #expect(CertificateVerifier.verify(json: c.jsonText).isAccepted)
            #expect(LowerBounds.witness(for: PreparedMatrix(t), regime: regime) == .principalMinorsMonomial(j: 1, zero: .t11))
        }
    }

    @Test func wrongSideIsRejected() {
        let c = Certificate(regime: .signed, matrix: t, claim: .notInK2(.principalMinorsMonomial(j: 1, zero: .v)))
        #expect(!CertificateVerifier.verify(json: c.jsonText).isAccepted)
        let identity = Certificate(regime: .signed, matrix: .identity(4), claim: .notInK2(.principalMinorsMonomial(j: 1, zero: .t11)))
        #expect(!CertificateVerifier.verify(json: identity.jsonText).isAccepted)
    }
}

@Suite struct PositivstellensatzWitnessTests {
    /// `[I 2I; I I]`: T11 = I and V = −I, so g_1 = 1 gives
    /// σ = f_1 = δ_1 + δ_2 + w_1 + w_2, the sign witness as a multiplier.
    let t = RationalMatrix.blocks(.identity(2), 2 * .identity(2), .identity(2), .identity(2))

    func certificate(_ regime: Regime, coefficient: Rational) -> String {
        let term = PositivstellensatzTerm(j: 1, exponents: [0, 0, 0, 0], coefficient: coefficient)
        return Certificate(regime: regime, matrix: t, claim: .notInK2(.charPolyPositivstellensatz(terms: [term]))).jsonText
    }

    /// σ = δ_1 + δ_2 + w_1 + w_2 has odd exponents: positive scalings only.
    @Test func oddExponentsProveOnlyInThePositiveRegime() {
        #expect(CertificateVerifier.verify(json: certificate(.positive, coefficient: 5)).isAccepted)
        CertificateTests().rejects(certificate(.signed, coefficient: 5), containing: "odd exponent")
        CertificateTests().rejects(certificate(.positive, coefficient: -1), containing: "negative coefficient")
    }

    /// `diag(I, P)` with `P` a 3-cycle: `g_1 = f_1`, `g_2 = −2` give
    /// `σ = Σ δ_i²`, a proof in both regimes. Without the `g_2` term,
    /// `σ = f_1²` keeps its cross terms `2δ_iδ_j`: still positive
    /// coefficients, so a positive proof, but no longer a signed one.
    @Test func squaresProveInBothRegimes() {
        let p: [[Rational]] = [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
        let t = RationalMatrix.blocks(.identity(3), .zero(3, 3), .zero(3, 3), RationalMatrix(p))
        let linear = (0..<3).map { i in
            PositivstellensatzTerm(j: 1, exponents: (0..<6).map { $0 == i ? 1 : 0 }, coefficient: 1)
        }
        let constant = PositivstellensatzTerm(j: 2, exponents: [0, 0, 0, 0, 0, 0], coefficient: -2)
        func certificate(_ regime: Regime, _ terms: [PositivstellensatzTerm]) -> String {
            Certificate(regime: regime, matrix: t, claim: .notInK2(.charPolyPositivstellensatz(terms: terms))).jsonText
        }
        for regime in Regime.allCases {
            #expect(CertificateVerifier.verify(json: certificate(regime, linear + [constant])).isAccepted)
        }
        #expect(CertificateVerifier.verify(json: certificate(.positive, linear)).isAccepted)
        CertificateTests().rejects(certificate(.signed, linear), containing: "odd exponent")
        let halved = PositivstellensatzTerm(j: 2, exponents: constant.exponents, coefficient: -1)
        CertificateTests().rejects(certificate(.signed, linear + [halved]), containing: "odd exponent")
    }

    @Test func termsAreReadStrictly() {
        let good = certificate(.positive, coefficient: 1)
        #expect(good.contains("[1, [0, 0, 0, 0], \"1\"]"))
        for (bad, fragment) in [
            ("[1, [0, 0, 0, 0], \"1\"]", "[1, [0, 0, 0], \"1\"]"), ("[1, [0, 0, 0, 0], \"1\"]", "[1, [0, 0, 0, \"0\"], \"1\"]"),
            ("[1, [0, 0, 0, 0], \"1\"]", "[1, [0, 0, 0, 0], \"0\"]"), ("[1, [0, 0, 0, 0], \"1\"]", "[3, [0, 0, 0, 0], \"1\"]"),
            ("[1, [0, 0, 0, 0], \"1\"]", "[1, [0, 0, 0, 0], \"1\"], [1, [0, 0, 0, 0], \"2\"]"),
            ("[1, [0, 0, 0, 0], \"1\"]", "[1, [0, 0, 0, 0], 1]"), ("[1, [0, 0, 0, 0], \"1\"]", "[1.0, [0, 0, 0, 0], \"1\"]"),
        ] {
            #expect(!CertificateVerifier.verify(json: good.replacingOccurrences(of: bad, with: fragment)).isAccepted, "\(fragment)")
        }
    }
}
