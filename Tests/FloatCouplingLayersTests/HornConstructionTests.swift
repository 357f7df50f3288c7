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

@Test(arguments: [4, 24], [HornConstruction.Shear.right, .left])
func hornDepthFourOnGaussians(d: Int, shear: HornConstruction.Shear) throws {
    let t = unit(TestMatrices.gaussian(d: d, seed: UInt64(200 + d)))
    let layers = try #require(HornConstruction.depth4(t, shear: shear))
    #expect(layers.count == 4)
    #expect(FloatResidual.bound(t, layers).value <= 1e-12 * t.frobeniusNorm)
    #expect(layers.map(\.maxAbs).max()! <= 1e2 * t.maxAbs)
}

/// A unit-determinant `T` whose `(T⁻¹)22` has condition number 1e5 (its
/// smallest singular value shrunk), the block depth 3 cannot change.
private func illConditionedDual(d: Int, seed: UInt64) -> DoubleMatrix {
    var s = TestMatrices.gaussian(d: d, seed: seed)
    let svd = s.block(rows: d..<(2 * d), columns: d..<(2 * d)).singularValueDecomposition!
    var values = svd.s
    values[d - 1] = 1e-5 * values[0]
    let v = svd.u.scalingColumns(by: values) * svd.vt
    for i in 0..<d { for j in 0..<d { s[d + i, d + j] = v[i, j] } }
    var t = s.inverse()!
    if t.determinantEstimate!.sign < 0 { for i in 0..<t.rows { t[i, 0] = -t[i, 0] } }
    return unit(t)
}

/// The right shear repairs `(T⁻¹)22`, the left one `T11`: with an
/// ill-conditioned `(T⁻¹)22` the right shear's layers are better
/// conditioned every time (measured: 5× to 2.5e4×), and far better than
/// depth 3's (1e17..1e22).
@Test(arguments: [16, 32])
func rightShearConditionsTheDualBlock(d: Int) throws {
    var gaps: [Double] = []
    for seed in UInt64(301)...303 {
        let t = illConditionedDual(d: d, seed: seed)
        let right = try #require(HornConstruction.depth4(t, shear: .right))
        let left = try #require(HornConstruction.depth4(t, shear: .left))
        #expect(FloatResidual.bound(t, right).value <= 1e-12 * t.frobeniusNorm)
        let (r, l) = (FloatConditioningReport(right).conditionProduct, FloatConditioningReport(left).conditionProduct)
        #expect(r < l, "seed \(seed): right \(r), left \(l)")
        if let three = HornConstruction.depth3(t) { #expect(1e3 * r < FloatConditioningReport(three).conditionProduct) }
        gaps.append(l / r)
    }
    #expect(gaps.reduce(1, *) >= 1e3, "\(gaps)")
}

/// The default ladder on such a matrix: depth 3 if its residual meets the
/// bar, otherwise depth 4 by the right shear, better conditioned than depth 7.
@Test func ladderTakesTheRightShear() throws {
    let t = illConditionedDual(d: 32, seed: 301)
    let f = try FloatDecomposer.decompose(t)
    #expect(FloatResidual.bound(t, f.layers).value <= FloatDecomposer.accuracyBar(d: 32) * t.frobeniusNorm)
    if f.depth == 4 {
        #expect(f.method == .rightShearHorn, "\(f.fallback ?? "")")
        let seven = try #require(OrthogonalBlockConstruction.layers(t))
        #expect(FloatConditioningReport(f.layers).conditionProduct < FloatConditioningReport(seven).conditionProduct)
    } else {
        #expect(f.depth == 3 && f.method == .horn)
    }
}

/// The dual's leading block `(T⁻¹)22` of the channel swap is zero: depth 3
/// has no orthogonal `C` to find, either shear of depth 4 repairs it.
@Test func hornNeedsTheShearForTheSwap() throws {
    let t = TestMatrices.scalarBlocks(d: 20, 0, 1, 1, 0)
    #expect(HornConstruction.depth3(t) == nil)
    for shear in [HornConstruction.Shear.right, .left] {
        let layers = try #require(HornConstruction.depth4(t, shear: shear))
        #expect(FloatResidual.bound(t, layers).value <= 1e-12 * t.frobeniusNorm)
    }
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

/// LSQR gives up once even its recent rate cannot reach `mustReach`: with an
/// unreachable target it stops after `2·stallWindow` iterations, returning
/// exactly the shorter run's correction; without one it runs on.
@Test func lsqrStopsWhenTheBarIsOutOfReach() throws {
    let t = unit(TestMatrices.gaussian(d: 8, seed: 5))
    let layers = try #require(HornConstruction.depth3(t))
    let jacobian = LayerRefinement.Jacobian(layers)
    var source = GaussianMatrixSource(seed: 9)
    let r = source.matrix(rows: 16, columns: 16)
    let short = LayerRefinement.lsqr(jacobian, r, iterations: 2 * LayerRefinement.stallWindow, tolerance: 0)
    let stopped = LayerRefinement.lsqr(jacobian, r, iterations: 40, tolerance: 0, mustReach: 1e-300)
    let full = LayerRefinement.lsqr(jacobian, r, iterations: 40, tolerance: 0)
    #expect(zip(stopped, short).allSatisfy { $0.entries == $1.entries })
    #expect(!zip(full, short).allSatisfy { $0.entries == $1.entries })
}
