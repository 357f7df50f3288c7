import ExactLinearAlgebra
import FloatLinearAlgebra
import Foundation

/// An exact depth-2 factorization from a numerical solution of the full
/// system (theory §4c) when the solution set holds rational points near it,
/// by successive snapping: fix the coordinate along which the solution set
/// moves most to a simple rational near its value, project the point back
/// onto the solution set, and repeat until the point is isolated; then
/// recover the remaining coordinates as continued-fraction convergents and
/// check the off-diagonal system exactly.
///
/// Why: on permutations the solutions are degenerate, the Krawczyk test
/// does not contract, and yet the solution set is rational. On the `d = 3`
/// depth-2 signed permutations five of five numerical solutions tried
/// snapped to exact points with denominators at most 50. On generic inputs
/// the isolated point is algebraic of higher degree and the convergents
/// fail the exact check, which costs only the attempt (`nil`).
///
/// Coordinates are those of `FullSystemMembership`: `x = (X, U)` row-major,
/// the off-diagonal entries of `M1(X, U)` and `M2(X, U)` the equations.
enum FullSystemRationalPoint {
    /// Denominators of the snapped values, simplest first.
    static let snapDenominators = [1, 2, 3, 4, 6, 8, 16, 32, 64]
    /// Snapped values tried per coordinate.
    static let snapCandidates = 6
    /// A projection counts when `‖F‖` falls below this relative to
    /// `1 + max|x|`, and its coordinates stay below `maximumMagnitude`.
    static let projectionTolerance = 1e-11
    static let maximumMagnitude = 1e6
    /// Largest denominator of a recovered coordinate.
    static let maximumDenominator = 1 << 20

    static func factor(_ t: RationalMatrix, inverse: RationalMatrix, regime: Regime, solution: FullSystemNumerics.Solution)
        -> UnipotentProduct?
    {
        point(t, inverse: inverse, solution: solution).flatMap { product(t, inverse: inverse, regime: regime, point: $0) }
    }

    /// The rational point `(X, U)` snapping and recovery give, unchecked.
    static func point(_ t: RationalMatrix, inverse: RationalMatrix, solution: FullSystemNumerics.Solution) -> [Rational]? {
        let d = t.rows / 2, n = 2 * d * d
        guard d <= FullSystemMembership.maximumD else { return nil }
        let numerics = FullSystemNumerics.Blocks(unitScalings: t, inverse: inverse)
        let equations = FullSystemMembership.offDiagonals(d)
        var x = solution.membershipPoint
        // The scalings are the diagonals (`F = M − I` at unit scalings); a
        // snap must keep their signs and keep them off 0, which the
        // off-diagonal equations alone do not see (the d = 3 permutations
        // have exact off-diagonal solutions with a zero diagonal nearby).
        let diagonal = FullSystemMembership.diagonals(d).map(\.0)
        let signs = diagonal.map { (numerics.residual(x)[$0] + 1).sign }
        let admissible = { (y: [Double]) -> Bool in
            let f = numerics.residual(y), scale = 1 + (y.map(abs).max() ?? 0)
            return zip(diagonal, signs).allSatisfy { e, sign in
                let value = f[e] + 1
                return value.sign == sign && abs(value) > 1e-6 / scale
            }
        }
        guard admissible(x) else { return nil }
        var snapped: [Int: Rational] = [:]
        var free = Array(0..<n)
        while let c = mostMobile(numerics, equations, x, free: free) {
            let others = free.filter { $0 != c }
            var accepted = false
            for q in candidates(x[c]) {
                var y = x
                y[c] = q.doubleValue
                guard let projected = project(numerics, equations, y, free: others), admissible(projected) else { continue }
                (x, snapped[c], free, accepted) = (projected, q, others, true)
                break
            }
            guard accepted else { return nil }
        }
        var point = [Rational](repeating: .zero, count: n)
        for k in 0..<n {
            guard let q = snapped[k] ?? convergent(x[k], tolerance: 1e-9 * Swift.max(1, abs(x[k]))) else { return nil }
            point[k] = q
        }
        return point
    }

