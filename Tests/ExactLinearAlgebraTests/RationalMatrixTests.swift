import Testing
import ExactLinearAlgebra

@Suite struct RationalMatrixTests {
    /// A seeded random rational matrix (SplitMix64 inline to keep this test
    /// target independent of CouplingLayers).
    static func random(_ rows: Int, _ columns: Int, seed: inout UInt64) -> RationalMatrix {
        func next() -> UInt64 {
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return RationalMatrix(rows: rows, columns: columns) { _, _ in
            Rational(Int(next() % 41) - 20, Int(next() % 6) + 1)
        }
    }

    @Test func inverseAndDeterminantOfRandomMatrices() {
        var seed: UInt64 = 11
        for n in 1...8 {
            let a = Self.random(n, n, seed: &seed)
            let det = a.determinant
            guard let inverse = a.inverse() else { #expect(det.isZero); continue }
            #expect(a * inverse == .identity(n))
            #expect(inverse * a == .identity(n))
            #expect(det * inverse.determinant == .one)
        }
    }

    @Test func determinantMatchesCofactorExpansion() {
        func cofactor(_ m: RationalMatrix) -> Rational {
            if m.rows == 1 { return m[0, 0] }
            var sum = Rational.zero
            for j in 0..<m.columns {
                let minor = m.submatrix(rows: Array(1..<m.rows), columns: (0..<m.columns).filter { $0 != j })
                let term = m[0, j] * cofactor(minor)
                sum = j % 2 == 0 ? sum + term : sum - term
            }
            return sum
        }
        var seed: UInt64 = 3
        for n in 1...5 {
            let m = Self.random(n, n, seed: &seed)
            #expect(m.determinant == cofactor(m))
        }
    }

    @Test func singularMatricesHaveNoInverse() {
        let m = RationalMatrix([[1, 2], [2, 4]])
        #expect(m.inverse() == nil)
        #expect(m.determinant == .zero)
        #expect(m.rank == 1)
        let kernel = m.kernelBasis()
        #expect(kernel.columns == 1)
        #expect((m * kernel).isZero)
    }

    @Test func kernelOfRankDeficientRectangularMatrix() {
        var seed: UInt64 = 5
        let a = Self.random(3, 7, seed: &seed)
        let b = Self.random(2, 3, seed: &seed)
        let m = b.transpose * (Self.random(2, 3, seed: &seed) * a)  // rank <= 2, 3 × 7
        let kernel = m.kernelBasis()
        #expect(kernel.columns == 7 - m.rank)
        #expect((m * kernel).isZero)
        #expect(kernel.rank == kernel.columns)
    }

    @Test func principalAndLeadingMinors() {
        let m = RationalMatrix([[2, 1, 0], [1, 3, 1], [0, 1, 4]])
        #expect(m.leadingPrincipalMinors == [2, 5, 18])
        #expect(m.principalMinors(order: 1).map(\.value) == [2, 3, 4])
        #expect(m.principalMinors(order: 2).map(\.value) == [5, 8, 11])
        #expect(combinations(of: 4, choose: 2).count == 6)
    }
}
