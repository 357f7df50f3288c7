import ArgumentParser
import CouplingLayers
import Search
import Workflows
import ExactLinearAlgebra
import Foundation

/// Exit statuses with one meaning each (listed in `flowproof --help`).
enum ExitStatus {
    static let rejected = ExitCode(1)
    static let badInput = ExitCode(2)
    static let noCertifiedResult = ExitCode(3)
    static let internalError = ExitCode(70)
}

/// Prints one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data(("flowproof: " + message + "\n").utf8))
}

/// Fails with a one-line reason on stderr and the given exit status.
func fail(_ message: String, _ status: ExitCode) -> ExitCode {
    printError(message)
    return status
}

/// The one mapping from library errors to exit statuses: flowproof's own
/// failures are internal (70), a workflow's say their status, everything
/// else is about the input (2). Errors about an input file name it;
/// internal ones do not.
func fail(_ error: Error, file: String? = nil) -> ExitCode {
    let status: ExitCode
    switch error {
    case DecompositionError.internalFailure, is SearchError, WorkflowFailure.internalError: status = ExitStatus.internalError
    case WorkflowFailure.rejected: status = ExitStatus.rejected
    case WorkflowFailure.noCertifiedResult, DecompositionError.methodDeclined: status = ExitStatus.noCertifiedResult
    default: status = ExitStatus.badInput
    }
    let message = String(describing: error)
    return fail(status == ExitStatus.internalError ? message : file.map { "\($0): \(message)" } ?? message, status)
}

/// The matrix file and the choices every matrix command takes.
struct MatrixOptions: ParsableArguments {
    @Argument(help: "Matrix file (plain text, Matrix Market or NumPy .npy).")
    var file: String

    @Option(help: "Diagonal regime: positive (B, C > 0, as in real flows) or signed (B, C != 0).")
    var regime: Regime = .positive

    @Option(help: "Seed for random choices; the same seed gives the same certificate.")
    var seed: UInt64 = 0

    /// The matrix, or exit 2 with the reader's one-line reason.
    func readMatrix() throws -> RationalMatrix {
        do { return try MatrixTextFormat.read(path: file) } catch { throw fail(error) }
    }
}

/// A JSON value with ordered object keys, so `--json` output is stable.
enum JSONValue {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    var text: String {
        switch self {
        case .string(let s): return quote(s)
        case .int(let i): return String(i)
        case .double(let x): return x.isFinite ? String(x) : "null"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .object(let fields): return "{" + fields.map { quote($0.0) + ": " + $0.1.text }.joined(separator: ", ") + "}"
        }
    }

    private func quote(_ s: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }
}

/// Whether standard error is a terminal (progress is drawn only then).
var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

/// A single self-overwriting progress line on stderr (terminals only).
final class ProgressLine {
    let total: Int
    let enabled: Bool
    let start = Date()

    init(total: Int, enabled: Bool) { self.total = total; self.enabled = enabled }

    func update(_ done: Int, note: String = "") {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let line: String
        if total > 0 {
            let eta = rate > 0 ? Double(total - done) / rate : 0
            line = String(format: "\r%d/%d  %.1f/s  ETA %.0fs  ", done, total, rate, eta) + note
        } else {
            line = String(format: "\r%d  %.1f/s  ", done, rate) + note
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// Names the phase of a long single computation on stderr, with the time
/// since the start (terminals only; the line is cleared at the end).
final class StageLine {
    let enabled: Bool
    let start = Date()

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ stage: String) {
        guard enabled else { return }
        let line = String(format: "\r\u{1B}[K[%.1fs] %@…", Date().timeIntervalSince(start), stage as NSString)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
