import CouplingCore
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

/// Against an exact input: the input-rounding term is dropped only when
/// every entry is its own binary64 value, and the bound stays above the
/// exact residual either way.
@Test func boundAgainstExactInput() throws {
    let t = TestMatrices.gaussian(d: 3, seed: 4)
    let layers = try FloatDecomposer.decompose(t).layers
    let exact = RationalMatrix(rows: 6, columns: 6) { Rational(exactly: t[$0, $1])! }
    let product = layers.flatMap { [$0.lowerFactor, $0.upperFactor] }
        .map { f in RationalMatrix(rows: 6, columns: 6) { Rational(exactly: f[$0, $1])! } }
        .reduce(RationalMatrix.identity(6)) { $0 * $1 }
    var offGrid = exact
    offGrid[0, 0] = offGrid[0, 0] + Rational(1, 3) * Rational.powerOfTwo(-40)
    for input in [exact, offGrid] {
        let rounded = DoubleMatrix(rows: 6, columns: 6) { input[$0, $1].nearestDouble }
        let exactSquare = (input - product).entries.reduce(Rational.zero) { $0 + $1 * $1 }
        let bound = FloatResidual.bound(exact: input, rounded: rounded, layers, exactLimit: 0)
        let r = try #require(Rational(exactly: bound.value))
        #expect(bound.method == .compensated && r * r >= exactSquare)
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

/// The one column-block product in both arithmetics: on small integers
/// binary64 is exact, so the two must agree entry for entry, and against
/// the product of the full `2d × 2d` factors.
@Test func bothArithmeticsShareOneProduct() {
    var source = GaussianMatrixSource(seed: 5)
    func integer() -> DoubleMatrix { DoubleMatrix(rows: 3, columns: 3) { _, _ in (2 * source.nextGaussian()).rounded() } }
    func diagonal() -> [Double] { (0..<3).map { _ in [0.5, 1, 2][abs(Int(source.nextGaussian() * 7)) % 3] } }
    let layers = (0..<3).map { _ in FloatCouplingPair(A: integer(), B: diagonal(), C: diagonal(), D: integer()) }
    let product = FloatCouplingPair.product(layers)
    #expect(RationalMatrix(exactly: product) == AffineCouplingPair.product(layers.map(\.exactValue)))
    #expect(product == layers.flatMap { [$0.lowerFactor, $0.upperFactor] }.reduce(.identity(6)) { $0 * $1 })
}
