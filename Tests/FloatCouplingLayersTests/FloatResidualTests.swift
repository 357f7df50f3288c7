import ExactLinearAlgebra
import FloatCouplingLayers
import FloatLinearAlgebra
import Testing

/// The certified bound must never be below the exact residual.
@Test(arguments: 1...4)
func boundsNeverUnderestimate(d: Int) throws {
    for seed in UInt64(1)...3 {
        let t = TestMatrices.gaussian(d: d, seed: seed)
        let f = try FloatDecomposer.decompose(t, seed: seed)
        let exactSquare = FloatResidual.exactSquaredResidual(t, f.layers)
        for limit in [FloatResidual.defaultExactLimit, 0] {
            let bound = FloatResidual.bound(t, f.layers, exactLimit: limit)
            let r = try #require(Rational(exactly: bound.value))
            #expect(r * r >= exactSquare, "d=\(d) seed=\(seed) \(bound.method)")
        }
    }
}

/// Layers that are deliberately off still get an honest bound.
@Test func boundsCoverPerturbedLayers() throws {
    let t = TestMatrices.gaussian(d: 2, seed: 9)
    var layers = try FloatDecomposer.decompose(t).layers
    layers[1].D[0, 1] += 1e-3
    let exactSquare = FloatResidual.exactSquaredResidual(t, layers)
    for limit in [FloatResidual.defaultExactLimit, 0] {
        let r = try #require(Rational(exactly: FloatResidual.bound(t, layers, exactLimit: limit).value))
        #expect(r * r >= exactSquare)
        #expect(r * r <= exactSquare * Rational(11, 10) * Rational(11, 10))
    }
}

@Test func squareRootUpIsTight() throws {
    let two = Rational(2)
    let r = try #require(Rational(exactly: 2.0.squareRoot().nextUp))
    #expect(r * r >= two)
    #expect(FloatResidual.bound(.identity(2), [.identity(1)]).value == 0)
}
