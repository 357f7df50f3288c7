import ExactLinearAlgebra

/// Depth 3 for every `T` with `det T > 0` and every `d >= 1`: the exact
/// rational construction of theory §5.
///
/// `TΔ` (with `det(TΔ) = 1`) is written as six unipotent blocks: a first
/// pair `n = [I 0; X I][I Y; 0 I]` makes `T' = TΔn⁻¹` satisfy the depth-2
/// sufficient condition with `T'11 = H` and `(T'⁻¹)22 = (KE)⁻¹H(KE)`, where
/// `H·C = K⁻¹·H·K` is a commutator factorization of `C = F E⁻¹ ∈ SL_d`.
enum DepthThreeConstruction {
    /// The monomial path for signed permutations, else the commutator step.
    static func factor(_ prepared: PreparedMatrix, rng: inout SeededGenerator) -> UnipotentProduct? {
        permutationFactor(prepared, rng: &rng) ?? commutatorFactor(prepared, rng: &rng)
    }

    /// The commutator step on any input, signed permutations included.
    static func commutatorFactor(_ prepared: PreparedMatrix, rng: inout SeededGenerator) -> UnipotentProduct? {
        let t = prepared.matrix, d = prepared.d
        // Step 1: Δ = diag(1/det T, 1, …, 1; I) so that det(TΔ) = 1.
        let det = prepared.determinant
        var g1 = [Rational](repeating: .one, count: d)
        g1[0] = det
        let scaled = RationalMatrix(rows: 2 * d, columns: 2 * d) { i, j in j == 0 ? t[i, j] / det : t[i, j] }
        // (TΔ)⁻¹ = Δ⁻¹T⁻¹: T⁻¹ with its first row times det T, no second inverse.
        guard let inverse = prepared.inverse else { return nil }
        let b = BlockView(scaled)
        let q = RationalMatrix(rows: d, columns: d) { i, j in i == 0 ? inverse[i, d + j] * det : inverse[i, d + j] }
        let v = inverse.block(rows: d..<(2 * d), columns: d..<(2 * d))
        // Step 2: Y with E = T11·Y − T12 invertible; small choices first.
        for y in candidateShifts(d, &rng) {
            let e = b.t11 * y - b.t12
            guard let eInverse = e.inverse() else { continue }
            let c = (q + y * v) * eInverse
            // Step 3: H·C = K⁻¹·H·K.
            guard let factors = CommutatorFactorization.factor(c, rng: &rng),
                let result = finish(scaled, b, y: y, e: e, eInverse: eInverse, factors: factors, g1: g1)
            else { continue }
            return result
        }
        return nil
    }

    /// Steps 4–5: `X` makes `T'11 = H`, then the depth-2 sufficient
    /// condition with `P = KE`, `M = H` factors `T' = TΔn⁻¹`.
    static func finish(
        _ scaled: RationalMatrix, _ b: BlockView, y: RationalMatrix, e: RationalMatrix, eInverse: RationalMatrix,
        factors: CommutatorFactorization.Factors, g1: [Rational]
    ) -> UnipotentProduct? {
        let d = b.d
        let (h, hInverse, k) = (factors.h, factors.hInverse, factors.k)
        let x = eInverse * (h - b.t11)
        let nInverse = RationalMatrix.blocks(.identity(d) + y * x, -y, -x, .identity(d))
        let tPrime = BlockView(scaled * nInverse)
        let y1 = k * e
        let z1 = eInverse * factors.kInverse * (h - .identity(d))
        let w1 = hInverse * (tPrime.t12 - y1)
        let x1 = (tPrime.t21 - z1) * hInverse
        return UnipotentProduct(pairs: [(x1, y1), (z1, w1), (x, y)], g1: g1, g2: Array(repeating: .one, count: d))
    }

