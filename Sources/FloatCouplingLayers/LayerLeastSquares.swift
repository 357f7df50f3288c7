import Foundation
import FloatLinearAlgebra

/// Levenberg–Marquardt on all layer parameters of a depth-`k` product,
/// fitting `L(A1,e^{b1}) U(e^{c1},D1) ⋯ = T` from a small random start.
///
/// Why: theory.md §6 reports that the §5 construction is ill-conditioned in
/// binary64 while least squares finds factorizations with every parameter
/// `O(1)`; measured here too (d ≤ 16: residual ~1e-16, entries < 10). The
/// diagonals are parametrized as `exp`, so both regimes are satisfied by
/// construction. The Jacobian is dense (`4d² × k(2d²+2d)`), so this is for
/// small `d` only; `FloatDecomposer.denseLimit` sets the cut-off.
struct LayerLeastSquares {
    let d: Int
    let depth: Int

    var n: Int { 2 * d }
    var parametersPerLayer: Int { 2 * d * d + 2 * d }
    var parameterCount: Int { depth * parametersPerLayer }

    /// Layers from a flat parameter vector `[A (column-major), b, c, D]` per layer.
    func layers(_ p: [Double]) -> [FloatCouplingPair] {
        (0..<depth).map { layer in
            let o = layer * parametersPerLayer
            let dd = d * d
            let a = DoubleMatrix(rows: d, columns: d, columnMajor: Array(p[o..<(o + dd)]))
            let b = p[(o + dd)..<(o + dd + d)].map { Foundation.exp($0) }
            let c = p[(o + dd + d)..<(o + dd + 2 * d)].map { Foundation.exp($0) }
            let dm = DoubleMatrix(
                rows: d, columns: d,
                columnMajor: Array(p[(o + dd + 2 * d)..<(o + 2 * dd + 2 * d)]))
            return FloatCouplingPair(A: a, B: b, C: c, D: dm)
        }
    }

    /// Factor matrices `L1, U1, ..., Lk, Uk` of the current layers.
    private func factors(_ layers: [FloatCouplingPair]) -> [DoubleMatrix] {
        layers.flatMap { [$0.lowerFactor, $0.upperFactor] }
    }

    /// The Jacobian of `vec(product)` (column-major) with respect to `p`.
    /// Every parameter moves one entry of one factor, so its column is the
    /// outer product of a column of the prefix product and a row of the
    /// suffix product.
    private func jacobian(_ layers: [FloatCouplingPair]) -> DoubleMatrix {
        let f = factors(layers)
        var prefix = [DoubleMatrix.identity(n)]
        for m in f.dropLast() { prefix.append(prefix.last! * m) }
        var suffix = [DoubleMatrix.identity(n)]
        for m in f.dropFirst().reversed() { suffix.append(m * suffix.last!) }
        suffix.reverse()
        var jac = DoubleMatrix(rows: n * n, columns: parameterCount)
        var column = 0
        func addOuter(_ pre: DoubleMatrix, _ i: Int, _ post: DoubleMatrix, _ j: Int, _ scale: Double) {
            jac.setColumnToOuterProduct(column, scale: scale, pre, column: i, post, row: j)
            column += 1
        }
        for (layer, pair) in layers.enumerated() {
            let (preL, postL) = (prefix[2 * layer], suffix[2 * layer])
            let (preU, postU) = (prefix[2 * layer + 1], suffix[2 * layer + 1])
            for b in 0..<d { for a in 0..<d { addOuter(preL, d + a, postL, b, 1) } }
            for a in 0..<d { addOuter(preL, d + a, postL, d + a, pair.B[a]) }
            for a in 0..<d { addOuter(preU, a, postU, a, pair.C[a]) }
            for b in 0..<d { for a in 0..<d { addOuter(preU, a, postU, d + b, 1) } }
        }
        return jac
    }

    private func residual(_ p: [Double], _ t: DoubleMatrix) -> DoubleMatrix {
        let r = FloatCouplingPair.product(layers(p)) - t
        return DoubleMatrix(rows: n * n, columns: 1, columnMajor: r.entries)
    }

    /// Minimizes `‖product − t‖_F` from a seeded start; returns the best
    /// parameters and their relative residual. Stops at `tolerance`, or once
    /// below `acceptable` when a step no longer halves the residual (the
    /// rounding floor of the product has been reached).
    func fit(_ t: DoubleMatrix, seed: UInt64, tolerance: Double, acceptable: Double, maxIterations: Int)
        -> (parameters: [Double], relativeResidual: Double)
    {
        var source = GaussianMatrixSource(seed: seed)
        var p = (0..<parameterCount).map { _ in 0.3 * source.nextGaussian() }
        let scale = t.frobeniusNorm
        var r = residual(p, t)
        var norm = r.frobeniusNorm
        var mu = -1.0
        var iteration = 0
        while iteration < maxIterations, norm > tolerance * scale {
            iteration += 1
            let previous = norm
            let jac = jacobian(layers(p))
            let gram = jac.timesTranspose(jac)
            if mu < 0 { mu = 1e-3 * (gram.diagonalEntries.max() ?? 1) }
            var improved = false
            while !improved && mu < 1e30 {
                var damped = gram
                for i in 0..<damped.rows { damped[i, i] += mu }
                guard let y = damped.solve(r) else { mu *= 10; continue }
                let step = jac.transposeTimes(y)
                let candidate = zip(p, step.entries).map { $0 - $1 }
                let rc = residual(candidate, t)
                let nc = rc.frobeniusNorm
                if nc.isFinite, nc < norm {
                    p = candidate
                    r = rc
                    norm = nc
                    mu = Swift.max(mu / 3, 1e-20)
                    improved = true
                } else {
                    mu *= 4
                }
            }
            if !improved || (norm <= acceptable * scale && norm > 0.5 * previous) { break }
        }
        return (p, norm / scale)
    }
}
