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

@Test func inverseCholeskyFactorWhitens() throws {
    var source = GaussianMatrixSource(seed: 3)
    let x = source.matrix(rows: 12, columns: 5)
    let w = try #require(x.transposeTimes(x).inverseCholeskyFactor)
    #expect(((x * w).transposeTimes(x * w) - .identity(5)).maxAbs < 1e-13)
    #expect((0..<5).allSatisfy { j in (j + 1..<5).allSatisfy { w[$0, j] == 0 } })  // upper triangular
    #expect(DoubleMatrix([[1, 2], [2, 1]]).inverseCholeskyFactor == nil)  // indefinite
}

@Test func singleMatrixProductsAgreeWithBinary64() {
    var source = GaussianMatrixSource(seed: 4)
    let (a, b) = (source.matrix(rows: 7, columns: 5), source.matrix(rows: 5, columns: 6))
    let (sa, sb) = (SingleMatrix(a), SingleMatrix(b))
    #expect(((sa * sb).double - a * b).maxAbs < 1e-5)
    #expect((sa.transposeTimes(sa).double - a.transposeTimes(a)).maxAbs < 1e-5)
    #expect((sb.timesTranspose(sb).double - b.timesTranspose(b)).maxAbs < 1e-5)
    var sum = SingleMatrix(rows: 9, columns: 9)
    sum.add(sa, rowOffset: 2, columnOffset: 4)
    #expect(sum.block(rows: 2..<9, columns: 4..<9).double == sa.double)
    #expect(Swift.abs(sum.frobeniusNorm - a.frobeniusNorm) < 1e-6 * a.frobeniusNorm)
}

@Suite struct LevenbergMarquardtTests {
    /// Rosenbrock's valley as residuals `(10(y − x²), 1 − x)`: minimum 0 at (1, 1).
    @Test func findsTheRosenbrockMinimum() {
        let (x, r) = LevenbergMarquardt.minimize(from: [-1.2, 1], options: .init(target: 1e-12)) { p in
            [10 * (p[1] - p[0] * p[0]), 1 - p[0]]
        }
        #expect(LevenbergMarquardt.euclideanNorm(r) < 1e-12)
        #expect(abs(x[0] - 1) < 1e-9 && abs(x[1] - 1) < 1e-9)
    }

    /// `x² + 1` has no zero: the stall rule stops the search well before the
    /// iteration limit, at the least-squares minimum x = 0.
    @Test func stopsWhenNoZeroExists() {
        var calls = 0
        let (x, r) = LevenbergMarquardt.minimize(from: [3], options: .init(iterations: 10_000, stallWindow: 20)) { p in
            calls += 1
            return [p[0] * p[0] + 1]
        }
        #expect(abs(r[0] - 1) < 1e-6 && abs(x[0]) < 1e-3)
        #expect(calls < 2_000)
    }
}

@Suite struct PhaseOneSimplexTests {
    @Test func findsAFeasiblePointOrReportsNone() throws {
        // x1 + x2 + x3 = 2, x1 − x3 = 1: feasible, e.g. (1.5, 0, 0.5).
        let a = DoubleMatrix([[1, 1, 1], [1, 0, -1]])
        let x = try #require(PhaseOneSimplex.feasiblePoint(a, [2, 1]))
        #expect(x.allSatisfy { $0 >= 0 })
        #expect(abs(x[0] + x[1] + x[2] - 2) < 1e-12 && abs(x[0] - x[2] - 1) < 1e-12)
        // x1 + x2 = −1 has no solution with x >= 0.
        #expect(PhaseOneSimplex.feasiblePoint(DoubleMatrix([[1, 1]]), [-1]) == nil)
    }
}

/// `dbdsqr` on the two diagonals gives the dense SVD's values.
@Test func bidiagonalSingularValuesMatchTheDenseSVD() throws {
    var source = GaussianMatrixSource(seed: 3)
    for n in [1, 2, 7, 40] {
        let diagonal = source.matrix(rows: n, columns: 1).entries
        let superdiagonal = Array(source.matrix(rows: n, columns: 1).entries.prefix(n - 1))
        let dense = DoubleMatrix(rows: n, columns: n) { i, j in i == j ? diagonal[i] : j == i + 1 ? superdiagonal[i] : 0 }
        let fast = try #require(DoubleMatrix.bidiagonalSingularValues(diagonal: diagonal, superdiagonal: superdiagonal))
        let reference = try #require(dense.singularValues)
        #expect(zip(fast, reference).allSatisfy { Swift.abs($0 - $1) <= 1e-13 * reference[0] })
    }
    #expect(DoubleMatrix.bidiagonalSingularValues(diagonal: [], superdiagonal: []) == [])
    #expect(DoubleMatrix.bidiagonalSingularValues(diagonal: [1, .nan], superdiagonal: [0]) == nil)
}