    /// Signed permutation inputs (det 1, so `Δ = I`): a signed
    /// partial-permutation `Y` makes `E`, `F` and `C` signed permutations;
    /// with `C` in the hyperoctahedral commutator subgroup, `H` and `K` are
    /// found among signed permutations (equal signed cycle types), so every
    /// layer entry stays small. `nil` for other inputs, or when the result
    /// does not multiply back (the general recipe then takes over).
    static func permutationFactor(_ prepared: PreparedMatrix, rng: inout SeededGenerator) -> UnipotentProduct? {
        let t = prepared.matrix
        guard SignedPermutation(t) != nil else { return nil }
        let d = prepared.d
        let ones = [Rational](repeating: .one, count: d)
        let b = prepared.blocks
        let inverse = t.transpose  // t is orthogonal
        let q = inverse.block(rows: 0..<d, columns: d..<(2 * d)), v = inverse.block(rows: d..<(2 * d), columns: d..<(2 * d))
        // Rows of T11 that hold the 1 pick Y's rows; T12's 1s fix E's other rows.
        let t11Rows = (0..<d).compactMap { i in (0..<d).first { !b.t11[i, $0].isZero }.map { (row: i, column: $0) } }
        let taken = Set((0..<d).compactMap { i in (0..<d).first { !b.t12[i, $0].isZero } })
        let free = (0..<d).filter { !taken.contains($0) }
        // C's class is fixed by T, its cycles are not: keep the Y whose
        // offending block (factored by the general recipe) is smallest.
        var best: (y: RationalMatrix, e: RationalMatrix, eInverse: RationalMatrix, c: SignedPermutation, cost: Int)?
        for _ in 0..<64 {
            var y = RationalMatrix.zero(d, d)
            for (slot, target) in zip(t11Rows, free.shuffled(using: &rng)) {
                y[slot.column, target] = rng.next() & 1 == 0 ? .one : -.one
            }
            let e = b.t11 * y - b.t12
            guard let eSigned = SignedPermutation(e) else { continue }
            let eInverse = eSigned.matrix.transpose
            guard let c = SignedPermutation((q + y * v) * eInverse) else { continue }
            let cost = c.isInCommutatorSubgroup ? 0 : (c.offendingCycles?.count ?? Int.max)
            if best == nil || cost < best!.cost { best = (y, e, eInverse, c, cost) }
            if cost <= 2 { break }
        }
        guard let best, let factors = monomialCommutator(best.c, rng: &rng),
            let product = finish(t, b, y: best.y, e: best.e, eInverse: best.eInverse, factors: factors, g1: ones),
            CouplingPair.product(product.couplingPairs()) == t
        else { return nil }
        return product
    }

    /// `H·C = K⁻¹·H·K` for a signed permutation `C` (det 1). Inside the
    /// hyperoctahedral commutator subgroup, `H` and `K` are signed
    /// permutations found by matching signed cycle types (a random search
    /// over `H`, reliable in that class). Otherwise the fewest offending
    /// cycles are split off and factored by the general rational recipe on
    /// their small block; the two solutions combine block-diagonally.
    static func monomialCommutator(_ c: SignedPermutation, rng: inout SeededGenerator) -> CommutatorFactorization.Factors? {
        let d = c.count
        var rest = Array(0..<d), block: [Int] = []
        if !c.isInCommutatorSubgroup {
            guard let offending = c.offendingCycles else { return nil }
            block = offending
            rest = rest.filter { !offending.contains($0) }
        }
        let good = c.restricted(to: rest)
        var goodFactors: (h: SignedPermutation, k: SignedPermutation)? = rest.isEmpty ? (good, good) : nil
        for _ in 0..<(200 * d * d) where goodFactors == nil {
            let h = SignedPermutation.random(rest.count, &rng)
            if let k = SignedPermutation.conjugator(from: h, to: h * good) { goodFactors = (h, k) }
        }
        guard let (h, k) = goodFactors else { return nil }
        var result = CommutatorFactorization.Factors(h: .zero(d, d), hInverse: .zero(d, d), k: .zero(d, d), kInverse: .zero(d, d))
        func place(_ f: CommutatorFactorization.Factors, on coordinates: [Int]) {
            for (a, i) in coordinates.enumerated() {
                for (b, j) in coordinates.enumerated() {
                    result.h[i, j] = f.h[a, b]; result.hInverse[i, j] = f.hInverse[a, b]
                    result.k[i, j] = f.k[a, b]; result.kInverse[i, j] = f.kInverse[a, b]
                }
            }
        }
        if !rest.isEmpty {
            place(
                CommutatorFactorization.Factors(h: h.matrix, hInverse: h.matrix.transpose, k: k.matrix, kInverse: k.matrix.transpose),
                on: rest)
        }
        if !block.isEmpty {
            guard let blockFactors = CommutatorFactorization.factor(c.restricted(to: block).matrix, rng: &rng) else { return nil }
            place(blockFactors, on: block)
        }
        return result
    }

    /// `0`, `±I`, then random small integer matrices: `[T11 T12]` has full
    /// row rank, so almost every `Y` makes `E` invertible.
    static func candidateShifts(_ d: Int, _ rng: inout SeededGenerator) -> [RationalMatrix] {
        var list = [RationalMatrix.zero(d, d), .identity(d), -RationalMatrix.identity(d)]
        for attempt in 0..<32 {
            let spread = 1 + attempt / 4
            list.append(RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -spread...spread)) })
        }
        return list
    }
}
