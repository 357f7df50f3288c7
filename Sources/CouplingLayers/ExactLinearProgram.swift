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

extension ExactLinearProgram {
    /// A binary64 solution of `A·x = b, x >= 0` by phase-1 simplex (Dantzig's
    /// rule, rows and columns scaled to unit maximum), with exact zeros off
    /// the positive basic variables, or `nil`. A proposal only: callers
    /// confirm it in exact arithmetic.
    public static func phaseOneBinary64(_ a: RationalMatrix, _ b: [Rational]) -> [Double]? {
        let m = a.rows, n = a.columns, width = n + m + 1, rhs = n + m
        // Row-major tableau [A | I | b]; row m holds the phase-1 reduced costs.
        var t = [Double](repeating: 0, count: (m + 1) * width)
        var columnMax = [Double](repeating: 0, count: n)
        for i in 0..<m {
            let row = (0..<n).map { a[i, $0].doubleValue }
            let scale = max(row.map(abs).max() ?? 0, abs(b[i].doubleValue))
            guard scale.isFinite, scale > 0 else { return nil }
            let flip: Double = b[i].sign < 0 ? -1 : 1
            for j in 0..<n {
                t[i * width + j] = flip * row[j] / scale
                columnMax[j] = max(columnMax[j], abs(t[i * width + j]))
            }
            t[i * width + n + i] = 1
            t[i * width + rhs] = flip * b[i].doubleValue / scale
        }
        for j in 0..<n where columnMax[j] > 0 { for i in 0..<m { t[i * width + j] /= columnMax[j] } }
        for i in 0..<m { for j in 0...rhs where j < n || j == rhs { t[m * width + j] -= t[i * width + j] } }
        var basis = Array(n..<(n + m))
        let tolerance = 1e-9, pivotTolerance = 1e-7
        return t.withUnsafeMutableBufferPointer { t -> [Double]? in
            for _ in 0..<(50 * (m + n)) {
                // Dantzig's rule with Harris's two-pass ratio test (among rows
                // within a small feasibility tolerance of the minimum ratio,
                // the largest pivot); a column without a usable pivot is
                // rounding noise, and the next one is tried.
                let candidates = (0..<(n + m)).filter { t[m * width + $0] < -tolerance }.sorted { t[m * width + $0] < t[m * width + $1] }
                var choice: (entering: Int, row: Int)? = nil
                for e in candidates {
                    var bound = Double.infinity
                    for i in 0..<m where t[i * width + e] > pivotTolerance {
                        bound = min(bound, (t[i * width + rhs] + tolerance) / t[i * width + e])
                    }
                    guard bound < .infinity else { continue }
                    var largest = 0.0
                    for i in 0..<m where t[i * width + e] > pivotTolerance && t[i * width + rhs] / t[i * width + e] <= bound {
                        if t[i * width + e] > largest { largest = t[i * width + e]; choice = (e, i) }
                    }
                    if choice != nil { break }
                }
                guard let (e, r) = choice else { break }
                let pivot = t[r * width + e]
                for j in 0..<width { t[r * width + j] /= pivot }
                for i in 0...m where i != r && t[i * width + e] != 0 {
                    let f = t[i * width + e]
                    for j in 0..<width { t[i * width + j] -= f * t[r * width + j] }
                }
                basis[r] = e
                for i in 0..<m where t[i * width + rhs] < 0 { t[i * width + rhs] = 0 }
            }
            guard abs(t[m * width + rhs]) < 1e-7 else { return nil }
            var x = [Double](repeating: 0, count: n)
            for (i, v) in basis.enumerated() where v < n && t[i * width + rhs] > tolerance {
                x[v] = columnMax[v] > 0 ? t[i * width + rhs] / columnMax[v] : 0
            }
            return x
        }
    }
}
