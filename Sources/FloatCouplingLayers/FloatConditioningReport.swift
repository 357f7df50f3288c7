import FloatLinearAlgebra

/// How well conditioned a float factorization is: per layer the largest
/// entry and the 2-norm condition numbers of `L_i` and `U_i`, and the
/// product of all of them, which bounds `κ(T)` from above and measures how
/// much the layers can amplify rounding errors.
///
/// Up to `2d = svdLimit` from the SVD of the `2d × 2d` factor. Above it as
/// `σ_max(F)·σ_max(F⁻¹)`, each by Golub–Kahan–Lanczos on the structured
/// factor (`F⁻¹` is a coupling factor too): `O(d²)` per step instead of
/// the SVD's `O(d³)`, which took 0.2 s of a 2 s run at `d = 256`. A report,
/// not a certificate: nothing rigorous depends on it.
public struct FloatConditioningReport: Sendable {
    public struct Layer: Sendable {
        public let maxAbs: Double
        public let lowerCondition: Double
        public let upperCondition: Double
    }

    public let layers: [Layer]

    /// Largest `2d` whose condition numbers come from a dense SVD.
    public static let svdLimit = 128

    public init(_ pairs: [FloatCouplingPair]) {
        layers = pairs.map { pair in
            guard 2 * pair.d > Self.svdLimit else {
                return Layer(
                    maxAbs: pair.maxAbs, lowerCondition: pair.lowerFactor.conditionNumber,
                    upperCondition: pair.upperFactor.conditionNumber)
            }
            // L(A, B)⁻¹ = L(−B⁻¹A, B⁻¹) and U(C, D)⁻¹ = U(C⁻¹, −C⁻¹D).
            let (inverseB, inverseC) = (pair.B.map { 1 / $0 }, pair.C.map { 1 / $0 })
            let lower = Self.condition(Factor(block: pair.A, diagonal: pair.B, lower: true)) {
                Factor(block: -pair.A.scalingRows(by: inverseB), diagonal: inverseB, lower: true)
            }
            let upper = Self.condition(Factor(block: pair.D, diagonal: pair.C, lower: false)) {
                Factor(block: -pair.D.scalingRows(by: inverseC), diagonal: inverseC, lower: false)
            }
            return Layer(maxAbs: pair.maxAbs, lowerCondition: lower, upperCondition: upper)
        }
    }

    /// `Π_i κ(L_i) κ(U_i)`.
    public var conditionProduct: Double {
        layers.reduce(1) { $0 * $1.lowerCondition * $1.upperCondition }
    }

    public var maxAbs: Double { layers.map(\.maxAbs).max() ?? 0 }

    private static func condition(_ factor: Factor, inverse: () -> Factor) -> Double {
        guard factor.diagonal.allSatisfy({ $0 != 0 && $0.isFinite }) else { return .infinity }
        let c = factor.largestSingularValue * inverse().largestSingularValue
        return c.isNaN ? .infinity : c
    }

    /// `[I 0; M diag(s)]` (`lower`) or `[diag(s) M; 0 I]`, applied to a block
    /// of vectors without forming it.
    struct Factor {
        let block: DoubleMatrix
        let diagonal: [Double]
        let lower: Bool

        var d: Int { diagonal.count }

        func times(_ x: DoubleMatrix) -> DoubleMatrix {
            let (top, bottom) = (x.block(rows: 0..<d, columns: 0..<1), x.block(rows: d..<(2 * d), columns: 0..<1))
            return lower
                ? .vertical([top, block * top + bottom.scalingRows(by: diagonal)])
                : .vertical([top.scalingRows(by: diagonal) + block * bottom, bottom])
        }

        func transposeTimes(_ y: DoubleMatrix) -> DoubleMatrix {
            let (top, bottom) = (y.block(rows: 0..<d, columns: 0..<1), y.block(rows: d..<(2 * d), columns: 0..<1))
            return lower
                ? .vertical([top + block.transposeTimes(bottom), bottom.scalingRows(by: diagonal)])
                : .vertical([top.scalingRows(by: diagonal), block.transposeTimes(top) + bottom])
        }

        /// Golub–Kahan–Lanczos with full reorthogonalization from a seeded
        /// Gaussian start, until `σ_max` of the bidiagonal stops changing (its
        /// Ritz values only grow toward `σ_max(F)`) or the space is invariant.
        var largestSingularValue: Double {
            let n = 2 * d
            let limit = Swift.min(n, 200)
            var source = GaussianMatrixSource(seed: 1)
            var v = source.matrix(rows: n, columns: 1)
            v = (1 / v.frobeniusNorm) * v
            var (us, vs) = ([DoubleMatrix](), [v])
            var (alphas, betas) = ([Double](), [Double]())
            var u = times(v)
            func ritz() -> Double {
                let bidiagonal = DoubleMatrix(rows: alphas.count, columns: alphas.count) { i, j in
                    i == j ? alphas[i] : j == i + 1 ? betas[i] : 0
                }
                return bidiagonal.singularValues?.first ?? .nan
            }
            var estimate = 0.0
            for k in 0..<limit {
                for q in us { u = u - q.transposeTimes(u)[0, 0] * q }
                let alpha = u.frobeniusNorm
                alphas.append(alpha)
                guard alpha > 0 else { return ritz() }
                u = (1 / alpha) * u
                us.append(u)
                var w = transposeTimes(u) - alpha * vs[k]
                for q in vs { w = w - q.transposeTimes(w)[0, 0] * q }
                let beta = w.frobeniusNorm
                if k % 4 == 3 || beta == 0 || k == limit - 1 {
                    let next = ritz()
                    if beta == 0 || Swift.abs(next - estimate) <= 1e-14 * next { return next }
                    estimate = next
                }
                betas.append(beta)
                v = (1 / beta) * w
                vs.append(v)
                u = times(v) - beta * u
            }
            return estimate
        }
    }
}
