import FileIO
import Foundation

/// A problem in a matrix file, located by file, line and column (1-based).
public struct MatrixInputError: Error, Equatable, CustomStringConvertible {
    public let source: String
    public let line: Int?
    public let column: Int?
    public let message: String

    public init(source: String, line: Int?, column: Int?, message: String) {
        self.source = source; self.line = line; self.column = column; self.message = message
    }

    public var description: String {
        var location = source
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(message)"
    }
}

/// Reads matrices from text (plain rows or Matrix Market) and, through
/// `read(path:)`, NumPy `.npy` files recognised by their magic bytes
/// (`NumPyFormat`).
///
/// Plain text has one row per line with entries separated by spaces, tabs or
/// commas (a comma must stand between two entries); each entry is an integer,
/// `p/q`, a decimal or a scientific number, all read exactly; `#` starts a
/// comment and blank lines are ignored. A file whose first line starts with
/// `%%MatrixMarket` is read as Matrix Market (`matrix array|coordinate
/// real|integer general`; `integer` files hold integers only).
///
/// Work and memory are bounded by the input: matrices have at most
/// `maximumDimension` rows and columns, a Matrix Market header is checked
/// before anything is allocated, and a square coordinate matrix with an empty
/// row or column (structurally singular) is refused before the dense matrix
/// is built.
///
/// ```swift
/// let t = try MatrixTextFormat.parse("1 2\n3/4 -0.5e1", source: "inline")
/// // [[1, 2], [3/4, -5]]
/// ```
public enum MatrixTextFormat {
    /// The largest number of rows or columns (2d <= 4096), also for `.npy`
    /// headers: twice the size the binary64 path is built for (d = 1024),
    /// and small enough that no header can make flowproof allocate a dense
    /// matrix it could never factor.
    public static let maximumDimension = 4096

    public static func read(path: String) throws(MatrixInputError) -> RationalMatrix {
        let data: Data
        do { data = try InputFile.read(path) } catch {
            throw MatrixInputError(source: path, line: nil, column: nil, message: error.reason)
        }
        if data.starts(with: NumPyFormat.magic) { return try NumPyFormat.parse(data, source: path) }
        guard !data.contains(0), let text = String(data: data, encoding: .utf8) else {
            throw MatrixInputError(source: path, line: nil, column: nil, message: "binary or non-UTF-8 file, expected a text matrix")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String) throws(MatrixInputError) -> RationalMatrix {
        text.hasPrefix("%%MatrixMarket") ? try parseMatrixMarket(text, source: source) : try parsePlain(text, source: source)
    }

    /// Calls `body` with each line's 1-based number and text (without "\n"
    /// or "\r\n"). Lines are never collected: an array of them costs 32
    /// bytes per line, so a file of newlines would take 32 times its size.
    static func forEachLine(_ text: String, _ body: (Int, Substring) throws(MatrixInputError) -> Void) throws(MatrixInputError) {
        let utf8 = text.utf8
        var start = utf8.startIndex, number = 1
        while start < utf8.endIndex {
            let newline = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            var end = newline
            if end > start, utf8[utf8.index(before: end)] == UInt8(ascii: "\r") { end = utf8.index(before: end) }
            try body(number, text[start..<end])
            guard newline < utf8.endIndex else { return }
            start = utf8.index(after: newline)
            number += 1
        }
    }

    /// The first four space- or tab-separated tokens of a Matrix Market line
    /// with their 1-based columns: a line holds at most 3, so a fourth shows
    /// a bad line without splitting all of it.
    static func tokens(_ line: Substring) -> [(text: Substring, column: Int)] {
        let limit = 4
        var result: [(Substring, Int)] = []
        var start: Substring.Index? = nil
        var column = 1, startColumn = 1
        var i = line.startIndex
        while i < line.endIndex, result.count < limit {
            let c = line[i]
            if c == " " || c == "\t" {
                if let s = start { result.append((line[s..<i], startColumn)); start = nil }
            } else if start == nil {
                start = i; startColumn = column
            }
            column += 1
            i = line.index(after: i)
        }
        if let s = start, result.count < limit { result.append((line[s..<i], startColumn)) }
        return result
    }

    /// The entries of one plain-text line. Spaces and tabs separate freely,
    /// but a comma with no entry before or after it is an error (`1,,0` is
    /// not two entries), and so is a row longer than `maximumDimension`,
    /// found before the whole line is split.
    static func plainEntries(_ line: Substring, _ source: String, _ lineNumber: Int) throws(MatrixInputError) -> [(
        text: Substring, column: Int
    )] {
        func fail(_ column: Int, _ message: String) -> MatrixInputError {
            MatrixInputError(source: source, line: lineNumber, column: column, message: message)
        }
        var result: [(Substring, Int)] = []
        var start: Substring.Index? = nil
        var column = 1, startColumn = 1
        var openComma: Int? = nil  // column of a comma not yet followed by an entry
        func close(at end: Substring.Index) throws(MatrixInputError) {
            guard let s = start else { return }
            guard result.count < maximumDimension else {
                throw fail(
                    startColumn,
                    "more than \(maximumDimension) entries in a row (matrices are at most \(maximumDimension)×\(maximumDimension))")
            }
            result.append((line[s..<end], startColumn))
            start = nil
        }
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if c == " " || c == "\t" || c == "," {
                try close(at: i)
                if c == "," {
                    guard openComma == nil, !result.isEmpty else { throw fail(column, "empty entry before this comma") }
                    openComma = column
                }
            } else if start == nil {
                start = i; startColumn = column; openComma = nil
            }
            column += 1
            i = line.index(after: i)
        }
        try close(at: line.endIndex)
        if let openComma { throw fail(openComma, "empty entry after this comma") }
        return result
    }

