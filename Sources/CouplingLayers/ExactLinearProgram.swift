import ExactLinearAlgebra

/// Exact feasibility of `A·x = b, x >= 0` by phase-1 simplex on rationals
/// with Bland's rule (no cycling, so it always terminates).
///
/// Used for theory §4's `T11 = 0` case: the primal system gives an
/// admissible scaling `Γ`, the Farkas alternative a lower-bound witness.
public enum ExactLinearProgram {
    /// A point `x >= 0` with `A·x = b`, or `nil` if none exists.
    public static func feasiblePoint(_ a: RationalMatrix, _ b: [Rational]) -> [Rational]? {
        let m = a.rows, n = a.columns
        precondition(b.count == m)
        // Tableau rows: [A | I_m | b] with rows negated where b < 0.
        let width = n + m + 1
        var t = [[Rational]](repeating: [Rational](repeating: .zero, count: width), count: m)
        for i in 0..<m {
            let flip = b[i].sign < 0
            for j in 0..<n { t[i][j] = flip ? -a[i, j] : a[i, j] }
            t[i][n + i] = .one
            t[i][width - 1] = flip ? -b[i] : b[i]
        }
        var basis = Array(n..<(n + m))
        // Reduced costs of the phase-1 objective Σ artificials.
        var cost = [Rational](repeating: .zero, count: width)
        for i in 0..<m { for j in 0..<width where j < n || j == width - 1 { cost[j] -= t[i][j] } }
        while true {
            guard let entering = (0..<(n + m)).first(where: { cost[$0].sign < 0 }) else { break }
            var leaving: Int? = nil
            var best = Rational.zero
            for i in 0..<m where t[i][entering].sign > 0 {
                let ratio = t[i][width - 1] / t[i][entering]
                if leaving == nil || ratio < best || (ratio == best && basis[i] < basis[leaving!]) {
                    leaving = i; best = ratio
                }
            }
            guard let row = leaving else { break }  // unbounded: impossible for phase 1
            let pivot = t[row][entering]
            for j in 0..<width where !t[row][j].isZero { t[row][j] = t[row][j] / pivot }
            for i in 0..<m where i != row && !t[i][entering].isZero {
                let f = t[i][entering]
                for j in 0..<width where !t[row][j].isZero { t[i][j] -= f * t[row][j] }
            }
            if !cost[entering].isZero {
                let f = cost[entering]
                for j in 0..<width where !t[row][j].isZero { cost[j] -= f * t[row][j] }
            }
            basis[row] = entering
        }
        guard cost[width - 1].isZero else { return nil }  // optimum Σ artificials > 0
        var x = [Rational](repeating: .zero, count: n)
        for (i, v) in basis.enumerated() where v < n { x[v] = t[i][width - 1] }
        return x
    }
}
