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
    /// depth-2 factorization (theory §4a); then the minimal depth is 2.
    public var membership: IntertwinerMembership? { numericDepthTwo?.proof }

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
        try ExactDecomposer.validate(t)
        if let shallow = try ExactDecomposer(seed: seed).shallowFactorization(t, regime: regime) {
            // A depth-2 result comes after the exact K_1 test failed.
            return DepthAnalysis(
                lowerBound: shallow.depth, upperBound: shallow.depth, shallowFactorization: shallow,
                witness: nil, numericDepthTwo: nil)
        }
        // Not in K_1 (that test is exact), so the minimal depth is 2 or 3.
        if let witness = LowerBounds.witness(for: t, regime: regime) {
            return DepthAnalysis(lowerBound: 3, upperBound: 3, shallowFactorization: nil, witness: witness, numericDepthTwo: nil)
        }
        // Numerical intertwiner solutions are tried as proofs; only one that
        // passes the exact check (`IntertwinerMembership.check`) counts.
        let evidence = numeric && t.rows / 2 <= NumericDepthTwo.maximumD ? NumericDepthTwo.search(t, regime: regime, seed: seed) : nil
        // Scalings near small rationals: the exact null-space construction
        // (theory §4.5) turns degenerate solutions into depth-2 factorizations.
        if let evidence, evidence.proof == nil, evidence.evidence < NumericDepthTwo.tolerance,
            let exact = try ExactDecomposer(seed: seed).snappedDepthTwo(t, regime: regime, evidence: evidence)
        {
            return DepthAnalysis(lowerBound: 2, upperBound: 2, shallowFactorization: exact, witness: nil, numericDepthTwo: nil)
        }
        // The search found no positive solution: look for multipliers proving
        // there is none (theory §4b). Bulk runs without the search skip it too.
        if numeric, regime == .positive, evidence?.proof == nil, !(evidence.map { $0.evidence < NumericDepthTwo.tolerance } ?? false),
            let witness = LowerBounds.positivstellensatzWitness(for: t)
        {
            return DepthAnalysis(lowerBound: 3, upperBound: 3, shallowFactorization: nil, witness: witness, numericDepthTwo: evidence)
        }
        return DepthAnalysis(
            lowerBound: 2, upperBound: evidence?.proof == nil ? 3 : 2, shallowFactorization: nil,
            witness: nil, numericDepthTwo: evidence)
    }

    /// The factorization that realises `analysis.upperBound`.
    public func factorization(of t: RationalMatrix, regime: Regime, analysis: DepthAnalysis) throws(DecompositionError)
        -> ExactFactorization
    {
        if let shallow = analysis.shallowFactorization { return shallow }
        return try ExactDecomposer(seed: seed).decompose(t, regime: regime)
    }
}
