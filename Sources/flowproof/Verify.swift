import ArgumentParser
import Certificates
import ExactLinearAlgebra
import FileIO
import Foundation

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-check certificates exactly; exit 0 iff every one holds.",
        discussion: """
            Accepts files and directories (searched recursively for *.json). Each certificate is \
            parsed strictly (canonical numbers, exact shapes) and its claim is re-checked from its \
            own content: products of layers, residual bounds, lower-bound witnesses.

            Examples:
              flowproof verify proofs/
              flowproof verify cert.json --json
            """)

    @Argument(help: "Certificate files or directories.")
    var paths: [String]

    @Flag(help: "Print one JSON document instead of verdict lines.")
    var json = false

    @Flag(help: "Print only rejected certificates and the final count.")
    var quiet = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one certificate file or directory") }
    }

    func run() throws {
        var files: [String] = []
        for path in paths {
            let isDirectory: Bool
            do { isDirectory = try InputFile.isDirectory(path) } catch { throw fail(error) }
            files += isDirectory ? jsonFiles(under: path) : [path]
        }
        guard !files.isEmpty else { throw fail("no *.json certificates under \(paths.joined(separator: " "))", ExitStatus.badInput) }
        var results: [JSONValue] = []
        var rejected = 0
        let progress = ProgressLine(total: files.count, enabled: !json && standardErrorIsTerminal)
        for (index, file) in files.enumerated() {
            let verdict: Verdict
            do { verdict = CertificateVerifier.verify(data: try InputFile.read(file)) } catch { verdict = .rejected(reason: error.reason) }
            progress.update(index + 1)
            switch verdict {
            case .accepted(let summary):
                if !json && !quiet { progress.clear(); print("OK        \(file)  \(summary)") }
                results.append(.object([("path", .string(file)), ("accepted", .bool(true)), ("summary", .string(summary))]))
            case .rejected(let reason):
                rejected += 1
                if !json { progress.clear(); print("REJECTED  \(file): \(reason)") }
                results.append(.object([("path", .string(file)), ("accepted", .bool(false)), ("reason", .string(reason))]))
            }
        }
        progress.clear()
        if json {
            print(
                JSONValue.object([
                    ("command", .string("verify")),
                    ("accepted", .int(files.count - rejected)),
                    ("rejected", .int(rejected)),
                    ("results", .array(results)),
                ]).text)
        } else {
            print("\(files.count) certificates: \(files.count - rejected) accepted, \(rejected) rejected")
        }
        if rejected > 0 { throw ExitStatus.rejected }
    }

    private func jsonFiles(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            // A directory named *.json is searched, not verified.
            if relative.hasSuffix(".json"), walker.fileAttributes?[.type] as? FileAttributeType != .typeDirectory {
                found.append((directory as NSString).appendingPathComponent(relative))
            }
        }
        return found.sorted()
    }
}
