import Certificates
import CouplingLayers
import ExactLinearAlgebra
import FloatCouplingLayers
import FloatLinearAlgebra
import Foundation

/// `decompose --arith float` as a library call: binary64 layers for an exact
/// input, a rigorous residual bound against that input, and the certificate,
/// re-verified exactly where that is affordable.
///
/// ```swift
/// let t = try MatrixTextFormat.read(path: "examples/random-d8.txt")
/// let r = try CertifiedFloatDecomposition.run(t, regime: .positive, seed: 0)
/// print(r.factorization.depth, r.bound.value, r.verified)
/// try r.certificate?.write(to: "float.json")
/// ```
public enum CertifiedFloatDecomposition {
    /// Exact determinant checks and exact re-verification of the certificate
    /// up to this size (2d); beyond it they would dominate the run time (41 s
    /// at 2d = 256, against 2.5 s for everything else).
    public static let exactCheckLimit = 128

    public struct Result {
        public let rounded: DoubleMatrix
        public let factorization: FloatFactorization
        public let bound: FloatResidual.Bound
        /// Built when asked for or when it is re-verified (2d <= exactCheckLimit).
        public let certificate: Certificate?
        /// Whether the certificate was re-checked exactly by the verifier.
        public let verified: Bool
    }

    public static func run(
        _ matrix: RationalMatrix, depth: Int? = nil, regime: Regime, seed: UInt64,
        certificate wanted: Bool = false, stage: (String) -> Void = { _ in }
    ) throws(WorkflowFailure) -> Result {
        let n = matrix.rows
        stage("checking the input")
        if n <= exactCheckLimit {
            do { try ExactDecomposer.validate(matrix) } catch { throw .badInput(error.description) }
        }
        let rounded = DoubleMatrix(rows: n, columns: matrix.columns) { i, j in matrix[i, j].nearestDouble }
        for i in 0..<n {
            for j in 0..<matrix.columns where !rounded[i, j].isFinite {
                let magnitude = matrix[i, j].log2Magnitude > 0 ? "±2^\(Int(matrix[i, j].log2Magnitude))" : ""
                throw .badInput("entry (\(i + 1), \(j + 1)) = \(magnitude) exceeds the binary64 range")
            }
        }
        stage("computing binary64 layers")
        let factorization: FloatFactorization
        do {
            factorization = try FloatDecomposer.decompose(
                rounded, depth: depth, regime: regime, seed: seed,
                determinantSignKnown: n <= exactCheckLimit)
        } catch {
            switch error {
            // A nonzero entry below the binary64 range rounds to 0 and can make
            // the rounded matrix singular although det T > 0: say so.
            case .input(.singular), .input(.determinantNegative):
                guard let (i, j) = firstUnderflow(matrix, rounded) else { throw .badInput(error.description) }
                throw .badInput(
                    "entry (\(i + 1), \(j + 1)) ≈ \(decimalMagnitude(matrix[i, j])) is below the binary64 range "
                        + "and rounds to 0, so the rounded matrix has det <= 0; use --arith exact")
            case .noConvergence, .tooIllConditioned: throw .noCertifiedResult(error.description)
            default: throw .badInput(error.description)
            }
        }
        stage("certifying the residual")
        let bound = FloatResidual.bound(exact: matrix, rounded: rounded, factorization.layers)
        guard bound.value.isFinite, let boundValue = Rational(exactly: bound.value) else {
            throw .noCertifiedResult("the residual bound overflows binary64; no certified result")
        }
        // Converting ~1M binary64 values to rationals costs a visible fraction
        // of a second at d = 256, so the certificate is built only when used.
        guard wanted || n <= exactCheckLimit else {
            return Result(rounded: rounded, factorization: factorization, bound: bound, certificate: nil, verified: false)
        }
        let layers = factorization.layers.map(\.exactValue)
        let certificate = Certificate(
            regime: regime, matrix: matrix,
            claim: .binary64Factorization(layers: layers, residualBound: boundValue),
            provenance: Provenance(seed: seed, method: factorization.method.rawValue, residualMethod: bound.method.rawValue))
        if n <= exactCheckLimit {
            stage("re-verifying the certificate")
            do { _ = try CertificateVerifier.check(certificate) } catch {
                throw .internalError("internal error: the float certificate does not verify: \(error.message)")
            }
        }
        return Result(
            rounded: rounded, factorization: factorization, bound: bound, certificate: certificate,
            verified: n <= exactCheckLimit)
    }

    private static func firstUnderflow(_ matrix: RationalMatrix, _ rounded: DoubleMatrix) -> (Int, Int)? {
        for i in 0..<matrix.rows {
            for j in 0..<matrix.columns where rounded[i, j] == 0 && !matrix[i, j].isZero { return (i, j) }
        }
        return nil
    }

    /// `1.0e-400`: a decimal form of a value that has none in binary64.
    private static func decimalMagnitude(_ x: Rational) -> String {
        let log10Magnitude = x.log2Magnitude * log10(2.0)
        var exponent = Int(log10Magnitude.rounded(.down)), mantissa = pow(10, log10Magnitude - Double(exponent))
        if mantissa >= 9.95 { mantissa /= 10; exponent += 1 }
        return (x.sign < 0 ? "-" : "") + String(format: "%.1fe%d", mantissa, exponent)
    }
}
