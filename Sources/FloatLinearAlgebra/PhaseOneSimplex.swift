/// Phase-1 simplex in binary64 for `A·x = b, x >= 0`: a dense row-major
/// tableau, rows and columns scaled to unit maximum, Dantzig's rule with
/// Harris's ratio test. Its answer is a proposal: flowproof uses it only to
/// guess which variables are zero, and confirms everything in exact
/// arithmetic (`ExactLinearProgram` in CouplingLayers is the exact,
/// complete version, whose rationals grow with every pivot).
public enum PhaseOneSimplex {
    /// A solution with exact zeros off the positive basic variables, or
    /// `nil` when the phase-1 optimum is not 0 (or the data overflow).
    public static func feasiblePoint(_ a: DoubleMatrix, _ b: [Double]) -> [Double]? {
        let m = a.rows, n = a.columns, width = n + m + 1, rhs = n + m
        // Row-major tableau [A | I | b]; row m holds the phase-1 reduced costs.
        var t = [Double](repeating: 0, count: (m + 1) * width)
        var columnMax = [Double](repeating: 0, count: n)
        for i in 0..<m {
            let row = a.row(i)
            let scale = max(row.map(abs).max() ?? 0, abs(b[i]))
            guard scale.isFinite, scale > 0 else { return nil }
            let flip: Double = b[i] < 0 ? -1 : 1
            for j in 0..<n {
                t[i * width + j] = flip * row[j] / scale
                columnMax[j] = max(columnMax[j], abs(t[i * width + j]))
            }
            t[i * width + n + i] = 1
            t[i * width + rhs] = flip * b[i] / scale
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
