import ExactLinearAlgebra

/// Why a matrix cannot be decomposed: the input (shared with the binary64
/// side), or this arithmetic's own failures.
public enum DecompositionError: Error, Equatable, CustomStringConvertible {
    case input(CouplingInputError)
    case internalFailure(String)
    /// A depth-3 method forced by `DepthThreeMethod` does not apply to this
    /// input (no certified result, not an internal error).
    case methodDeclined(DepthThreeMethod, String)

    public var description: String {
        switch self {
        case .input(let reason): return reason.description
        case .internalFailure(let why): return "internal error: \(why)"
        case .methodDeclined(let method, let why):
            return "the \(method.rawValue) method does not apply: \(why); --method auto picks one that does"
        }
    }
}

/// An exact factorization `T = L1 U1 ⋯ Lk Uk`, checked by multiplying back.
public struct ExactFactorization: Sendable {
    public let matrix: RationalMatrix
    public let regime: Regime
    public let layers: [CouplingPair]
    public let method: ExactMethod
    public var depth: Int { layers.count }
    public var d: Int { matrix.rows / 2 }
    public var heightBits: Int { CouplingPair.heightBits(layers) }
}

/// The construction that produced an exact factorization.
public enum ExactMethod: String, Sendable {
    case depthOne = "depth-1"
    case depthTwo = "depth-2"
    /// Signed permutations, theory §5.1.
    case monomial
    /// Theory §5 with the commutator step.
    case commutator
    /// Theory §5.3: rank-one last pair, pole placement (`RankOneConstruction`).
    case rankOne = "rank-one"
    /// Theory §5.2 (`--prefer height`).
    case blockLDU = "block-ldu"
}

/// What an exact decomposition makes small first.
public enum ExactPreference: String, CaseIterable, Sendable {
    /// Minimal easy depth (at most 3); on inputs without structure the
    /// entries grow about `d`-fold past those of `T⁻¹` (the commutator step).
    case depth
    /// Entries near the height of `T⁻¹`'s, at depth about `3·log2(d) + 5`
    /// (`BlockLDUConstruction`); depth 1, easy depth 2 and the monomial
    /// depth-3 path are kept when they are no taller.
    case height
}

/// Which exact depth-3 construction `decompose` runs (with `prefer: .depth`).
public enum DepthThreeMethod: String, CaseIterable, Sendable {
    /// Depth 1 or easy depth 2 when they apply, else the smallest
    /// certificate among the depth-3 methods within a deterministic work
    /// budget.
    case auto
    /// Forces `RankOneConstruction` (theory §5.3); declines non-cyclic
    /// `T11` or `V`.
    case rankOne = "rank-one"
    /// Forces theory §5's commutator step, also on signed permutations.
    case commutator
    /// Forces theory §5.1's monomial path; signed permutations only.
    case monomial
}

/// Decomposes rational `2d × 2d` matrices with `det > 0` into coupling pairs
/// of minimal easy depth: 1 when `T ∈ K_1`, 2 when an exact depth-2
/// factorization is easy to get, otherwise the depth-3 construction.
///
/// ```swift
/// let t = RationalMatrix([[0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]])
/// let f = try ExactDecomposer(seed: 1).decompose(t, regime: .positive)
/// assert(CouplingPair.product(f.layers) == t)   // the channel swap, depth 3
/// ```
public struct ExactDecomposer: Sendable {
    public let seed: UInt64

    public init(seed: UInt64 = 0) { self.seed = seed }

    /// Checks that `t` is `2d × 2d` with `det > 0`; the result keeps the
    /// determinant for the constructions (one computation per run).
    @discardableResult
    public static func validate(_ t: RationalMatrix) throws(CouplingInputError) -> PreparedMatrix {
        _ = try CouplingInputError.blockSize(rows: t.rows, columns: t.columns)
        let prepared = PreparedMatrix(t)
        let det = prepared.determinant
        if det.isZero { throw .singular() }
        if det.sign < 0 { throw .determinantNegative(det.description) }
        return prepared
    }

    /// `stage` is called with a short description as each phase starts
    /// (for progress display on long runs). A `method` other than `.auto`
    /// skips depths 1 and 2 and runs only that depth-3 construction, or
    /// throws `.methodDeclined`; it requires `preference == .depth`.
    public func decompose(
        _ t: RationalMatrix, regime: Regime, prefer preference: ExactPreference = .depth,
        method forced: DepthThreeMethod = .auto, stage: (String) -> Void = { _ in }
    ) throws(DecompositionError) -> ExactFactorization {
        precondition(forced == .auto || preference == .depth, "a forced depth-3 method needs prefer: .depth")
        stage("checking size and determinant")
        let prepared: PreparedMatrix
        do { prepared = try Self.validate(t) } catch { throw .input(error) }
        var rng = SeededGenerator(seed: seed)
        let (method, layers) =
            switch (preference, forced) {
            case (.depth, .auto): try minimalDepthLayers(prepared, regime: regime, rng: &rng, stage: stage)
            case (.depth, _): try forcedLayers(prepared, forced, rng: &rng, stage: stage)
            case (.height, _): try smallHeightLayers(prepared, regime: regime, rng: &rng, stage: stage)
            }
        stage("multiplying back")
        return try checked(t, regime: regime, method: method, layers: layers)
    }

