import Foundation
@testable import FloatCouplingLayers
import FloatLinearAlgebra
import Testing

/// `t / |det t|^{1/2d}`, the unit-determinant input the constructions expect.
private func unit(_ t: DoubleMatrix) -> DoubleMatrix {
    (1 / Foundation.exp2(t.determinantEstimate!.log2Magnitude / Double(t.rows))) * t
}

@Test(arguments: [2, 8, 32])
func hornDepthThreeOnGaussians(d: Int) throws {
    let t = unit(TestMatrices.gaussian(d: d, seed: UInt64(100 + d)))
    let layers = try #require(HornConstruction.depth3(t))
    #expect(layers.count == 3)
    #expect(layers.allSatisfy { $0.B.allSatisfy { $0 > 0 } && $0.C.allSatisfy { $0 > 0 } })
    #expect(FloatResidual.bound(t, layers).value <= 1e-12 * t.frobeniusNorm)
    #expect(layers.map(\.maxAbs).max()! <= 1e2 * t.maxAbs)
}

@Test(arguments: [4, 24])
func hornDepthFourOnGaussians(d: Int) throws {
    let t = unit(TestMatrices.gaussian(d: d, seed: UInt64(200 + d)))
    let layers = try #require(HornConstruction.depth4(t))
    #expect(layers.count == 4)
    #expect(FloatResidual.bound(t, layers).value <= 1e-12 * t.frobeniusNorm)
    #expect(layers.map(\.maxAbs).max()! <= 1e2 * t.maxAbs)
}

/// The dual's leading block `(T⁻¹)22` of the channel swap is zero: depth 3
/// has no orthogonal `C` to find, the shear of depth 4 repairs it.
@Test func hornNeedsTheShearForTheSwap() throws {
    let t = TestMatrices.scalarBlocks(d: 20, 0, 1, 1, 0)
    #expect(HornConstruction.depth3(t) == nil)
    let layers = try #require(HornConstruction.depth4(t))
    #expect(FloatResidual.bound(t, layers).value <= 1e-12 * t.frobeniusNorm)
}

/// At d = 64 the construction alone misses 1e-12 (C is orthogonal only to
/// about κ(T11)κ(E)u); Gauss–Newton refinement brings it under the bar and
/// the default decomposer then stays at depth 3.
@Test func refinementReachesTheBarAtDepthThree() throws {
    let t = unit(TestMatrices.gaussian(d: 64, seed: 7))
    let layers = try #require(HornConstruction.depth3(t))
    let before = FloatDecomposer.relativeResidual(t, layers)
    let refined = LayerRefinement.refine(t, layers, goal: 1e-13, bar: 1e-12, steps: 3, iterations: 24)
    #expect(refined.relativeResidual < before)
    #expect(
        FloatResidual.bound(t, refined.layers).value <= FloatDecomposer.accuracyBar(d: t.rows / 2) * t.frobeniusNorm,
        "before \(before), after \(refined.relativeResidual)")
    let f = try FloatDecomposer.decompose(t)
    #expect(f.depth == 3 && f.method == .horn && f.fallback == nil)
}
