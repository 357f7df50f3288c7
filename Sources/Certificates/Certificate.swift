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
    /// and a verified-existence proof of `T ∈ K_2` (theory §4a, §4c).
    case depthTwoMembership(DepthTwoMembership)

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
/// try cert.write(to: "swap.json")
/// let verdict = CertificateVerifier.verify(json: cert.jsonText)  // .accepted
/// ```
public struct Certificate: Equatable, Sendable {
    public var regime: Regime
    public var matrix: RationalMatrix
    public var claim: Claim
    /// Who made the certificate and how; written after the claim and
    /// ignored by checkers. `nil` writes none of these fields.
    public var provenance: Provenance?

    public var d: Int { matrix.rows / 2 }

    public init(regime: Regime, matrix: RationalMatrix, claim: Claim, provenance: Provenance? = nil) {
        self.regime = regime
        self.matrix = matrix
        self.claim = claim
        self.provenance = provenance
    }

    public init(factorization f: ExactFactorization, seed: UInt64?) {
        self.init(regime: f.regime, matrix: f.matrix, claim: .exactFactorization(layers: f.layers), provenance: Provenance(seed: seed))
    }
}

/// The informational fields of a certificate, typed: `generator` (always
/// `flowproofGenerator`), then `family`, `seed`, `method`, `residualMethod`
/// where set, in that order, so output stays byte-identical.
public struct Provenance: Equatable, Sendable {
    public var family: String?
    public var seed: UInt64?
    public var method: String?
    public var residualMethod: String?

    public init(family: String? = nil, seed: UInt64? = nil, method: String? = nil, residualMethod: String? = nil) {
        self.family = family
        self.seed = seed
        self.method = method
        self.residualMethod = residualMethod
    }

    /// `(key, value)` pairs in the order they are written.
    public var fields: [(key: String, value: String)] {
        [("generator", flowproofGenerator)]
            + [("family", family), ("seed", seed.map { String($0) }), ("method", method), ("residualMethod", residualMethod)]
            .compactMap { key, value in value.map { (key, $0) } }
    }
}

/// Written into every certificate's `generator` field.
public let flowproofGenerator = "flowproof 0.1.0"
