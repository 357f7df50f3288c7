import Testing
import ExactLinearAlgebra

@Suite struct MatrixTextFormatTests {
    @Test func plainTextWithCommentsAndSeparators() throws {
        let text = "# a comment\n1, 2\t-3/4 # trailing\n\n0.5 1e1 -7\n"
        let m = try MatrixTextFormat.parse(text, source: "t")
        #expect(m == RationalMatrix([[1, 2, Rational(-3, 4)], [Rational(1, 2), 10, -7]]))
    }

    @Test func errorsNameLineAndColumn() {
        #expect(throws: MatrixInputError(source: "f", line: 2, column: 3, message: NumberSyntaxError.invalid("x").description)) {
            try MatrixTextFormat.parse("1 2\n3 x\n", source: "f")
        }
        #expect(throws: MatrixInputError.self) { try MatrixTextFormat.parse("1 2\n3\n", source: "f") }
        #expect(throws: MatrixInputError.self) { try MatrixTextFormat.parse("# only comments\n\n", source: "f") }
        #expect(throws: MatrixInputError.self) { try MatrixTextFormat.parse("1 NaN\n1 1", source: "f") }
        #expect(throws: MatrixInputError.self) { try MatrixTextFormat.parse("1 Infinity\n1 1", source: "f") }
    }

    @Test func matrixMarketArrayIsColumnMajor() throws {
        let text = "%%MatrixMarket matrix array real general\n% comment\n2 2\n1\n3\n2\n4.5\n"
        #expect(try MatrixTextFormat.parse(text, source: "m") == RationalMatrix([[1, 2], [3, Rational(9, 2)]]))
    }

    @Test func matrixMarketCoordinate() throws {
        let text = "%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 2 5\n2 1 -1\n"
        #expect(try MatrixTextFormat.parse(text, source: "m") == RationalMatrix([[0, 5], [-1, 0]]))
        #expect(throws: MatrixInputError.self) {
            try MatrixTextFormat.parse("%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 2 5\n1 2 5\n", source: "m")
        }
        #expect(throws: MatrixInputError.self) {
            try MatrixTextFormat.parse("%%MatrixMarket matrix coordinate integer general\n2 2 1\n3 1 5\n", source: "m")
        }
        #expect(throws: MatrixInputError.self) {
            try MatrixTextFormat.parse("%%MatrixMarket matrix coordinate complex general\n2 2 1\n1 1 5\n", source: "m")
        }
    }
}
