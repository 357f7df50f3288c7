import FloatLinearAlgebra
import Testing

@Test func productMatchesHandComputation() {
    let a = DoubleMatrix([[1, 2], [3, 4]])
    let b = DoubleMatrix([[5, 6], [7, 8]])
    #expect(a * b == DoubleMatrix([[19, 22], [43, 50]]))
    #expect(a.transpose == DoubleMatrix([[1, 3], [2, 4]]))
    #expect(a + b - b == a)
}

@Test func solveAndInverse() throws {
    let a = DoubleMatrix([[4, 1], [2, 3]])
    let inverse = try #require(a.inverse())
    #expect((a * inverse - .identity(2)).maxAbs < 1e-15)
    #expect(DoubleMatrix([[1, 2], [2, 4]]).inverse() == nil)
}

@Test func determinantSignAndConditioning() throws {
    let swap = DoubleMatrix([[0, 1], [1, 0]])
    #expect(try #require(swap.determinantEstimate).sign == -1)
    let diagonal = DoubleMatrix.diagonal([2, 8])
    let estimate = try #require(diagonal.determinantEstimate)
    #expect(estimate.sign == 1 && abs(estimate.log2Magnitude - 4) < 1e-12)
    #expect(diagonal.singularValues == [8, 2])
    #expect(abs(diagonal.conditionNumber - 4) < 1e-12)
}

@Test func normsAvoidOverflow() {
    let big = DoubleMatrix([[3e200, 4e200]])
    #expect(abs(big.frobeniusNorm / 5e200 - 1) < 1e-15)
    #expect(big.maxAbs == 4e200)
}

@Test func seededGaussiansAreReproducible() {
    var g1 = GaussianMatrixSource(seed: 42)
    var g2 = GaussianMatrixSource(seed: 42)
    #expect(g1.matrix(rows: 3, columns: 3) == g2.matrix(rows: 3, columns: 3))
}
