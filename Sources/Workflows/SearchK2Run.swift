import Certificates
import FileIO
import Foundation
import Search

/// `flowproof search-k2` as a library call: a search, or a merge of
/// sharded searches, into a locked output directory holding the verified
/// certificates and the run's `.stats` record.
///
/// ```swift
/// let search = CounterexampleSearch(d: 2, regime: .positive, family: .structured, seed: 7)
/// let r = try SearchK2Run.run(search, count: 2, into: "ce")
/// print(r.statistics.table, r.files)   // ce/<fileName>.stats, ce/<files>
/// ```
public enum SearchK2Run {
    public struct Result: Sendable {
        public let statistics: SearchStatistics
        /// Certificate file names, relative to the output directory.
        public let files: [String]
    }

    /// Locks `directory`, writes the record with `"complete": false`, runs
    /// the search, then writes each certificate and the final record.
    /// `maxCandidates` defaults to 1000 × `count`.
    public static func run(
        _ search: CounterexampleSearch, count: Int, maxCandidates: Int? = nil, into directory: String,
        progress: (SearchStatistics) -> Void = { _ in }
    ) throws -> Result {
        // Saturating: 1000 × a huge count must not trap.
        let (product, overflow) = count.multipliedReportingOverflow(by: 1000)
        let maxCandidates = maxCandidates ?? (overflow ? Int.max : product)
        let lock = try DirectoryLock(directory: directory)
        let started = search.record(count: count, maxCandidates: maxCandidates)
        try AtomicFile.write(started.fileText, to: path(directory, started.fileName))
        let (statistics, found) = try search.run(count: count, maxCandidates: maxCandidates, progress: progress)
        for c in found { try c.certificate.write(to: path(directory, c.fileName)) }
        try AtomicFile.write(statistics.fileText, to: path(directory, statistics.fileName))
        withExtendedLifetime(lock) {}
        return Result(statistics: statistics, files: found.map(\.fileName))
    }

    /// Combines the records of `directories` (each search's shards all
    /// present, once, and finished) and copies their certificates into
    /// `directory` after re-verifying each; one result per search.
    public static func merge(_ directories: [String], into directory: String) throws -> [Result] {
        var parts: [SearchStatistics] = []
        var seen = Set<String>()
        for source in directories {
            let resolved = URL(fileURLWithPath: source).resolvingSymlinksInPath().standardizedFileURL.path
            guard seen.insert(resolved).inserted else { throw WorkflowFailure.badInput("\(source): given twice to --merge") }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: source) else {
                throw WorkflowFailure.badInput("\(source): not a readable directory")
            }
            for name in names.sorted() where name.hasSuffix(".stats") {
                let record = path(source, name)
                guard var s = SearchStatistics(contentsOf: record) else {
                    throw WorkflowFailure.badInput("\(record): not a search-k2 record (written by an older flowproof, or damaged)")
                }
                // Certificates are read from where their record lives.
                s.files = s.files.map { path(source, $0) }
                parts.append(s)
            }
        }
        let totals = try SearchStatistics.merged(parts)
        guard !totals.isEmpty else { throw WorkflowFailure.badInput("the directories hold no search-k2 records") }
        let lock = try DirectoryLock(directory: directory)
        var written: [Result] = []
        for var total in totals {
            var names: [String] = []
            for source in total.files {
                // Read once: the bytes verified are the bytes copied.
                let data = try? InputFile.read(source)
                guard let data, case .accepted = CertificateVerifier.verify(data: data) else {
                    throw WorkflowFailure.rejected("\(source): missing or does not verify; not merged")
                }
                let name = (source as NSString).lastPathComponent
                try AtomicFile.write(data: data, to: path(directory, name))
                names.append(name)
            }
            total.files = Array(Set(names)).sorted()  // one matrix can be found by two shards
            total.counterexamplesWritten = total.files.count
            try AtomicFile.write(total.fileText, to: path(directory, total.fileName))
            written.append(Result(statistics: total, files: total.files))
        }
        withExtendedLifetime(lock) {}
        return written
    }

    private static func path(_ directory: String, _ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }
}
