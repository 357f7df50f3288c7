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

/// Reads matrices from text: plain rows or Matrix Market.
///
/// Plain text has one row per line with entries separated by spaces, tabs or
/// commas; each entry is an integer, `p/q`, a decimal or a scientific number,
/// all read exactly; `#` starts a comment and blank lines are ignored.
/// A file whose first line starts with `%%MatrixMarket` is read as Matrix
/// Market (`matrix array|coordinate real|integer general`).
///
/// ```swift
/// let t = try MatrixTextFormat.parse("1 2\n3/4 -0.5e1", source: "inline")
/// // [[1, 2], [3/4, -5]]
/// ```
public enum MatrixTextFormat {
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
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        if let first = lines.first, first.hasPrefix("%%MatrixMarket") {
            return try parseMatrixMarket(lines, source: source)
        }
        return try parsePlain(lines, source: source)
    }

    /// Tokens of one line with their 1-based columns.
    static func tokens(_ line: Substring, separators: Set<Character>) -> [(text: Substring, column: Int)] {
        var result: [(Substring, Int)] = []
        var start: Substring.Index? = nil
        var column = 1, startColumn = 1
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if separators.contains(c) {
                if let s = start { result.append((line[s..<i], startColumn)); start = nil }
            } else if start == nil {
                start = i; startColumn = column
            }
            column += 1
            i = line.index(after: i)
        }
        if let s = start { result.append((line[s..<line.endIndex], startColumn)) }
        return result
    }

    static func number(_ token: Substring, _ source: String, _ line: Int, _ column: Int) throws(MatrixInputError) -> Rational {
        do {
            return try Rational(parsing: token)
        } catch {
            throw MatrixInputError(source: source, line: line, column: column, message: error.description)
        }
    }

    static func parsePlain(_ lines: [Substring], source: String) throws(MatrixInputError) -> RationalMatrix {
        var rows: [[Rational]] = []
        var firstRowLine = 0
        for (index, raw) in lines.enumerated() {
            let lineNumber = index + 1
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let toks = tokens(content, separators: [" ", "\t", ","])
            if toks.isEmpty { continue }
            var row: [Rational] = []
            for (text, column) in toks { row.append(try number(text, source, lineNumber, column)) }
            if rows.isEmpty {
                firstRowLine = lineNumber
            } else if row.count != rows[0].count {
                throw MatrixInputError(source: source, line: lineNumber, column: 1,
                                       message: "ragged rows: this row has \(row.count) entries, the row on line \(firstRowLine) has \(rows[0].count)")
            }
            rows.append(row)
        }
        guard !rows.isEmpty else {
            throw MatrixInputError(source: source, line: nil, column: nil, message: "empty file: no matrix entries")
        }
        return RationalMatrix(rows)
    }

    /// The largest number of rows or columns a Matrix Market or `.npy` header may declare.
    public static let maximumDimension = 1 << 14

    static func parseMatrixMarket(_ lines: [Substring], source: String) throws(MatrixInputError) -> RationalMatrix {
        func fail(_ line: Int?, _ message: String) -> MatrixInputError {
            MatrixInputError(source: source, line: line, column: nil, message: message)
        }
        let header = lines[0].lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard header.count == 5, header[1] == "matrix" else {
            throw fail(1, "Matrix Market header must read '%%MatrixMarket matrix array|coordinate real|integer general'")
        }
        let layout = header[2], field = header[3], symmetry = header[4]
        guard layout == "array" || layout == "coordinate" else { throw fail(1, "unsupported Matrix Market layout '\(layout)'") }
        guard field == "real" || field == "integer" else { throw fail(1, "unsupported Matrix Market field '\(field)' (real or integer)") }
        guard symmetry == "general" else { throw fail(1, "unsupported Matrix Market symmetry '\(symmetry)' (general only)") }
        let body = lines.enumerated().dropFirst().filter { _, l in
            let t = l.drop(while: { $0 == " " || $0 == "\t" })
            return !t.isEmpty && !t.hasPrefix("%")
        }
        guard let (sizeIndex, sizeLine) = body.first else { throw fail(nil, "Matrix Market file has no size line") }
        let size = tokens(sizeLine, separators: [" ", "\t"]).map { Int($0.text) }
        let expectedSize = layout == "array" ? 2 : 3
        guard size.count == expectedSize, size.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            throw fail(sizeIndex + 1, "bad Matrix Market size line (expected \(expectedSize) non-negative integers)")
        }
        let rows = size[0]!, columns = size[1]!
        guard rows > 0, columns > 0, rows <= maximumDimension, columns <= maximumDimension else {
            throw fail(sizeIndex + 1, "matrix size \(rows)×\(columns) out of range")
        }
        var matrix = RationalMatrix.zero(rows, columns)
        let entries = body.dropFirst()
        if layout == "array" {
            guard entries.count == rows * columns else {
                throw fail(nil, "Matrix Market array needs \(rows * columns) entries, found \(entries.count)")
            }
            for (k, (index, line)) in entries.enumerated() {
                let toks = tokens(line, separators: [" ", "\t"])
                guard toks.count == 1 else { throw fail(index + 1, "expected one entry per line") }
                // Column-major order.
                matrix[k % rows, k / rows] = try number(toks[0].text, source, index + 1, toks[0].column)
            }
        } else {
            let count = size[2]!
            guard entries.count == count else {
                throw fail(nil, "Matrix Market coordinate header promises \(count) entries, found \(entries.count)")
            }
            var seen = Set<Int>()
            for (index, line) in entries {
                let toks = tokens(line, separators: [" ", "\t"])
                guard toks.count == 3, let i = Int(toks[0].text), let j = Int(toks[1].text) else {
                    throw fail(index + 1, "expected 'row column value'")
                }
                guard (1...rows).contains(i), (1...columns).contains(j) else {
                    throw fail(index + 1, "index (\(i), \(j)) outside \(rows)×\(columns)")
                }
                guard seen.insert((i - 1) * columns + (j - 1)).inserted else {
                    throw fail(index + 1, "duplicate entry (\(i), \(j))")
                }
                matrix[i - 1, j - 1] = try number(toks[2].text, source, index + 1, toks[2].column)
            }
        }
        return matrix
    }
}
