import FloatLinearAlgebra
import Foundation
import Testing

@testable import FloatCouplingLayers

private func randomPair(d: Int, seed: UInt64, constantDiagonals: Bool, blockScale: Double) -> FloatCouplingPair {
    var source = GaussianMatrixSource(seed: seed)
    let signs = (0..<d).map { $0 % 3 == 1 ? -1.0 : 1.0 }
    let b = constantDiagonals ? signs.map { 0.7 * $0 } : (0..<d).map { 0.3 + Double($0 % 5) }
    let c = constantDiagonals ? signs.map { 1.9 * $0 } : (0..<d).map { 2 - Double($0 % 4) / 3 }
    return FloatCouplingPair(
        A: blockScale * source.matrix(rows: d, columns: d), B: b, C: c,
        D: blockScale * source.matrix(rows: d, columns: d))
}

/// The closed form `σ_max(a, b)²/|b|` for diagonals of constant modulus
/// (either sign) is the dense SVD's condition number, at every scale.
@Test(arguments: [1, 3, 8])
func closedFormMatchesSVD(d: Int) throws {
    for (seed, blockScale) in [(UInt64(1), 0.01), (2, 1), (3, 40)] {
        let pair = randomPair(d: d, seed: seed, constantDiagonals: true, blockScale: blockScale)
        let lower = ScaleDistribution.PairConditioning(block: pair.A, diagonal: pair.B)
        let upper = ScaleDistribution.PairConditioning(block: pair.D, diagonal: pair.C)
        #expect(lower.norm != nil && upper.norm != nil)
        for sigma in [1e-3, 0.5, 1, 7, 1e4] {
            let scaled = ScaleDistribution.scaled(pair, by: sigma)
            let expected = [scaled.lowerFactor.conditionNumber, scaled.upperFactor.conditionNumber]
            let closed = [lower.condition(scale: sigma, lower: true), upper.condition(scale: sigma, lower: false)]
            for (c, e) in zip(closed, expected) {
                #expect(Swift.abs(c - e) <= 1e-9 * e, "d \(d) σ \(sigma): \(c) vs \(e)")
            }
        }
    }
}

/// The product is `s` times the unit product, and no fixed placement on the
/// grid (all of `s` in one pair, or `s^(1/k)` in each) conditions better.
@Test(arguments: [2, 3, 7])
func distributionIsExactAndNoWorseThanFixedRules(k: Int) throws {
    let d = 4
    let layers = (0..<k).map {
        randomPair(d: d, seed: 10 + UInt64($0), constantDiagonals: $0 % 2 == 0, blockScale: $0 == k - 1 ? 30 : 1)
    }
    let unit = FloatCouplingPair.product(layers)
    for s in [13.7, 0.02] {
        let chosen = ScaleDistribution.distribute(s, over: layers)
        let residual = (s * unit - FloatCouplingPair.product(chosen)).frobeniusNorm / (s * unit).frobeniusNorm
        #expect(residual <= 1e-13, "residual \(residual)")
        let product = FloatConditioningReport(chosen).conditionProduct
        var rules = (0..<k).map { i in layers.indices.map { $0 == i ? s : 1 } }
        rules.append(Array(repeating: Foundation.pow(s, 1 / Double(k)), count: k))
        for rule in rules {
            let fixed = FloatConditioningReport(zip(layers, rule).map { ScaleDistribution.scaled($0, by: $1) })
            #expect(product <= fixed.conditionProduct * (1 + 1e-9), "\(product) vs \(rule): \(fixed.conditionProduct)")
        }
    }
    // One pair takes everything; no scale leaves the layers alone.
    let single = ScaleDistribution.distribute(3, over: [layers[0]])
    #expect(single[0].D == 3 * layers[0].D && single[0].B == layers[0].B.map { 3 * $0 } && single[0].A == layers[0].A)
    #expect(ScaleDistribution.distribute(1, over: layers).map(\.D) == layers.map(\.D))
}

/// Above `svdLimit` the block norm comes from Lanczos (stopped at
/// `ScaleDistribution.tolerance`), and the closed form still agrees with the
/// structured condition number to the digits the choice needs.
@Test func closedFormAboveTheSVDLimit() throws {
    let d = FloatConditioningReport.svdLimit / 2 + 8
    let pair = randomPair(d: d, seed: 4, constantDiagonals: true, blockScale: 3)
    let upper = ScaleDistribution.PairConditioning(block: pair.D, diagonal: pair.C)
    let sigma = 5.0
    let direct = FloatConditioningReport.condition(block: sigma * pair.D, diagonal: pair.C.map { $0 * sigma }, lower: false)
    let closed = upper.condition(scale: sigma, lower: false)
    #expect(Swift.abs(closed - direct) <= 1e-6 * direct, "\(closed) vs \(direct)")
}