    /// The free coordinate with the largest component in the null space of
    /// `∂F/∂x_free` at `x` (the tangent space of the solution set), nil when
    /// the point is isolated.
    static func mostMobile(_ b: FullSystemNumerics.Blocks, _ equations: [Int], _ x: [Double], free: [Int]) -> Int? {
        let n = free.count
        guard n > 0, let (svd, size) = jacobianSVD(b, equations, x, free: free), let largest = svd.s.first, largest > 0 else {
            return nil
        }
        let rank = svd.s.filter { $0 > 1e-9 * largest }.count
        guard rank < n else { return nil }
        // With more equations than free coordinates the padding adds null
        // directions outside the first n coordinates only, so these sums
        // are still the diagonal of the projector onto the null space.
        let weight = (0..<n).map { c in (rank..<size).reduce(0.0) { $0 + svd.vt[$1, c] * svd.vt[$1, c] } }
        return free[weight.indices.max { weight[$0] < weight[$1] }!]
    }

    /// The SVD of `∂F/∂x_free` (rows: `equations`) padded with zeros to a
    /// square of side `max(rows, columns)` (the LAPACK driver here is square).
    static func jacobianSVD(_ b: FullSystemNumerics.Blocks, _ equations: [Int], _ x: [Double], free: [Int])
        -> (svd: (u: DoubleMatrix, s: [Double], vt: DoubleMatrix), size: Int)?
    {
        let j = b.jacobian(x), (m, n) = (equations.count, free.count), size = Swift.max(m, n)
        let padded = DoubleMatrix(rows: size, columns: size) { i, c in i < m && c < n ? j[equations[i], free[c]] : 0 }
        return padded.singularValueDecomposition.map { ($0, size) }
    }

    /// Rationals near `v`: the value itself when it is a convergent with
    /// denominator at most 1024 (d = 4 permutations have coordinates like
    /// −133/18 that no other value of a snap can replace), then those with
    /// small denominators, exact ones first, then by `|p| + q`.
    static func candidates(_ v: Double) -> [Rational] {
        let small = smallDenominators(v)
        guard let own = convergent(v, tolerance: 1e-9 * Swift.max(1, abs(v)), maximumDenominator: 1024) else { return small }
        return [own] + small.filter { $0 != own }.prefix(snapCandidates - 1)
    }

    static func smallDenominators(_ v: Double) -> [Rational] {
        guard v.isFinite, abs(v) < maximumMagnitude else { return [] }
        var seen: [(p: Int, q: Int)] = []
        for q in snapDenominators {
            var p = Int((v * Double(q)).rounded())
            // In lowest terms, so that equal values compare equal.
            var (a, b) = (abs(p), q)
            while b != 0 { (a, b) = (b, a % b) }
            let g = Swift.max(a, 1)
            p /= g
            if !seen.contains(where: { $0.p == p && $0.q == q / g }) { seen.append((p, q / g)) }
        }
        func key(_ r: (p: Int, q: Int)) -> (Int, Int) { (abs(Double(r.p) / Double(r.q) - v) > 1e-9 ? 1 : 0, abs(r.p) + r.q) }
        return seen.sorted { key($0) < key($1) }.prefix(snapCandidates).map { Rational($0.p, $0.q) }
    }

