import ExactLinearAlgebra

/// Coefficient rows of linear maps on `d×d` matrices in row-major order.
enum LinearMap {
    /// `M ↦ A·M`: row `(i, j)` has `A[i][l]` at column `(l, j)`.
    static func left(_ a: RationalMatrix) -> [[Rational]] {
        let d = a.rows
        return (0..<(d * d)).map { e in
            var row = [Rational](repeating: .zero, count: d * d)
            for l in 0..<d { row[l * d + e % d] = a[e / d, l] }
            return row
        }
    }

    /// `M ↦ M·B`: row `(i, j)` has `B[l][j]` at column `(i, l)`.
    static func right(_ b: RationalMatrix) -> [[Rational]] {
        let d = b.rows
        return (0..<(d * d)).map { e in
            var row = [Rational](repeating: .zero, count: d * d)
            for l in 0..<d { row[(e / d) * d + l] = b[l, e % d] }
            return row
        }
    }

    /// Row `i` of the identity map on `n` coordinates (the unit vector `e_i`).
    static func unit(_ i: Int, _ n: Int) -> [Rational] { (0..<n).map { $0 == i ? .one : .zero } }

    /// Kernel coefficients tried in order: none, each basis vector, all of
    /// them, then `random` small integer combinations from `seed`.
    static func combinations(_ n: Int, seed: UInt64, random: Int) -> [[Int]] {
        var out: [[Int]] = [[Int](repeating: 0, count: n)]
        guard n > 0 else { return out }
        out += (0..<n).map { c in (0..<n).map { $0 == c ? 1 : 0 } }
        out.append([Int](repeating: 1, count: n))
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<random { out.append((0..<n).map { _ in rng.int(in: -3...3) }) }
        return out
    }
}
