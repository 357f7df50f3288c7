import CouplingLayers
import ExactLinearAlgebra
import FileIO
import Foundation

/// The outcome of checking one certificate.
public enum Verdict: Equatable, Sendable {
    case accepted(summary: String)
    case rejected(reason: String)

    public var isAccepted: Bool { if case .accepted = self { return true } else { return false } }
}

/// Re-checks every claim of a certificate from its own content, exactly:
/// nothing is taken from the program that wrote it.
///
/// ```swift
/// let verdict = CertificateVerifier.verify(path: "proofs/swap/swap-d2.json")
/// if case .rejected(let reason) = verdict { print(reason) }
/// ```
public enum CertificateVerifier {
    public static func verify(path: String) -> Verdict {
        do { return verify(data: try InputFile.read(path)) } catch { return .rejected(reason: error.reason) }
    }

    public static func verify(json: String) -> Verdict { verify(data: Data(json.utf8)) }

    public static func verify(data: Data) -> Verdict {
        do {
            let certificate = try CertificateReader.parse(data: data)
            return .accepted(summary: try check(certificate))
        } catch {
            return .rejected(reason: error.message)
        }
    }

    /// Checks the claim; returns a one-line summary or throws the reason.
    public static func check(_ c: Certificate) throws(CertificateError) -> String {
        let regime = c.regime
        let base = "d=\(c.d) \(regime.rawValue)"
        switch c.claim {
        case .exactFactorization(let layers):
            try checkExactProduct(layers, regime: regime, matrix: c.matrix)
            return "factorization exact depth=\(layers.count) height=\(CouplingPair.heightBits(layers)) \(base)"
        case .binary64Factorization(let layers, let bound):
            try checkLayers(layers, regime: regime)
            let difference = c.matrix - CouplingPair.product(layers)
            let squared = difference.entries.reduce(Rational.zero) { $0 + $1 * $1 }
            guard squared <= bound * bound else {
                throw CertificateError("residual bound \(bound) is below the exact residual (squared norm \(squared.doubleValue))")
            }
            return "factorization binary64 depth=\(layers.count) residual<=\(bound.doubleValue) \(base)"
        case .notInK2(let witness):
            try checkWitness(witness, matrix: c.matrix, regime: regime)
            return "not-in-K2 witness=\(witness.typeName) \(base)"
        case .depth(let layers, let witness):
            try checkExactProduct(layers, regime: regime, matrix: c.matrix)
            switch layers.count {
            case 1: break
            case 2:
                guard DepthOne.obstruction(of: c.matrix, regime: regime) != nil else {
                    throw CertificateError("depth 2 claimed but the matrix is in K_1")
                }
            default:
                guard let witness else { throw CertificateError("depth 3 needs a witness") }
                try checkWitness(witness, matrix: c.matrix, regime: regime)
            }
            return
                "depth=\(layers.count) proven\(witness.map { " witness=\($0.typeName)" } ?? "") height=\(CouplingPair.heightBits(layers)) \(base)"
        case .depthTwoMembership(let proof):
            guard DepthOne.obstruction(of: c.matrix, regime: regime) != nil else {
                throw CertificateError("depth 2 claimed but the matrix is in K_1")
            }
            let contraction: Double
            do { contraction = try proof.check(c.matrix, regime: regime) } catch { throw CertificateError("membership: \(error.reason)") }
            return "depth=2 proven membership=\(proof.typeName) contraction=\(String(format: "%.3g", contraction)) \(base)"
        }
    }

    /// The regime of every layer, then `L1 U1 ⋯ Lk Uk == matrix` exactly.
    static func checkExactProduct(_ layers: [CouplingPair], regime: Regime, matrix: RationalMatrix) throws(CertificateError) {
        try checkLayers(layers, regime: regime)
        guard CouplingPair.productEquals(layers, matrix) else {
            throw CertificateError("the product of the layers does not equal the matrix")
        }
    }

    static func checkLayers(_ layers: [CouplingPair], regime: Regime) throws(CertificateError) {
        for (k, layer) in layers.enumerated() where !layer.satisfies(regime) {
            throw CertificateError(
                "layers[\(k)]: a B or C entry is not \(regime == .positive ? "> 0" : "!= 0") (\(regime.rawValue) regime)")
        }
    }

