import ExactLinearAlgebra

/// Writes `C ∈ SL_d(ℚ)` as a commutator: invertible `H, K` with
/// `H·C = K⁻¹·H·K` (Shoda, Thompson 1961), by the rational recipe of
/// theory §5 step 3.
enum CommutatorFactorization {
    /// `H`, `K` and their inverses.
    struct Factors {
        var h, hInverse, k, kInverse: RationalMatrix

        /// `M⁻¹·F·M` for each factor (conjugation back from `C' = M C M⁻¹`).
        func conjugated(by m: RationalMatrix, inverse mInverse: RationalMatrix) -> Factors {
            Factors(h: mInverse * h * m, hInverse: mInverse * hInverse * m, k: mInverse * k * m, kInverse: mInverse * kInverse * m)
        }
    }

    /// The factors, or `nil` if no attempt succeeded (only possible for
    /// scalar `C ≠ ±I`, which has no rational points with `det = 1`).
    static func factor(_ c: RationalMatrix, rng: inout SeededGenerator, attempts: Int = 64) -> Factors? {
        let d = c.rows
        if c == .identity(d) { return Factors(h: .identity(d), hInverse: .identity(d), k: .identity(d), kInverse: .identity(d)) }
        if c == -RationalMatrix.identity(d), d % 2 == 0 {
            // H = diag(1,-1,2,-2,…), K swaps each pair: K⁻¹HK = −H = HC.
            let diagonal = (0..<d).map { i in Rational(i % 2 == 0 ? i / 2 + 1 : -(i / 2 + 1)) }
            let k = RationalMatrix(rows: d, columns: d) { i, j in j == (i ^ 1) ? .one : .zero }
            return Factors(h: .diagonal(diagonal), hInverse: .diagonal(diagonal.map(\.reciprocal)), k: k, kInverse: k)
        }
        for attempt in 0..<attempts {
            let p = attempt == 0 ? RationalMatrix.identity(d) : randomUnimodular(d, &rng, spread: 1 + attempt / 8)
            guard let pInverse = p.inverse() else { continue }
            if let factors = factorConjugated(p * c * pInverse) {
                return attempt == 0 ? factors : factors.conjugated(by: p, inverse: pInverse)
            }
        }
        return nil
    }

    /// A random invertible matrix `Π·L·U` with unit triangular factors of
    /// small integer entries, so its inverse stays integral and short.
    static func randomUnimodular(_ d: Int, _ rng: inout SeededGenerator, spread: Int) -> RationalMatrix {
        var lower = RationalMatrix.identity(d), upper = RationalMatrix.identity(d)
        for i in 0..<d {
            for j in 0..<i {
                lower[i, j] = Rational(rng.int(in: -spread...spread))
                upper[j, i] = Rational(rng.int(in: -spread...spread))
            }
        }
        var order = Array(0..<d)
        order.shuffle(using: &rng)
        let permutation = RationalMatrix(rows: d, columns: d) { i, j in order[i] == j ? .one : .zero }
        return permutation * lower * upper
    }

    /// The recipe for `C'` whose leading minors `m_1..m_d` are nonzero with
    /// `1, m_1, …, m_{d−1}` pairwise distinct; `nil` otherwise.
    ///
    /// Every matrix involved is triangular up to a permutation, so all
    /// inverses are substitutions: `H' = U⁻¹D`, `H'⁻¹ = D⁻¹U`, and with `S1`
    /// (eigenvectors of `H'`, upper) and `W` (eigenvectors of `DL`, lower),
    /// `K' = S1·Pσᵀ·W⁻¹·U` and `K'⁻¹ = U⁻¹·W·Pσ·S1⁻¹`.
    static func factorConjugated(_ c: RationalMatrix) -> Factors? {
        let d = c.rows
        let minors = c.leadingPrincipalMinors
        guard minors.allSatisfy({ !$0.isZero }) else { return nil }
        let chain = [Rational.one] + minors.dropLast()  // m_0 … m_{d−1}
        guard Set(chain.map(\.description)).count == d else { return nil }
        guard let (lower, upper) = luWithoutPivoting(c) else { return nil }
        let upperInverse = upper.triangularInverse(upper: true)
        let dScale = chain.map(\.reciprocal)
        let hPrime = RationalMatrix(rows: d, columns: d) { i, j in upperInverse[i, j] * dScale[j] }
        let hPrimeInverse = RationalMatrix(rows: d, columns: d) { i, j in chain[i] * upper[i, j] }
        let dl = RationalMatrix(rows: d, columns: d) { i, j in dScale[i] * lower[i, j] }
        // Eigenvectors of the upper triangular H' (eigenvalue at i: 1/m_{i+1}).
        var s1 = RationalMatrix.zero(d, d)
        for i in 0..<d {
            let lambda = hPrime[i, i]
            s1[i, i] = .one
            for j in stride(from: i - 1, through: 0, by: -1) {
                var sum = Rational.zero
                for k in (j + 1)...i { sum += hPrime[j, k] * s1[k, i] }
                s1[j, i] = sum / (lambda - hPrime[j, j])
            }
        }
        // Eigenvectors of the lower triangular DL (eigenvalue at p: 1/m_p).
        var w = RationalMatrix.zero(d, d)
        for p in 0..<d {
            let lambda = dl[p, p]
            w[p, p] = .one
            for j in (p + 1)..<max(d, p + 1) {
                var sum = Rational.zero
                for k in p..<j { sum += dl[j, k] * w[k, p] }
                w[j, p] = -sum / (dl[j, j] - lambda)
            }
        }
        // Both are free up to column scaling (H''s centralizer): primitive
        // integer columns keep K' short.
        s1 = s1.withPrimitiveIntegerColumns()
        w = w.withPrimitiveIntegerColumns()
        // H' column i and DL column σ(i) = (i + 1) mod d share an eigenvalue.
        let shift = RationalMatrix(rows: d, columns: d) { r, i in r == (i + 1) % d ? .one : .zero }
        let k = s1 * shift.transpose * w.triangularInverse(upper: false) * upper
        let kInverse = upperInverse * w * shift * s1.triangularInverse(upper: true)
        return Factors(h: hPrime, hInverse: hPrimeInverse, k: k, kInverse: kInverse)
    }

    /// Doolittle `C = L·U` with unit lower `L`; `nil` on a zero pivot.
    static func luWithoutPivoting(_ c: RationalMatrix) -> (RationalMatrix, RationalMatrix)? {
        let d = c.rows
        var lower = RationalMatrix.identity(d), upper = RationalMatrix.zero(d, d)
        for i in 0..<d {
            for j in i..<d {
                var sum = c[i, j]
                for k in 0..<i { sum -= lower[i, k] * upper[k, j] }
                upper[i, j] = sum
            }
            guard !upper[i, i].isZero else { return nil }
            for j in (i + 1)..<max(d, i + 1) {
                var sum = c[j, i]
                for k in 0..<i { sum -= lower[j, k] * upper[k, i] }
                lower[j, i] = sum / upper[i, i]
            }
        }
        return (lower, upper)
    }
}
