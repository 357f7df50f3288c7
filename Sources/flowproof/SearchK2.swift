import ArgumentParser
import Certificates
import CouplingLayers
import Foundation
import Search

extension CandidateFamily: ExpressibleByArgument {}

struct SearchK2: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search-k2",
        abstract: "Find and certify matrices that need 3 coupling pairs (not in K_2).",
        discussion: """
        Each counterexample is written to DIR as a `depth` certificate with depth 3 (a \
        lower-bound witness plus an exact depth-3 factorization), named after the matrix, after \
        the certificate verifier has accepted it. DIR/search-k2.stats (JSON) records the statistics.

        Families: structured (default; theory §4 constructions disguised by unipotent and \
        positive diagonal factors, which keep the minimal depth), random (Gaussian entries on a \
        2^-10 grid), integer (entries in -3..3), permutations (every even permutation of 2d, each \
        classified once; --count is ignored).

        --shard I/N splits the candidates deterministically so N machines (a Slurm array, GNU \
        parallel) cover them without overlap; --merge DIR... combines their outputs.

        Examples:
          flowproof search-k2 --d 4 --seed 7 --out ce-positive
          flowproof search-k2 --d 4 --regime signed --seed 7 --out ce-signed
          flowproof search-k2 --d 3 --family permutations --stats
          flowproof search-k2 --d 5 --family permutations --shard 1/8 --out part1
          flowproof search-k2 --merge part0 part1 --out all
        """)

    @Option(name: .customLong("d"), help: "Block size d (matrices are 2d×2d).")
    var d: Int?

    @Option(help: "Diagonal regime: positive or signed.")
    var regime: Regime = .positive

    @Option(help: "Candidate family: structured, random, integer or permutations.")
    var family: CandidateFamily = .structured

    @Option(help: "Counterexamples to find (sampled families).")
    var count = 10

    @Option(help: "Stop after deciding this many candidates (sampled families; default 1000 × count).")
    var maxCandidates: Int?

    @Option(help: "Seed; the same seed gives the same certificates.")
    var seed: UInt64 = 0

    @Option(help: "Output directory for certificates and search-k2.stats.")
    var out = "counterexamples"

    @Option(help: "Cover only shard I of N (0-based), e.g. 3/8.")
    var shard: String?

    @Option(parsing: .upToNextOption, help: "Merge the outputs of earlier runs (directories) into --out.")
    var merge: [String] = []

    @Flag(help: "Skip the numerical K_2 search for undecided candidates (faster).")
    var noNumeric = false

    @Flag(help: "Print the statistics table.")
    var stats = false

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    @Flag(help: "No progress line.")
    var quiet = false

    func validate() throws {
        if merge.isEmpty {
            guard let d else { throw ValidationError("give --d N (or --merge DIR...)") }
            guard (1...64).contains(d) else { throw ValidationError("--d must be between 1 and 64") }
            if family == .permutations && d > 6 { throw ValidationError("--family permutations enumerates (2d)! matrices; d <= 6") }
        }
        guard count >= 1 else { throw ValidationError("--count must be positive") }
        _ = try shardSpec()
    }

    func shardSpec() throws -> (Int, Int) {
        guard let shard else { return (0, 1) }
        let parts = shard.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, (0..<n).contains(i) else {
            throw ValidationError("--shard must be I/N with 0 <= I < N, e.g. 3/8")
        }
        return (i, n)
    }

    func run() throws {
        if !merge.isEmpty { return try runMerge() }
        let (shardIndex, shardCount) = try shardSpec()
        let search = CounterexampleSearch(d: d!, regime: regime, family: family, seed: seed,
                                          shardIndex: shardIndex, shardCount: shardCount, numeric: !noNumeric)
        let progress = ProgressLine(total: search.enumeratedCount ?? 0, enabled: !json && !quiet && standardErrorIsTerminal)
        let result: (SearchStatistics, [Counterexample])
        do {
            result = try search.run(count: count, maxCandidates: maxCandidates ?? 1000 * count) { s in
                progress.update(s.candidates, note: "depth 3: \(s[.depth3])")
            }
        } catch {
            throw fail(error.message, ExitStatus.internalError)
        }
        progress.clear()
        let (statistics, found) = result
        do {
            for c in found { try c.certificate.write(to: (out as NSString).appendingPathComponent(c.fileName)) }
            let statsName = shardCount == 1 ? "search-k2.stats" : "search-k2-shard\(shardIndex)of\(shardCount).stats"
            try AtomicFile.write(statistics.fileText, to: (out as NSString).appendingPathComponent(statsName))
        } catch {
            throw fail(error.message, ExitStatus.badInput)
        }
        report(statistics, files: found.map(\.fileName))
    }

    private func runMerge() throws {
        var parts: [SearchStatistics] = []
        var files: [String] = []
        for directory in merge {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
                throw fail("\(directory): not a readable directory", ExitStatus.badInput)
            }
            for name in names.sorted() where name.hasSuffix(".json") || name.hasSuffix(".stats") {
                let path = (directory as NSString).appendingPathComponent(name)
                if name.hasSuffix(".stats") {
                    guard let s = SearchStatistics(contentsOf: path) else {
                        throw fail("\(path): not a search-k2 stats file", ExitStatus.badInput)
                    }
                    parts.append(s)
                    continue
                }
                guard case .accepted = CertificateVerifier.verify(path: path) else {
                    throw fail("\(path): certificate does not verify; not merged", ExitStatus.rejected)
                }
                let text = String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self)
                do { try AtomicFile.write(text, to: (out as NSString).appendingPathComponent(name)) } catch {
                    throw fail(error.message, ExitStatus.badInput)
                }
                if !files.contains(name) { files.append(name) }
            }
        }
        guard var total = SearchStatistics.merged(parts) else {
            throw fail("the directories hold no stats, or stats of different searches (d, regime, family)", ExitStatus.badInput)
        }
        total.counterexamplesWritten = files.count
        do { try AtomicFile.write(total.fileText, to: (out as NSString).appendingPathComponent("search-k2.stats")) } catch {
            throw fail(error.message, ExitStatus.badInput)
        }
        report(total, files: files.sorted())
    }

    private func report(_ s: SearchStatistics, files: [String]) {
        if json {
            var fields: [(String, JSONValue)] = [("command", .string("search-k2")), ("out", .string(out))]
            fields += [("d", .int(s.d)), ("regime", .string(s.regime.rawValue)), ("family", .string(s.family.rawValue)),
                       ("candidates", .int(s.candidates))]
            for (outcome, key) in SearchStatistics.outcomeKeys { fields.append((key, .int(s[outcome]))) }
            fields += [("counterexamplesWritten", .int(s.counterexamplesWritten)),
                       ("decisionsPerSecond", .double((s.rate * 10).rounded() / 10)),
                       ("files", .array(files.map(JSONValue.string)))]
            print(JSONValue.object(fields).text)
            return
        }
        print("\(files.count) certified counterexample\(files.count == 1 ? "" : "s") (depth 3, regime \(s.regime.rawValue), d = \(s.d)) in \(out)/")
        if !s.family.isEnumerated && files.count < count && merge.isEmpty {
            print("fewer than --count \(count): stopped after \(s.candidates) candidates (raise --max-candidates)")
        }
        if stats { print(s.table) }
    }
}