    static func checkWitness(_ w: NotInK2Witness, matrix t: RationalMatrix, regime: Regime) throws(CertificateError) {
        guard w.proves(in: regime) else {
            throw CertificateError("witness \(w.typeName) proves nothing in the \(regime.rawValue) regime")
        }
        let b = BlockView(t)
        // T⁻¹, or V = (T⁻¹)22, for the witnesses that need them (the reader
        // has refused those above the inverse budget).
        func inverse() throws(CertificateError) -> RationalMatrix {
            guard let s = PreparedMatrix(t).inverse else { throw CertificateError("matrix is singular") }
            return s
        }
        func blockV() throws(CertificateError) -> RationalMatrix {
            try inverse().block(rows: b.d..<(2 * b.d), columns: b.d..<(2 * b.d))
        }
        switch w {
        case .principalMinors(let j, let sign):
            let v = try blockV()
            let (nonNegative, nonPositive) = sign == .plus ? (b.t11, v) : (v, b.t11)
            let first = nonNegative.principalMinors(order: j).map(\.value)
            let second = nonPositive.principalMinors(order: j).map(\.value)
            guard first.allSatisfy({ $0.sign >= 0 }), first.contains(where: { $0.sign > 0 }) else {
                throw CertificateError(
                    "principal-minors: not every \(j)×\(j) principal minor of \(sign == .plus ? "T11" : "V") is >= 0 with one > 0")
            }
            guard second.allSatisfy({ $0.sign <= 0 }) else {
                throw CertificateError("principal-minors: not every \(j)×\(j) principal minor of \(sign == .plus ? "V" : "T11") is <= 0")
            }
        case .principalMinorsMonomial(let j, let zero):
            let v = try blockV()
            let (vanishing, single) = zero == .t11 ? (b.t11, v) : (v, b.t11)
            guard vanishing.principalMinors(order: j).allSatisfy({ $0.value.isZero }) else {
                throw CertificateError("principal-minors-monomial: not every \(j)×\(j) principal minor of \(zero.rawValue) is 0")
            }
            guard single.principalMinors(order: j).filter({ !$0.value.isZero }).count == 1 else {
                throw CertificateError(
                    "principal-minors-monomial: the other matrix does not have exactly one nonzero \(j)×\(j) principal minor")
            }
        case .monomialCycles:
            guard let a = MonomialCycles.structure(b.t11) else {
                throw CertificateError("monomial-cycles: T11 has a row or column with two nonzero entries")
            }
            guard let c = MonomialCycles.structure(try blockV()) else {
                throw CertificateError("monomial-cycles: V has a row or column with two nonzero entries")
            }
            guard let agree = MonomialCycles.canAgree(a, c, regime: regime) else {
                throw CertificateError(
                    "monomial-cycles: more than \(MonomialCycles.maximumSignedCycles) cycles on a side exceed the work budget")
            }
            guard !agree else {
                throw CertificateError("monomial-cycles: some admissible signs give equal characteristic polynomials")
            }
        case .t11ZeroSigned(let k, let y):
            guard b.t11.isZero else { throw CertificateError("t11-zero-signed: T11 is not zero") }
            let system = T11ZeroSystem(b)
            let combination = system.m.transpose.applied(to: y)
            let target = (0..<b.d).map { $0 == k ? Rational.one : .zero }
            guard combination == target else { throw CertificateError("t11-zero-signed: yᵀM is not e_\(k)") }
        case .t11ZeroPositive(let y, let u, let w):
            guard b.t11.isZero else { throw CertificateError("t11-zero-positive: T11 is not zero") }
            guard (u + w).allSatisfy({ $0.sign >= 0 }), (u + w).contains(where: { $0.sign > 0 }) else {
                throw CertificateError("t11-zero-positive: u and w must be >= 0 and not all zero")
            }
            let system = T11ZeroSystem(b)
            let my = system.m.transpose.applied(to: y), nw = system.n.transpose.applied(to: w)
            let sum = (0..<b.d).map { my[$0] - u[$0] + nw[$0] }
            guard sum.allSatisfy(\.isZero) else { throw CertificateError("t11-zero-positive: Mᵀy − u + Nᵀw ≠ 0") }
        case .charPolyPositivstellensatz(let terms):
            // The reader has checked the budget: no determinant is spent on an oversized witness.
            let v = try blockV()
            let sigma = CharPolyPositivstellensatz.combination(terms, t11: b.t11, v: v)
            if let violation = CharPolyPositivstellensatz.violation(sigma, regime: regime) {
                throw CertificateError("charpoly-positivstellensatz: \(violation)")
            }
        case .fullSystemIdeal(let conclusion, let cofactors):
            // The reader has checked the budget before this inverse.
            let p = FullSystemIdeal.combination(cofactors, t: t, inverse: try inverse())
            if let violation = FullSystemIdeal.violation(p, conclusion: conclusion, d: b.d) {
                throw CertificateError("full-system-ideal: \(violation)")
            }
        }
    }
}
