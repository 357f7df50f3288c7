import ExactLinearAlgebra

/// An exact depth-2 factorization for singular `T11` from rational
/// scalings `Δ` (theory §4c): §4.5's construction carried over with the
/// conditions of `NullSpaceIntertwiner`, all linear once `Δ` is fixed. With
/// `Q = TΔ`, `R = Q⁻¹` and `Q = N−(X)N+(P)N−(Z)N+(W)`:
///
/// 1. `(P, W)` from `Q11·W + P = Q12`, `W·R22 + P = −R12` and, per null
///    vector, `P·Q21·r0 = −r0` (`Q11·r0 = 0`) and `ℓᵀR21·P = ℓᵀ`
///    (`ℓᵀR22 = 0`), which make the equations for `X` solvable; `P` is
///    the particular solution or a small integer combination with the
///    kernel, the first invertible one that completes;
/// 2. `Z = P⁻¹(Q11 − I)`, `X` from `X·Q11 = Q21 − Z`, `R22·X = −R21 − Z`;
/// 3. `X` and `W` are fixed only up to directions killed by `Q11` (and
///    `R22`); along them `Q22 = Q21·W + X·P + I` is linear, which fixes them.
///
/// Why: on structured products of two pairs (`T11` of rank 3 at d = 6) the
/// full system's Jacobian drops rank, no Krawczyk box contracts and the
/// rational points of `FullSystemRationalPoint` are not where snapping
/// lands, yet the numerical scalings are rational up to the symmetry
/// `δ → tδ, γ → γ/t`. `nil` proves nothing; the caller multiplies back.
enum NullSpaceConstruction {
    /// Work budget: the joint system for `(P, W)` has `2d²` unknowns.
    static let maximumD = 12

    /// Rational `(Δ1, Δ2)` near binary64 scalings `(δ, γ)` of a full-system
    /// solution, as given and normalized by each `δ_k` (the symmetry
    /// `δ → tδ, γ → γ/t`): continued-fraction convergents with
    /// denominators up to 1024 within `1e-7` relative, and `det(TΔ) = 1`.
    static func scalingCandidates(_ scalings: [Double], determinant: Rational) -> [([Rational], [Rational])] {
        let d = scalings.count / 2
        return ScalingSnap.candidates(delta1: Array(scalings[0..<d]), delta2: Array(scalings[d...])) { v in
            FullSystemRationalPoint.convergent(v, tolerance: 1e-7 * Swift.max(1, abs(v)), maximumDenominator: 1024)
        }.filter { ($0.0 + $0.1).reduce(determinant, *) == .one }
    }