    /// Minimum-norm Gauss–Newton on the off-diagonal equations in the `free`
    /// coordinates (the others held); the point when it converges.
    static func project(_ b: FullSystemNumerics.Blocks, _ equations: [Int], _ start: [Double], free: [Int]) -> [Double]? {
        var x = start
        let m = equations.count
        for _ in 0..<60 {
            let f = b.residual(x)
            let norm = LevenbergMarquardt.euclideanNorm(equations.map { f[$0] })
            let scale = 1 + (x.map(abs).max() ?? 0)
            guard norm.isFinite, scale < maximumMagnitude else { return nil }
            if norm < projectionTolerance * scale { return x }
            // Least squares by a truncated SVD (relative cutoff 1e-12): on
            // degenerate solution sets the equations are dependent, and a
            // regularized normal-equation step stalled there.
            guard let (svd, size) = jacobianSVD(b, equations, x, free: free), let largest = svd.s.first else { return nil }
            var coefficients = [Double](repeating: 0, count: size)
            for r in 0..<size where svd.s[r] > 1e-12 * largest {
                coefficients[r] = (0..<m).reduce(0.0) { $0 + svd.u[$1, r] * f[equations[$1]] } / svd.s[r]
            }
            let step = DoubleMatrix(rows: free.count, columns: 1) { a, _ in
                (0..<size).reduce(0.0) { $0 + svd.vt[$1, a] * coefficients[$1] }
            }
            for (a, k) in free.enumerated() { x[k] -= step[a, 0] }
        }
        return nil
    }

    /// The first continued-fraction convergent of `v` within `tolerance`,
    /// nil if none has a denominator up to `maximumDenominator`.
    static func convergent(_ v: Double, tolerance: Double, maximumDenominator: Int = maximumDenominator) -> Rational? {
        guard v.isFinite, abs(v) < maximumMagnitude else { return nil }
        var (p0, q0, p1, q1) = (0, 1, 1, 0)
        var r = v
        for _ in 0..<64 {
            let a = r.rounded(.down)
            guard abs(a) < 1e12 else { return nil }
            // No overflow: a partial quotient after p1/q1 is about
            // 1/(q1²·|v − p1/q1|) <= 1e10/q1² (binary64 spacing at |v| < 1e6),
            // so a·p1 stays below about 1e16.
            let ai = Int(a)
            let (p, q) = (ai * p1 + p0, ai * q1 + q0)
            guard q <= maximumDenominator else { return nil }
            if abs(Double(p) / Double(q) - v) <= tolerance { return Rational(p, q) }
            (p0, q0, p1, q1) = (p1, q1, p, q)
            let fraction = r - a
            guard fraction > 0 else { return nil }
            r = 1 / fraction
        }
        return nil
    }

    /// The depth-2 product of an exact solution `x = (X, U)`:
    /// `ε̄ = diag(M1)`, `δ = diag(M2)`, `W = diag(δ)⁻¹·U·diag(ε̄)⁻¹`,
    /// `Q = T·diag(δ, 1/ε̄)`, `Y, Z` the off-diagonal blocks of
    /// `N−(−X)·Q·N+(−W)`; nil unless the off-diagonal entries vanish and the
    /// diagonals are admissible. The caller multiplies back.
    static func product(_ t: RationalMatrix, inverse: RationalMatrix, regime: Regime, point: [Rational]) -> UnipotentProduct? {
        let d = t.rows / 2
        let system = FullSystemMembership.System(t, inverse: inverse)
        let values = system.values(point)
        guard FullSystemMembership.offDiagonals(d).allSatisfy({ values[$0].isZero }) else { return nil }
        let epsilonBar = (0..<d).map { values[$0 * d + $0] }, delta = (0..<d).map { values[d * d + $0 * d + $0] }
        guard regime.admitsAll(epsilonBar), regime.admitsAll(delta) else { return nil }
        let (x, u) = system.unknowns(point)
        let w = RationalMatrix(rows: d, columns: d) { i, j in u[i, j] / (delta[i] * epsilonBar[j]) }
        let q = t * .diagonal(delta + epsilonBar.map(\.reciprocal))
        let one = RationalMatrix.identity(d), zero = RationalMatrix.zero(d, d)
        let middle = RationalMatrix.blocks(one, zero, -x, one) * q * RationalMatrix.blocks(one, -w, zero, one)
        let y = middle.block(rows: 0..<d, columns: d..<(2 * d)), z = middle.block(rows: d..<(2 * d), columns: 0..<d)
        return UnipotentProduct(pairs: [(x, y), (z, w)], g1: delta.map(\.reciprocal), g2: epsilonBar)
    }
}
