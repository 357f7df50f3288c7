import ExactLinearAlgebra

/// What flowproof can prove about the minimal depth of `T`.
public struct DepthAnalysis: Sendable {
    /// Proven bounds on the minimal depth (`upperBound` is always <= 3).
    public let lowerBound: Int
    public let upperBound: Int
    /// The exact factorization of depth `lowerBound` when that is 1 or 2.
    public let shallowFactorization: ExactFactorization?
    /// The proof of `T ∉ K_2`, when `lowerBound == 3`.
    public let witness: NotInK2Witness?
    /// Numerical evidence for `T ∈ K_2` when no exact bound is tight.
    public let numericDepthTwo: NumericDepthTwo.Result?
    /// The verified-existence proof of `T ∈ K_2` when there is no exact
    /// depth-2 factorization (theory §4a, §4c); then the minimal depth is 2.
    public var membership: DepthTwoMembership? { numericDepthTwo?.proof }
    /// Set when depth 1 and easy depth 2 failed: `factorization` continues
    /// `decompose` from there instead of repeating them.
    let resumption: Resumption?

    /// The validated input (determinant and inverse already computed) and
    /// the generator as the failed depth-1/2 attempts left it.
    struct Resumption: Sendable {
        let prepared: PreparedMatrix
        let regime: Regime
        let seed: UInt64
        let generator: SeededGenerator
    }

    public var proven: Bool { lowerBound == upperBound }

    /// The classification used in search statistics.
    public enum Outcome: String, CaseIterable, Sendable {
        case depth1 = "proven depth 1"
        case depth2 = "proven depth 2"
        case depth3 = "proven depth 3"
        case numericK2 = "in K_2 numerically"
        case undecided = "undecided"
    }

    public var outcome: Outcome {
        if proven { return [.depth1, .depth2, .depth3][upperBound - 1] }
        if let n = numericDepthTwo, n.evidence < NumericDepthTwo.tolerance { return .numericK2 }
        return .undecided
    }
}

/// Decides the minimal depth exactly where it can: `K_1` membership,
/// exact depth-2 constructions, lower-bound witnesses, then numerical
/// evidence for the remaining gap between 2 and 3.
///
/// ```swift
/// let a = try DepthAnalyzer(seed: 0).analyze(t, regime: .positive)
/// print(a.lowerBound, a.upperBound, a.proven, a.witness?.typeName ?? "-")
/// ```
public struct DepthAnalyzer: Sendable {
    public let seed: UInt64
    /// Skip the numerical search (for bulk classification where speed matters).
    public let numeric: Bool

    public init(seed: UInt64 = 0, numeric: Bool = true) {
        self.seed = seed
        self.numeric = numeric
    }

    public func analyze(_ t: RationalMatrix, regime: Regime) throws(DecompositionError) -> DepthAnalysis {
        let prepared: PreparedMatrix
        do { prepared = try ExactDecomposer.validate(t) } catch { throw .input(error) }
        let (shallow, generator) = try ExactDecomposer(seed: seed).shallowFactorization(prepared, regime: regime)
        func result(
            _ lower: Int, _ upper: Int, _ exact: ExactFactorization?, _ witness: NotInK2Witness?, _ numeric: NumericDepthTwo.Result?
        ) -> DepthAnalysis {
            DepthAnalysis(
                lowerBound: lower, upperBound: upper, shallowFactorization: exact, witness: witness, numericDepthTwo: numeric,
                resumption: shallow == nil ? .init(prepared: prepared, regime: regime, seed: seed, generator: generator) : nil)
        }
        // A depth-2 result comes after the exact K_1 test failed.
        if let shallow { return result(shallow.depth, shallow.depth, shallow, nil, nil) }
        // Not in K_1 (that test is exact), so the minimal depth is 2 or 3.
        if let witness = LowerBounds.witness(for: prepared, regime: regime) { return result(3, 3, nil, witness, nil) }
        // Numerical intertwiner solutions are tried as proofs; only one that
        // passes the exact check (`IntertwinerMembership.check`) counts.
        let evidence =
            numeric && prepared.d <= NumericDepthTwo.maximumD ? NumericDepthTwo.search(prepared, regime: regime, seed: seed) : nil
        if let evidence, evidence.proof != nil { return result(2, 2, nil, nil, evidence) }
        let numericSolution = evidence.map { $0.evidence < NumericDepthTwo.tolerance } ?? false
        // Scalings near small rationals: the exact null-space construction
        // (theory §4.5) turns degenerate solutions into depth-2 factorizations.
        if numericSolution, let evidence,
            let exact = try ExactDecomposer(seed: seed).snappedDepthTwo(prepared, regime: regime, evidence: evidence)
        {
            return result(2, 2, exact, nil, nil)
        }
        // No proof of membership: look for multipliers proving there is none
        // (theory §4b), also after a small residual. K_2 is not closed, and
        // a matrix at its boundary has near-solutions with scalings running
        // off to 0 or ∞ (diag([1] ⊕ 3-cycle, I), signed: residual 7e-11, yet
        // Σ w_i²w_j² is in the ideal). Bulk runs without the search skip it.
        if numeric, let witness = LowerBounds.positivstellensatzWitness(for: prepared, regime: regime) {
            return result(3, 3, nil, witness, evidence)
        }
        // Cheap, but tried last so that matrices the multipliers prove keep
        // their certificates (diag(I, 3-cycle ⊕ 1) at d = 4); it decides
        // block-diagonal permutations they do not reach (d = 5).
        if let witness = LowerBounds.monomialCyclesWitness(for: prepared, regime: regime) {
            return result(3, 3, nil, witness, evidence)
        }
        return result(2, 3, nil, nil, evidence)
    }

    /// The factorization that realises `analysis.upperBound`: `decompose`'s
    /// result, without validating again or repeating the depth-1/2 attempts
    /// when `analysis` is this analyzer's for `t` and `regime`.
    public func factorization(of t: RationalMatrix, regime: Regime, analysis: DepthAnalysis) throws(DecompositionError)
        -> ExactFactorization
    {
        if let shallow = analysis.shallowFactorization { return shallow }
        let decomposer = ExactDecomposer(seed: seed)
        guard let resumption = analysis.resumption, resumption.regime == regime, resumption.seed == seed,
            resumption.prepared.matrix == t
        else { return try decomposer.decompose(t, regime: regime) }
        return try decomposer.depthThreeFactorization(resumption.prepared, regime: regime, rng: resumption.generator)
    }
}