    static func number(_ token: Substring, _ source: String, _ line: Int, _ column: Int) throws(MatrixInputError) -> Rational {
        do {
            return try Rational(parsing: token)
        } catch {
            throw MatrixInputError(source: source, line: line, column: column, message: error.description)
        }
    }

    static func parsePlain(_ text: String, source: String) throws(MatrixInputError) -> RationalMatrix {
        var entries: [Rational] = []
        var rows = 0, columns = 0, firstRowLine = 0
        try forEachLine(text) { (lineNumber, line) throws(MatrixInputError) in
            let content = line[..<(line.firstIndex(of: "#") ?? line.endIndex)]
            let row = try plainEntries(content, source, lineNumber)
            if row.isEmpty { return }
            if rows == 0 {
                firstRowLine = lineNumber; columns = row.count
            } else if row.count != columns {
                throw MatrixInputError(
                    source: source, line: lineNumber, column: 1,
                    message: "ragged rows: this row has \(row.count) entries, the row on line \(firstRowLine) has \(columns)")
            }
            guard rows < maximumDimension else {
                throw MatrixInputError(
                    source: source, line: lineNumber, column: 1,
                    message: "more than \(maximumDimension) rows (matrices are at most \(maximumDimension)×\(maximumDimension))")
            }
            for (text, column) in row { entries.append(try number(text, source, lineNumber, column)) }
            rows += 1
        }
        guard rows > 0 else {
            throw MatrixInputError(source: source, line: nil, column: nil, message: "empty file: no matrix entries")
        }
        return RationalMatrix(rows: rows, columns: columns, entries: entries)
    }

