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

    @Test func matrixMarketIntegerFieldHoldsIntegersOnly() throws {
        let header = "%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 1 1\n"
        #expect(try MatrixTextFormat.parse(header + "2 2 -7\n", source: "m") == RationalMatrix([[1, 0], [0, -7]]))
        for value in ["1/2", "0.5", "1e3", "+"] {
            #expect(
                throws: MatrixInputError(
                    source: "m", line: 4, column: 5,
                    message: "'\(value)' is not an integer (the header declares field 'integer')")
            ) {
                try MatrixTextFormat.parse(header + "2 2 \(value)\n", source: "m")
            }
        }
        let array = "%%MatrixMarket matrix array integer general\n1 2\n3\n1/2\n"
        #expect(throws: MatrixInputError.self) { try MatrixTextFormat.parse(array, source: "m") }
    }

    @Test func aCommaNeedsAnEntryOnEachSide() throws {
        #expect(try MatrixTextFormat.parse("1 , 0\r\n0,\t1\r\n", source: "p") == RationalMatrix([[1, 0], [0, 1]]))
        #expect(throws: MatrixInputError(source: "p", line: 1, column: 3, message: "empty entry before this comma")) {
            try MatrixTextFormat.parse("1,,0\n0 1 0\n", source: "p")
        }
        #expect(throws: MatrixInputError(source: "p", line: 2, column: 1, message: "empty entry before this comma")) {
            try MatrixTextFormat.parse("1 0\n,0 1\n", source: "p")
        }
        #expect(throws: MatrixInputError(source: "p", line: 1, column: 4, message: "empty entry after this comma")) {
            try MatrixTextFormat.parse("1 0, # comment\n0 1\n", source: "p")
        }
    }

    @Test func sizesAreBoundedBeforeAllocating() {
        let limit = MatrixTextFormat.maximumDimension
        #expect(limit == 4096)
        #expect(
            throws: MatrixInputError(source: "m", line: 2, column: nil, message: "matrix size 16384×16384 exceeds the limit of 4096×4096")
        ) {
            try MatrixTextFormat.parse("%%MatrixMarket matrix coordinate real general\n16384 16384 1\n1 1 1\n", source: "m")
        }
        #expect(throws: MatrixInputError.self) {
            try MatrixTextFormat.parse("%%MatrixMarket matrix array real general\n5000 2\n1\n", source: "m")
        }
        let wide = Array(repeating: "0", count: limit + 1).joined(separator: " ")
        #expect(
            throws: MatrixInputError(
                source: "p", line: 1, column: 2 * limit + 1,
                message: "more than 4096 entries in a row (matrices are at most 4096×4096)")
        ) {
            try MatrixTextFormat.parse(wide, source: "p")
        }
        #expect(
            throws: MatrixInputError(
                source: "p", line: limit + 1, column: 1,
                message: "more than 4096 rows (matrices are at most 4096×4096)")
        ) {
            try MatrixTextFormat.parse(String(repeating: "1\n", count: limit + 1), source: "p")
        }
    }

    @Test func structurallySingularCoordinateMatricesAreRefusedEarly() {
        #expect(
            throws: MatrixInputError(
                source: "m", line: 2, column: nil, message: "fewer stored entries (1) than rows (4096): the matrix is singular (det = 0)")
        ) {
            try MatrixTextFormat.parse("%%MatrixMarket matrix coordinate real general\n4096 4096 1\n1 1 1\n", source: "m")
        }
        #expect(
            throws: MatrixInputError(
                source: "m", line: nil, column: nil, message: "row 2 has no nonzero entry, so the matrix is singular (det = 0)")
        ) {
            try MatrixTextFormat.parse("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n1 2 1\n", source: "m")
        }
        // A stored zero does not count.
        #expect(
            throws: MatrixInputError(
                source: "m", line: nil, column: nil, message: "column 1 has no nonzero entry, so the matrix is singular (det = 0)")
        ) {
            try MatrixTextFormat.parse("%%MatrixMarket matrix coordinate real general\n2 2 4\n1 1 0\n1 2 1\n2 2 1\n2 1 0\n", source: "m")
        }
    }

    @Test func longTokensAreShortenedInMessages() {
        let long = String(repeating: "7", count: 100_000) + "x"
        #expect(
            throws: MatrixInputError(
                source: "p", line: 1, column: 1,
                message:
                    "not a number: '\(String(repeating: "7", count: 40))…' (100001 characters) (expected an integer, p/q, a decimal or scientific number)"
            )
        ) {
            try MatrixTextFormat.parse(long + " 0\n0 1\n", source: "p")
        }
    }
}