    /// What `decompose` (`prefer: .depth`, `method: .auto`) returns once
    /// depth 1 and easy depth 2 have failed, `rng` being the generator as
    /// those attempts left it: `DepthAnalyzer` made them already, and
    /// continuing from their state gives `decompose`'s result bit for bit.
    func depthThreeFactorization(_ prepared: PreparedMatrix, regime: Regime, rng: SeededGenerator) throws(DecompositionError)
        -> ExactFactorization
    {
        var rng = rng
        let (method, layers) = try depthThreeLayers(prepared, rng: &rng, stage: { _ in })
        return try checked(prepared.matrix, regime: regime, method: method, layers: layers)
    }

    /// Depth 3 takes the smallest certificate among the methods that apply.
    /// The rank-one construction applies when `T11` and `V` are cyclic and
    /// costs about as much as a few shifted solves; §5's path (monomial for
    /// signed permutations, else the commutator step) runs when the rank-one
    /// one does not apply, for signed permutations, or when `d <= 8`, where it
    /// takes under 0.1 s (at `d = 16` it takes a second and its certificates
    /// are 8× taller). A work budget by `d` rather than a clock keeps the
    /// choice deterministic for a given input and seed.
    private func minimalDepthLayers(
        _ prepared: PreparedMatrix, regime: Regime, rng: inout SeededGenerator,
        stage: (String) -> Void
    ) throws(DecompositionError) -> (ExactMethod, [CouplingPair]) {
        stage("depth 1 and easy depth 2")
        if let shallow = shallowLayers(prepared, regime: regime, rng: &rng) { return shallow }
        return try depthThreeLayers(prepared, rng: &rng, stage: stage)
    }

    private func depthThreeLayers(
        _ prepared: PreparedMatrix, rng: inout SeededGenerator, stage: (String) -> Void
    ) throws(DecompositionError) -> (ExactMethod, [CouplingPair]) {
        let t = prepared.matrix
        stage("depth-3 rank-one construction")
        var candidates: [(ExactMethod, [CouplingPair])] = []
        if let rankOne = RankOneConstruction.factor(prepared) { candidates.append((.rankOne, rankOne.couplingPairs())) }
        if candidates.isEmpty || t.rows <= 16 || SignedPermutation(t) != nil {
            stage("depth-3 construction of theory §5")
            if let monomial = DepthThreeConstruction.permutationFactor(prepared, rng: &rng) {
                candidates.append((.monomial, monomial.couplingPairs()))
            } else if let three = DepthThreeConstruction.commutatorFactor(prepared, rng: &rng) {
                candidates.append((.commutator, three.couplingPairs()))
            }
        }
        guard let best = candidates.min(by: { CouplingPair.heightBits($0.1) < CouplingPair.heightBits($1.1) }) else {
            throw .internalFailure("the depth-3 construction found no admissible choice")
        }
        return best
    }

    /// The one depth-3 construction the caller asked for.
    private func forcedLayers(
        _ prepared: PreparedMatrix, _ method: DepthThreeMethod, rng: inout SeededGenerator, stage: (String) -> Void
    ) throws(DecompositionError) -> (ExactMethod, [CouplingPair]) {
        stage("depth-3 \(method.rawValue) construction")
        switch method {
        case .auto: preconditionFailure("auto is not a forced method")
        case .rankOne:
            guard let product = RankOneConstruction.factor(prepared) else {
                throw .methodDeclined(method, "T11 or V = (T⁻¹)22 is not cyclic (or the rank-one update found no admissible choice)")
            }
            return (.rankOne, product.couplingPairs())
        case .commutator:
            guard let product = DepthThreeConstruction.commutatorFactor(prepared, rng: &rng) else {
                throw .methodDeclined(method, "the commutator step found no admissible choice")
            }
            return (.commutator, product.couplingPairs())
        case .monomial:
            guard let product = DepthThreeConstruction.permutationFactor(prepared, rng: &rng) else {
                throw .methodDeclined(method, "the input is not a signed permutation matrix")
            }
            return (.monomial, product.couplingPairs())
        }
    }

    /// The smallest-height candidate among depth 1, the monomial depth-3
    /// path and the block LDU construction (depth-2 attempts are skipped:
    /// they are not cheap at large `d` and rarely win on height).
    private func smallHeightLayers(
        _ prepared: PreparedMatrix, regime: Regime, rng: inout SeededGenerator,
        stage: (String) -> Void
    ) throws(DecompositionError) -> (ExactMethod, [CouplingPair]) {
        let t = prepared.matrix
        stage("depth 1")
        let shallow = DepthOne.factorization(of: t, regime: regime).map { (ExactMethod.depthOne, [$0]) }
        stage("block LDU construction")
        guard let deep = BlockLDUConstruction.factor(t, regime: regime, rng: &rng) else {
            throw .internalFailure("the block LDU construction found no admissible choice")
        }
        let monomial = DepthThreeConstruction.permutationFactor(prepared, rng: &rng).map { (ExactMethod.monomial, $0.couplingPairs()) }
        return [shallow, monomial, (.blockLDU, deep)].compactMap { $0 }
            .min { (CouplingPair.heightBits($0.1), $0.1.count) < (CouplingPair.heightBits($1.1), $1.1.count) }!
    }

