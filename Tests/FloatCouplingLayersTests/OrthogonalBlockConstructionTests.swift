import ExactLinearAlgebra
import FloatCouplingLayers
import FloatLinearAlgebra
import Testing

/// A seeded rotation in SO(d): the Q factor of a Gaussian matrix via SVD.
private func rotation(d: Int, seed: UInt64) -> DoubleMatrix {
    var source = GaussianMatrixSource(seed: seed)
    let svd = source.matrix(rows: d, columns: d).singularValueDecomposition!
    var q = svd.u * svd.vt
    if q.determinantEstimate!.sign < 0 { for i in 0..<d { q[i, 0] = -q[i, 0] } }
    return q
}

private func isOrthogonal(_ q: DoubleMatrix) -> Bool {
    (q.transposeTimes(q) - .identity(q.rows)).maxAbs <= 1e-13
}

@Test(arguments: 1...9)
func orthogonalCommutatorReproducesRotations(d: Int) throws {
    var cases = (UInt64(1)...4).map { rotation(d: d, seed: $0) }
    // Eigenvalue −1 (paired, det = 1) and the identity are the edge cases.
    if d >= 2 { cases.append(.diagonal([-1, -1] + Array(repeating: 1, count: d - 2))) }
    if d % 2 == 0 { cases.append(-DoubleMatrix.identity(d)) }
    cases.append(.identity(d))
    for c in cases {
        let (h, k) = try #require(OrthogonalCommutator.factors(c))
        #expect(isOrthogonal(h) && isOrthogonal(k))
        #expect((h.transposeTimes(k.transposeTimes(h * k)) - c).maxAbs <= 1e-13)
    }
}

/// Product, depth, entries and admissibility of the depth-7 construction.
private func checkConstruction(
    _ t: DoubleMatrix, relative: Double = 1e-12,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let layers = try #require(OrthogonalBlockConstruction.layers(t), sourceLocation: sourceLocation)
    #expect(layers.count == OrthogonalBlockConstruction.depth, sourceLocation: sourceLocation)
    #expect(
        layers.allSatisfy { $0.B.allSatisfy { $0 > 0 } && $0.C.allSatisfy { $0 > 0 } },
        sourceLocation: sourceLocation)
    let bound = FloatResidual.bound(t, layers)
    #expect(
        bound.value <= relative * t.frobeniusNorm, "relative \(bound.value / t.frobeniusNorm)",
        sourceLocation: sourceLocation)
    #expect(layers.map(\.maxAbs).max()! <= 1e3 * t.maxAbs, sourceLocation: sourceLocation)
}

@Test(arguments: [1, 2, 3, 5, 8, 13, 24])
func orthogonalBlocksOnGaussianMatrices(d: Int) throws {
    for seed in UInt64(1)...3 { try checkConstruction(TestMatrices.gaussian(d: d, seed: seed)) }
}

@Test func orthogonalBlocksOnNamedMatrices() throws {
    for d in [1, 2, 3, 4] {
        try checkConstruction(.identity(2 * d))
        try checkConstruction(TestMatrices.scalarBlocks(d: d, 3, 0, 0, 0.5))
    }
    // det = (−1)^d for both, so even d only.
    for d in [2, 4, 6] {
        try checkConstruction(TestMatrices.scalarBlocks(d: d, 1, 2, 1, 1))  // [I 2I; I I]: not in K_2(positive)
        try checkConstruction(TestMatrices.scalarBlocks(d: d, 0, 1, 1, 0))  // channel swap, T11 = 0
    }
    // A determinant of the wrong sign cannot be met: no layers, no crash.
    #expect(OrthogonalBlockConstruction.layers(TestMatrices.scalarBlocks(d: 1, 1, 2, 1, 1)) == nil)
}

/// Through the decomposer: the default above the least-squares limit, and
/// explicit depths (identity pairs pad).
@Test func orthogonalBlocksThroughDecomposer() throws {
    let t = TestMatrices.gaussian(d: 20, seed: 4)
    let f = try FloatDecomposer.decompose(t, depth: 7)
    #expect(f.method == .orthogonalBlocks && f.depth == 7)
    let padded = try FloatDecomposer.decompose(TestMatrices.gaussian(d: 3, seed: 2), depth: 9)
    #expect(padded.method == .orthogonalBlocks && padded.depth == 9)
    #expect(FloatResidual.bound(TestMatrices.gaussian(d: 3, seed: 2), padded.layers).value <= 1e-12 * 10)
}

/// The compensated bound (used above `2d = 128`) is rigorous and sharp:
/// never below the exact residual, and within a factor 2 of it.
@Test(arguments: [2, 6, 12])
func compensatedBoundIsSharp(d: Int) throws {
    let t = TestMatrices.gaussian(d: d, seed: 11)
    let layers = try #require(OrthogonalBlockConstruction.layers(t))
    let exactSquare = FloatResidual.exactSquaredResidual(t, layers)
    let compensated = try #require(Rational(exactly: FloatResidual.bound(t, layers, exactLimit: 0).value))
    #expect(compensated * compensated >= exactSquare)
    #expect(compensated * compensated <= 4 * exactSquare)
}