    static func parseMatrixMarket(_ text: String, source: String) throws(MatrixInputError) -> RationalMatrix {
        func fail(_ line: Int?, _ message: String, column: Int? = nil) -> MatrixInputError {
            MatrixInputError(source: source, line: line, column: column, message: message)
        }
        var layout = "", field = ""
        var shape: (rows: Int, columns: Int, count: Int)? = nil
        var values: [Rational] = []  // array: column-major
        var coordinates: [(row: Int, column: Int, value: Rational)] = []
        var seen = Set<Int>()
        try forEachLine(text) { (lineNumber, line) throws(MatrixInputError) in
            if lineNumber == 1 {
                let header = line.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard header.count == 5, header[1] == "matrix" else {
                    throw fail(1, "Matrix Market header must read '%%MatrixMarket matrix array|coordinate real|integer general'")
                }
                layout = String(header[2]); field = String(header[3])
                guard layout == "array" || layout == "coordinate" else {
                    throw fail(1, "unsupported Matrix Market layout \(quoted(layout))")
                }
                guard field == "real" || field == "integer" else {
                    throw fail(1, "unsupported Matrix Market field \(quoted(field)) (real or integer)")
                }
                guard header[4] == "general" else {
                    throw fail(1, "unsupported Matrix Market symmetry \(quoted(header[4])) (general only)")
                }
                return
            }
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty || trimmed.hasPrefix("%") { return }
            let toks = tokens(line)
            guard let shape else {
                shape = try matrixMarketSize(toks, coordinate: layout == "coordinate", source: source, line: lineNumber)
                return
            }
            func value(_ token: (text: Substring, column: Int)) throws(MatrixInputError) -> Rational {
                if field == "integer" {
                    let digits = token.text.first == "-" || token.text.first == "+" ? token.text.dropFirst() : token.text
                    guard !digits.isEmpty, digits.utf8.allSatisfy({ (48...57).contains($0) }) else {
                        throw fail(
                            lineNumber, "\(quoted(token.text)) is not an integer (the header declares field 'integer')",
                            column: token.column)
                    }
                }
                return try number(token.text, source, lineNumber, token.column)
            }
            if layout == "array" {
                guard toks.count == 1 else { throw fail(lineNumber, "expected one entry per line") }
                guard values.count < shape.rows * shape.columns else {
                    throw fail(
                        lineNumber,
                        "Matrix Market array has more than the \(shape.rows * shape.columns) entries of a \(shape.rows)×\(shape.columns) matrix"
                    )
                }
                values.append(try value(toks[0]))
                return
            }
            guard toks.count == 3, let i = Int(toks[0].text), let j = Int(toks[1].text) else {
                throw fail(lineNumber, "expected 'row column value'")
            }
            guard (1...shape.rows).contains(i), (1...shape.columns).contains(j) else {
                throw fail(lineNumber, "index (\(i), \(j)) outside \(shape.rows)×\(shape.columns)")
            }
            guard coordinates.count < shape.count else {
                throw fail(lineNumber, "Matrix Market coordinate header promises \(shape.count) entries, found more")
            }
            guard seen.insert((i - 1) * shape.columns + (j - 1)).inserted else {
                throw fail(lineNumber, "duplicate entry (\(i), \(j))")
            }
            coordinates.append((i - 1, j - 1, try value(toks[2])))
        }
        guard let shape else { throw fail(nil, "Matrix Market file has no size line") }
        if layout == "array" {
            guard values.count == shape.rows * shape.columns else {
                throw fail(nil, "Matrix Market array needs \(shape.rows * shape.columns) entries, found \(values.count)")
            }
            return RationalMatrix(rows: shape.rows, columns: shape.columns) { i, j in values[j * shape.rows + i] }
        }
        guard coordinates.count == shape.count else {
            throw fail(nil, "Matrix Market coordinate header promises \(shape.count) entries, found \(coordinates.count)")
        }
        if shape.rows == shape.columns {
            var rowUsed = [Bool](repeating: false, count: shape.rows), columnUsed = rowUsed
            for entry in coordinates where !entry.value.isZero { rowUsed[entry.row] = true; columnUsed[entry.column] = true }
            if let i = rowUsed.firstIndex(of: false) {
                throw fail(nil, "row \(i + 1) has no nonzero entry, so the matrix is singular (det = 0)")
            }
            if let j = columnUsed.firstIndex(of: false) {
                throw fail(nil, "column \(j + 1) has no nonzero entry, so the matrix is singular (det = 0)")
            }
        }
        var matrix = RationalMatrix.zero(shape.rows, shape.columns)
        for entry in coordinates { matrix[entry.row, entry.column] = entry.value }
        return matrix
    }

    /// The size line, checked against `maximumDimension` before anything is
    /// allocated. A square coordinate matrix with fewer stored entries than
    /// rows is singular whatever the entries are, so it is refused here.
    static func matrixMarketSize(
        _ toks: [(text: Substring, column: Int)], coordinate: Bool, source: String,
        line: Int
    ) throws(MatrixInputError) -> (rows: Int, columns: Int, count: Int) {
        func fail(_ message: String) -> MatrixInputError { MatrixInputError(source: source, line: line, column: nil, message: message) }
        let size = toks.map { Int($0.text) }
        let expected = coordinate ? 3 : 2
        guard size.count == expected, size.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            throw fail("bad Matrix Market size line (expected \(expected) non-negative integers)")
        }
        let rows = size[0]!, columns = size[1]!
        guard rows > 0, columns > 0 else { throw fail("matrix size \(rows)×\(columns) is empty") }
        guard rows <= maximumDimension, columns <= maximumDimension else {
            throw fail("matrix size \(rows)×\(columns) exceeds the limit of \(maximumDimension)×\(maximumDimension)")
        }
        guard coordinate else { return (rows, columns, rows * columns) }
        let count = size[2]!
        guard count <= rows * columns else {
            throw fail("Matrix Market coordinate header promises \(count) entries, more than a \(rows)×\(columns) matrix has")
        }
        if rows == columns, count < rows {
            throw fail("fewer stored entries (\(count)) than rows (\(rows)): the matrix is singular (det = 0)")
        }
        return (rows, columns, count)
    }
}
