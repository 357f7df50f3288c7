import Certificates
import CouplingLayers
import ExactLinearAlgebra

/// `flowproof depth` as a library call: the minimal-depth analysis, the
/// factorization that realises its upper bound, and the certificate of
/// what is proven, already re-checked by the verifier.
///
/// ```swift
/// let r = try CertifiedDepth.run(t, regime: .positive, seed: 0)
/// print(r.analysis.lowerBound, r.analysis.upperBound, r.analysis.proven)
/// try r.certificate.write(to: "depth.json")
/// ```
public enum CertifiedDepth {
    public struct Result {
        public let analysis: DepthAnalysis
        /// `nil` when depth 2 is proven by membership: no rational
        /// factorization exists in general, and the depth-3 one is not needed.
        public let factorization: ExactFactorization?
        /// A `depth` certificate when the depth is proven; otherwise the
        /// factorization of the upper bound.
        public let certificate: Certificate
    }

    public static func run(_ t: RationalMatrix, regime: Regime, seed: UInt64) throws(DecompositionError) -> Result {
        let analyzer = DepthAnalyzer(seed: seed)
        let analysis = try analyzer.analyze(t, regime: regime)
        let factorization = analysis.membership == nil ? try analyzer.factorization(of: t, regime: regime, analysis: analysis) : nil
        let provenance = Provenance(seed: seed)
        let certificate: Certificate
        if let proof = analysis.membership {
            certificate = Certificate(regime: regime, matrix: t, claim: .depthTwoMembership(proof), provenance: provenance)
        } else if analysis.proven, let factorization {
            certificate = Certificate(
                regime: regime, matrix: t, claim: .depth(layers: factorization.layers, witness: analysis.witness), provenance: provenance)
        } else if let factorization {
            certificate = Certificate(factorization: factorization, seed: seed)
        } else {
            throw .internalFailure("the depth analysis produced neither a proof nor a factorization")
        }
        // A bound is reported only if its certificate verifies.
        do { _ = try CertificateVerifier.check(certificate) } catch {
            throw .internalFailure("the certificate does not verify: \(error.message)")
        }
        return Result(analysis: analysis, factorization: factorization, certificate: certificate)
    }
}
