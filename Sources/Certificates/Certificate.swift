import CouplingLayers
import ExactLinearAlgebra

/// A lower-bound witness for `T ∉ K_2(regime)` (certificate-format.md).
public enum NotInK2Witness: Equatable, Sendable {
    /// Every `j×j` principal minor of one of `T11`, `V = (T⁻¹)22` is `>= 0`
    /// (one `> 0`) and every one of the other is `<= 0`; `sign` `"+"` puts
    /// `T11` first.
    case principalMinors(j: Int, sign: String)
    /// `T11 = 0` and `yᵀM = e_k`: every `Γ` making `T12ΓT21` diagonal has `Γ_k = 0`.
    case t11ZeroSigned(k: Int, y: [Rational])
    /// `T11 = 0` and `Mᵀy − u + Nᵀw = 0` with `u, w >= 0` not all zero (Farkas).
    case t11ZeroPositive(y: [Rational], u: [Rational], w: [Rational])

    public var typeName: String {
        switch self {
        case .principalMinors: return "principal-minors"
        case .t11ZeroSigned: return "t11-zero-signed"
        case .t11ZeroPositive: return "t11-zero-positive"
        }
    }

    /// Regimes in which the witness proves `T ∉ K_2`: a signed proof also
    /// proves the positive statement.
    public func proves(in regime: Regime) -> Bool {
        switch self {
        case .t11ZeroSigned: return true
        case .principalMinors, .t11ZeroPositive: return regime == .positive
        }
    }
}

/// The claim a certificate makes, with what proves it.
public enum Claim: Equatable, Sendable {
    /// `matrix = L1 U1 ⋯ Lk Uk` exactly.
    case exactFactorization(layers: [CouplingPair])
    /// `‖matrix − L1 U1 ⋯ Lk Uk‖_F <= bound`, layers are binary64 values.
    case binary64Factorization(layers: [CouplingPair], residualBound: Rational)
    case notInK2(NotInK2Witness)
    /// Minimal depth `layers.count`, with the lower-bound proof when it is 3.
    case depth(layers: [CouplingPair], witness: NotInK2Witness?)

    public var name: String {
        switch self {
        case .exactFactorization, .binary64Factorization: return "factorization"
        case .notInK2: return "not-in-K2"
        case .depth: return "depth"
        }
    }
}

/// A flowproof certificate, version 1: a claim about `matrix` that a short
/// independent program can check (see `shared/docs/certificate-format.md`).
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

    public enum ExtraValue: Equatable, Sendable { case string(String), integer(Int) }

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
