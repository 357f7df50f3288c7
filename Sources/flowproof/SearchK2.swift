import ArgumentParser
import CouplingLayers
import Search
import Workflows

extension CandidateFamily: ExpressibleByArgument {}

struct SearchK2: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search-k2",
        abstract: "Find and certify matrices that need 3 coupling pairs (not in K_2).",
        discussion: """
            Each counterexample is written to DIR as a `depth` certificate with depth 3 (a \
            lower-bound witness plus an exact depth-3 factorization), named after the matrix, after \
            the certificate verifier has accepted it. The run's record, \
            DIR/search-k2-<regime>-d<d>-<family>-seed<seed>[-shard<I>of<N>].stats (JSON), holds its \
            parameters, shard, counts and certificate names; it is written with "complete": false before \
            the search starts, so an interrupted run is recognisable. A second run writing to the same DIR \
            at the same time is refused.

            Families: structured (default; theory §4 constructions disguised by unipotent and \
            positive diagonal factors, which keep the minimal depth), random (Gaussian entries on a \
            2^-10 grid), integer (entries in -3..3), permutations (every even permutation of 2d, each \
            classified once; --count is ignored).

            --shard I/N splits the candidates deterministically so N machines (a Slurm array, GNU \
            parallel) cover them without overlap; --merge DIR... combines their outputs, after checking \
            that every shard of each search is present exactly once and finished.

            Examples:
              flowproof search-k2 --d 4 --seed 7 --out ce-positive
              flowproof search-k2 --d 4 --regime signed --seed 7 --out ce-signed
              flowproof search-k2 --d 3 --family permutations --stats
              flowproof search-k2 --d 5 --family permutations --shard 1/8 --out part1
              flowproof search-k2 --merge part0 part1 --out all
            """)

    @Option(name: .customLong("d"), help: "Block size d (matrices are 2d×2d).")
    var d: Int?

    @Option(help: "Diagonal regime: positive (default) or signed.")
    var regime: Regime?

    @Option(help: "Candidate family: structured (default), random, integer or permutations.")
    var family: CandidateFamily?

    @Option(help: "Counterexamples to find (sampled families; default 10).")
    var count: Int?

    @Option(help: "Stop after deciding this many candidates (sampled families; default 1000 × count).")
    var maxCandidates: Int?

    @Option(help: "Seed; the same seed gives the same certificates (default 0).")
    var seed: UInt64?

    @Option(help: "Output directory for certificates and the run's .stats record.")
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
        guard merge.isEmpty else {
            let searchOptions = [
                d != nil, regime != nil, family != nil, count != nil, seed != nil, maxCandidates != nil,
                shard != nil, noNumeric,
            ]
            if searchOptions.contains(true) {
                throw ValidationError(
                    "--merge takes its parameters from the runs' records: drop --d, --regime, --family, --count, --seed, --max-candidates, --shard and --no-numeric"
                )
            }
            return
        }
        guard let d else { throw ValidationError("give --d N (or --merge DIR...)") }
        // Each counterexample carries an exact depth-3 factorization: about 85 s at
        // d = 32 on 2 cores, growing like d⁴ (d = 61 ran for minutes per candidate).
        guard (1...32).contains(d) else {
            throw ValidationError(
                "--d must be between 1 and 32 (certifying one counterexample takes about a minute at d = 32 and grows like d^4)")
        }
        if family == .permutations && d > 6 { throw ValidationError("--family permutations enumerates (2d)! matrices; d <= 6") }
        guard (count ?? 1) >= 1 else { throw ValidationError("--count must be positive") }
        guard (maxCandidates ?? 1) >= 1 else { throw ValidationError("--max-candidates must be positive") }
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
        guard merge.isEmpty else {
            let merged: [SearchK2Run.Result]
            do { merged = try SearchK2Run.merge(merge, into: out) } catch { throw fail(error) }
            for r in merged { report(r.statistics, files: r.files) }
            return
        }
        let (shardIndex, shardCount) = try shardSpec()
        let search = CounterexampleSearch(
            d: d!, regime: regime ?? .positive, family: family ?? .structured, seed: seed ?? 0,
            shardIndex: shardIndex, shardCount: shardCount, numeric: !noNumeric)
        let progress = ProgressLine(total: search.enumeratedCount ?? 0, enabled: !json && !quiet && standardErrorIsTerminal)
        let result: SearchK2Run.Result
        do {
            result = try SearchK2Run.run(search, count: count ?? 10, maxCandidates: maxCandidates, into: out) { s in
                progress.update(s.candidates, note: "depth 3: \(s[.depth3])")
            }
        } catch {
            progress.clear()
            throw fail(error)
        }
        progress.clear()
        report(result.statistics, files: result.files)
    }

    private func report(_ s: SearchStatistics, files: [String]) {
        if json {
            var fields: [(String, JSONValue)] = [("command", .string("search-k2")), ("out", .string(out))]
            fields += [
                ("d", .int(s.d)), ("regime", .string(s.regime.rawValue)), ("family", .string(s.family.rawValue)),
                ("candidates", .int(s.candidates)),
            ]
            for (outcome, key) in SearchStatistics.outcomeKeys { fields.append((key, .int(s[outcome]))) }
            fields += [
                ("counterexamplesWritten", .int(s.counterexamplesWritten)),
                ("decisionsPerSecond", .double((s.rate * 10).rounded() / 10)),
                ("files", .array(files.map(JSONValue.string))),
            ]
            print(JSONValue.object(fields).text)
            return
        }
        print(
            "\(files.count) certified counterexample\(files.count == 1 ? "" : "s") (depth 3, regime \(s.regime.rawValue), d = \(s.d)) in \(out)/"
        )
        if !s.family.isEnumerated && files.count < s.count && merge.isEmpty {
            print("fewer than --count \(s.count): stopped after \(s.candidates) candidates (raise --max-candidates)")
        }
        if stats { print(s.table) }
    }
}
