import CouplingLayers
import ExactLinearAlgebra

/// The claim a certificate makes, with what proves it.
public enum Claim: Equatable, Sendable {
    /// `matrix = L1 U1 ⋯ Lk Uk` exactly.
    case exactFactorization(layers: [CouplingPair])
    /// `‖matrix − L1 U1 ⋯ Lk Uk‖_F <= bound`, layers are binary64 values.
    case binary64Factorization(layers: [CouplingPair], residualBound: Rational)
    case notInK2(NotInK2Witness)
    /// Minimal depth `layers.count`, with the lower-bound proof when it is 3.
    case depth(layers: [CouplingPair], witness: NotInK2Witness?)
    /// Minimal depth 2 without an exact factorization: `T ∉ K_1` (exact)
    /// and a verified-existence proof of `T ∈ K_2` (theory §4a).
    case depthTwoMembership(IntertwinerMembership)

    public var name: String {
        switch self {
        case .exactFactorization, .binary64Factorization: return "factorization"
        case .notInK2: return "not-in-K2"
        case .depth, .depthTwoMembership: return "depth"
        }
    }
}

/// A flowproof certificate, version 1: a claim about `matrix` that a short
/// independent program can check (see `docs/certificate-format.md`).
///
/// ```swift
/// let f = try ExactDecomposer().decompose(t, regime: .positive)
/// let cert = Certificate(factorization: f, seed: 0)
/// try CertificateFile.write(cert, to: "swap.json")
/// let verdict = CertificateVerifier.verify(json: cert.jsonText)  // .accepted
/// ```
public struct Certificate: Equatable, Sendable {
    public var regime: Regime
    public var matrix: RationalMatrix
    public var claim: Claim
    /// Informational fields written after the claim (`generator`, `seed`, …);
    /// ignored by checkers. Values are written as JSON strings or integers.
    public var extras: [(key: String, value: ExtraValue)]

    public enum ExtraValue: Equatable, Sendable {
        case string(String)
        case integer(Int)
    }

    public var d: Int { matrix.rows / 2 }

    public init(regime: Regime, matrix: RationalMatrix, claim: Claim, extras: [(key: String, value: ExtraValue)] = []) {
        self.regime = regime
        self.matrix = matrix
        self.claim = claim
        self.extras = extras
    }

    public init(factorization f: ExactFactorization, seed: UInt64?) {
        var extras: [(key: String, value: ExtraValue)] = [("generator", .string(flowproofGenerator))]
        if let seed { extras.append(("seed", .string(String(seed)))) }
        self.init(regime: f.regime, matrix: f.matrix, claim: .exactFactorization(layers: f.layers), extras: extras)
    }

    public static func == (a: Certificate, b: Certificate) -> Bool {
        a.regime == b.regime && a.matrix == b.matrix && a.claim == b.claim
            && a.extras.map(\.key) == b.extras.map(\.key) && a.extras.map(\.value) == b.extras.map(\.value)
    }
}

/// Written into every certificate's `generator` field.
public let flowproofGenerator = "flowproof 0.1.0"