    /// An exact factorization of depth 1 or 2 when one is easy to get, else
    /// `nil` (which proves nothing), with the generator as the attempts left
    /// it (`depthThreeFactorization` continues from there).
    func shallowFactorization(_ prepared: PreparedMatrix, regime: Regime) throws(DecompositionError)
        -> (ExactFactorization?, SeededGenerator)
    {
        var rng = SeededGenerator(seed: seed)
        guard let (method, layers) = shallowLayers(prepared, regime: regime, rng: &rng) else { return (nil, rng) }
        return (try checked(prepared.matrix, regime: regime, method: method, layers: layers), rng)
    }

    /// An exact depth-2 factorization from a numerical depth-2 solution: for
    /// invertible `T11` (and `d <= Similarity.intertwinerMaximumD`) when its
    /// scalings are close to small rationals (`ScalingSnap`), by the snapped
    /// `Δ` and the exact intertwiner null space (theory §4.5); for singular
    /// `T11` by a rational point of the full system near one of its
    /// solutions (`FullSystemRationalPoint`), else from their scalings
    /// snapped to rationals (`NullSpaceConstruction`). `nil` proves nothing.
    /// `prepared` must already be validated.
    public func snappedDepthTwo(_ prepared: PreparedMatrix, regime: Regime, evidence: NumericDepthTwo.Result)
        throws(DecompositionError) -> ExactFactorization?
    {
        guard prepared.blocks.t11.determinant.isZero else {
            return prepared.d <= Similarity.intertwinerMaximumD ? try scalingSnap(prepared, regime: regime, evidence: evidence) : nil
        }
        guard let inverse = prepared.inverse else { return nil }
        // Every solution found (at most 8): on d = 4 permutations with `T11`
        // of rank 2 about one in two snaps to an exact point.
        for solution in evidence.fullSystemSolutions {
            if let product = FullSystemRationalPoint.factor(prepared.matrix, inverse: inverse, regime: regime, solution: solution) {
                return try checked(prepared.matrix, regime: regime, method: .depthTwo, layers: product.couplingPairs())
            }
        }
        // Rational scalings: the linear construction of theory §4c.
        for solution in evidence.fullSystemSolutions {
            for (delta1, delta2) in NullSpaceConstruction.scalingCandidates(solution.scalings, determinant: prepared.determinant) {
                if let product = NullSpaceConstruction.factor(
                    prepared.matrix, inverse: inverse, delta1: delta1, delta2: delta2, regime: regime)
                {
                    return try checked(prepared.matrix, regime: regime, method: .depthTwo, layers: product.couplingPairs())
                }
            }
        }
        return nil
    }

    private func scalingSnap(_ prepared: PreparedMatrix, regime: Regime, evidence: NumericDepthTwo.Result)
        throws(DecompositionError) -> ExactFactorization?
    {
        let d = prepared.d
        var sources = [(evidence.delta1, evidence.delta2)]
        if let x = evidence.intertwiner, x.count >= 2 * d {
            sources.append((Array(x[0..<d]), x[d..<(2 * d)].map { 1 / $0 }))
        }
        var tried: [([Rational], [Rational])] = []
        for (delta1, delta2) in sources {
            for candidate in ScalingSnap.candidates(delta1: delta1, delta2: delta2) {
                guard !tried.contains(where: { $0.0 == candidate.0 && $0.1 == candidate.1 }) else { continue }
                tried.append(candidate)
                if let product = DepthTwoConstruction.withScaling(prepared, delta1: candidate.0, delta2: candidate.1, regime: regime) {
                    return try checked(prepared.matrix, regime: regime, method: .depthTwo, layers: product.couplingPairs())
                }
            }
        }
        return nil
    }

    private func shallowLayers(_ prepared: PreparedMatrix, regime: Regime, rng: inout SeededGenerator) -> (ExactMethod, [CouplingPair])? {
        if let pair = DepthOne.factorization(of: prepared.matrix, regime: regime) { return (.depthOne, [pair]) }
        return DepthTwoConstruction.factor(prepared, regime: regime, rng: &rng).map { (.depthTwo, $0.couplingPairs()) }
    }

    /// Multiplies back and checks the regime: a wrong result is an error.
    private func checked(_ t: RationalMatrix, regime: Regime, method: ExactMethod, layers: [CouplingPair]) throws(DecompositionError)
        -> ExactFactorization
    {
        guard layers.allSatisfy({ $0.satisfies(regime) }) else {
            throw .internalFailure("a layer violates the \(regime.rawValue) regime")
        }
        guard CouplingPair.productEquals(layers, t) else {
            throw .internalFailure("the product of the layers does not equal the input")
        }
        return ExactFactorization(matrix: t, regime: regime, layers: layers, method: method)
    }
}
