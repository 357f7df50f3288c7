import CouplingCore
import Foundation

/// Reproducible standard Gaussian matrices from a seed (`SeededGenerator` +
/// Box–Muller), so tests, benchmarks and the decomposer's random choices
/// agree across runs and platforms without depending on a system RNG.
public struct GaussianMatrixSource: Sendable {
    private var generator: SeededGenerator

    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    private mutating func nextWord() -> UInt64 { generator.next() }

    /// Uniform in the open interval (0, 1).
    private mutating func nextUniform() -> Double {
        (Double(nextWord() >> 11) + 0.5) / 9_007_199_254_740_992
    }

    public mutating func nextGaussian() -> Double {
        let r = (-2 * Foundation.log(nextUniform())).squareRoot()
        return r * Foundation.cos(2 * Double.pi * nextUniform())
    }

    /// A `rows × columns` matrix of independent standard Gaussians, filled
    /// row by row (so the first row is the first `columns` draws).
    public mutating func matrix(rows: Int, columns: Int) -> DoubleMatrix {
        var m = DoubleMatrix(rows: rows, columns: columns)
        for i in 0..<rows {
            for j in 0..<columns { m[i, j] = nextGaussian() }
        }
        return m
    }
}
