import Foundation
import FloatLinearAlgebra

/// Where the scale `s` of `T = s·T̃` goes (`FloatDecomposer` factors `T̃`,
/// `det T̃ = 1`): pair `i` takes `σ_i`, `∏σ_i = s`, which is exact because
/// `L(A, σB)·U(σC, σD) = σ·L(A, B)·U(C, D)`.
///
/// Why not all into one pair: `κ(U(σC, σD))` grows like `σ` once `D` is
/// large and `κ(L(A, σB))` like `1/σ` once `A` is, so the pair that takes
/// `s` matters. Measured on Gaussian `T` (scripts/bench-float.py, ∏cond₂ of
/// the layers): at `d = 256` putting `s ≈ 14` into the last pair, as before,
/// gave 1.1e14 at depth 3 and 2.9e14 at depth 7; into the first pair
/// 1.9e12 and 1.4e15; split evenly 7.8e12 and 1.6e13. No fixed rule wins at
/// every depth, so the exponents are chosen per factorization.
///
/// ```swift
/// let scaled = ScaleDistribution.distribute(s, over: layers)   // product s·Π(layers)
/// ```
enum ScaleDistribution {
    /// Lanczos stops at this relative change: the choice needs the condition
    /// numbers to a few digits, not the report's 1e-10 (at depth 7,
    /// d = 256, 1e-6 cost 0.21 s of a 1.5 s run, 1e-3 0.03 s, same choice).
    static let tolerance = 1e-3

    /// Pair `i` gets `s^(j_i/k)` for integers `j_i >= 0` with `Σ j_i = k`
    /// (`k` pairs), minimizing `Σ log κ₂(L_i) + log κ₂(U_i)` by dynamic
    /// programming over the pairs: `k + 1` candidate scales per pair.
    static func distribute(_ s: Double, over layers: [FloatCouplingPair]) -> [FloatCouplingPair] {
        let k = layers.count
        guard k > 1, s != 1 else { return layers.map { scaled($0, by: s) } }
        let scales = (0...k).map { Foundation.pow(s, Double($0) / Double(k)) }
        let costs = layers.map { pair in
            let (lower, upper) = (PairConditioning(block: pair.A, diagonal: pair.B), PairConditioning(block: pair.D, diagonal: pair.C))
            return scales.map { Foundation.log(lower.condition(scale: $0, lower: true) * upper.condition(scale: $0, lower: false)) }
        }
        // best[u] = (cost, exponents) over the pairs so far using u units.
        var best: [(cost: Double, units: [Int])?] = [(0, [])] + Array(repeating: nil, count: k)
        for cost in costs {
            var next: [(cost: Double, units: [Int])?] = Array(repeating: nil, count: k + 1)
            for (used, partial) in best.enumerated() {
                guard let partial else { continue }
                for j in 0...(k - used) {
                    let total = partial.cost + cost[j]
                    if total < next[used + j]?.cost ?? .infinity { next[used + j] = (total, partial.units + [j]) }
                }
            }
            best = next
        }
        // Only an infinite condition number everywhere (a zero diagonal) leaves no choice.
        let units = best[k]?.units ?? Array(repeating: 0, count: k - 1) + [k]
        return zip(layers, units).map { scaled($0, by: scales[$1]) }
    }

    static func scaled(_ pair: FloatCouplingPair, by sigma: Double) -> FloatCouplingPair {
        guard sigma != 1 else { return pair }
        return FloatCouplingPair(A: pair.A, B: pair.B.map { $0 * sigma }, C: pair.C.map { $0 * sigma }, D: sigma * pair.D)
    }

    /// `κ₂` of `L(block, σ·diagonal)` or `U(σ·diagonal, σ·block)` as `σ` varies.
    struct PairConditioning {
        let block: DoubleMatrix
        let diagonal: [Double]
        /// `‖block‖₂` when every `|diagonal_i|` is the same `b`: then the
        /// factor is orthogonally equivalent to `2 × 2` blocks `[1 0; a b]`
        /// (`[b a; 0 1]`) over the singular values `a` of the block, and
        /// `κ₂ = σ_max(a_max, b)² / |b|` exactly (`σ_max·σ_min = |b|` per block).
        let norm: Double?

        init(block: DoubleMatrix, diagonal: [Double]) {
            self.block = block
            self.diagonal = diagonal
            let b = Swift.abs(diagonal.first ?? 1)
            guard diagonal.allSatisfy({ Swift.abs($0) == b }) else {
                norm = nil
                return
            }
            if 2 * block.rows <= FloatConditioningReport.svdLimit {
                norm = block.singularValues?.first
            } else {
                norm = FloatConditioningReport.largestSingularValue(
                    columns: block.columns, tolerance: ScaleDistribution.tolerance, times: { block * $0 },
                    transposeTimes: { block.transposeTimes($0) })
            }
        }

        func condition(scale sigma: Double, lower: Bool) -> Double {
            guard let a = norm, let first = diagonal.first else {
                return FloatConditioningReport.condition(
                    block: lower ? block : sigma * block, diagonal: diagonal.map { $0 * sigma }, lower: lower,
                    tolerance: ScaleDistribution.tolerance)
            }
            // `U(σC, σD)` has blocks `[σc σa; 0 1]`: the same form with `a → σa`.
            let (b, x) = (Swift.abs(first) * sigma, lower ? a : sigma * a)
            // σ_max² = (p + √(p² − 4b²))/2 with p = 1 + x² + b², the
            // discriminant factored to avoid cancellation.
            let p = 1 + x * x + b * b
            let root = ((x * x + (1 - b) * (1 - b)) * (x * x + (1 + b) * (1 + b))).squareRoot()
            return (p + root) / 2 / b
        }
    }
}