    static func factor(_ t: RationalMatrix, inverse: RationalMatrix, delta1: [Rational], delta2: [Rational], regime: Regime)
        -> UnipotentProduct?
    {
        let d = t.rows / 2
        guard d <= maximumD, delta1.count == d, delta2.count == d, regime.admitsAll(delta1), regime.admitsAll(delta2)
        else { return nil }
        let scale = delta1 + delta2
        let q = t * .diagonal(scale)
        let r = RationalMatrix.diagonal(scale.map(\.reciprocal)) * inverse
        let (low, high) = (0..<d, d..<(2 * d))
        let (q11, q12, q21, q22) = (
            q.block(rows: low, columns: low), q.block(rows: low, columns: high), q.block(rows: high, columns: low),
            q.block(rows: high, columns: high)
        )
        let (r12, r21, r22) = (r.block(rows: low, columns: high), r.block(rows: high, columns: low), r.block(rows: high, columns: high))
        let one = RationalMatrix.identity(d), m = d * d
        let (leftQ11, rightQ11, leftR22, rightR22) = (LinearMap.left(q11), LinearMap.right(q11), LinearMap.left(r22), LinearMap.right(r22))
        // 1. (P, W), row-major, P first.
        var rows: [[Rational]] = [], rhs: [Rational] = []
        let zero = [Rational](repeating: .zero, count: m)
        for (i, row) in leftQ11.enumerated() {
            rows.append(LinearMap.unit(i, m) + row)
            rhs.append(q12.entries[i])
        }
        for (i, row) in rightR22.enumerated() {
            rows.append(LinearMap.unit(i, m) + row)
            rhs.append(-r12.entries[i])
        }
        let nullQ11 = q11.kernelBasis(), nullR22 = r22.transpose.kernelBasis()
        for c in 0..<nullQ11.columns {
            let r0 = (0..<d).map { nullQ11[$0, c] }, v = (0..<d).map { i in (0..<d).reduce(Rational.zero) { $0 + q21[i, $1] * r0[$1] } }
            for i in 0..<d {
                var row = zero
                for l in 0..<d { row[i * d + l] = v[l] }
                rows.append(row + zero)
                rhs.append(-r0[i])
            }
        }
        for c in 0..<nullR22.columns {
            let l0 = (0..<d).map { nullR22[$0, c] }, v = (0..<d).map { j in (0..<d).reduce(Rational.zero) { $0 + l0[$1] * r21[$1, j] } }
            for j in 0..<d {
                var row = zero
                for l in 0..<d { row[l * d + j] = v[l] }
                rows.append(row + zero)
                rhs.append(l0[j])
            }
        }
        let system = RationalMatrix(rows: rows.count, columns: 2 * m) { rows[$0][$1] }
        guard let particular = system.particularSolution(rhs) else { return nil }
        let kernel = system.kernelBasis()
        // W-only and X-only directions, fixed in step 3.
        let freeW = RationalMatrix(rows: 2 * m, columns: m) { i, c in i < m ? leftQ11[i][c] : rightR22[i - m][c] }.kernelBasis()
        let xSystem = RationalMatrix(rows: 2 * m, columns: m) { i, c in i < m ? rightQ11[i][c] : leftR22[i - m][c] }
        let freeX = xSystem.kernelBasis()
        for coefficients in LinearMap.combinations(kernel.columns, seed: 0x6e73, random: 16) {
            let vector = (0..<(2 * m)).map { i in
                coefficients.enumerated().reduce(particular[i]) { $0 + Rational($1.element) * kernel[i, $1.offset] }
            }
            let p = RationalMatrix(rows: d, columns: d) { vector[$0 * d + $1] }
            let w0 = RationalMatrix(rows: d, columns: d) { vector[m + $0 * d + $1] }
            guard let pInverse = p.inverse() else { continue }
            let z = pInverse * (q11 - one)
            // 2. X·Q11 = Q21 − Z, R22·X = −R21 − Z.
            guard let x0 = xSystem.particularSolution((q21 - z).entries + (-r21 - z).entries) else { continue }
            // 3. X·P + Q21·W = Q22 − I along the free directions.
            let x0m = RationalMatrix(rows: d, columns: d) { x0[$0 * d + $1] }
            let target = (q22 - one - x0m * p - q21 * w0).entries
            let directionsX = (0..<freeX.columns).map { c in RationalMatrix(rows: d, columns: d) { freeX[$0 * d + $1, c] } }
            let directionsW = (0..<freeW.columns).map { c in RationalMatrix(rows: d, columns: d) { freeW[$0 * d + $1, c] } }
            let columns = directionsX.map { ($0 * p).entries } + directionsW.map { (q21 * $0).entries }
            let fit = RationalMatrix(rows: m, columns: columns.count) { columns[$1][$0] }
            guard let s = columns.isEmpty ? (target.allSatisfy(\.isZero) ? [] : nil) : fit.particularSolution(target) else { continue }
            var (x, w) = (x0m, w0)
            for (k, direction) in directionsX.enumerated() { x = x + s[k] * direction }
            for (k, direction) in directionsW.enumerated() { w = w + s[directionsX.count + k] * direction }
            return UnipotentProduct(pairs: [(x, p), (z, w)], g1: delta1.map(\.reciprocal), g2: delta2.map(\.reciprocal))
        }
        return nil
    }
}
