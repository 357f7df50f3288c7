import Certificates
import CouplingLayers
import Foundation
import Search
import Testing
import Workflows

@Suite struct SearchK2RunTests {
    @Test func writesVerifiedCertificatesAndACompleteRecord() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let search = CounterexampleSearch(d: 2, regime: .positive, family: .structured, seed: 7, numeric: false)
        var updates = 0
        let r = try SearchK2Run.run(search, count: 2, into: directory) { _ in updates += 1 }
        #expect(r.files.count == 2 && r.statistics.counterexamplesWritten == 2 && updates > 0)
        #expect(r.statistics.maxCandidates == 2000)  // 1000 × count by default

        let record = try #require(SearchStatistics(contentsOf: (directory as NSString).appendingPathComponent(r.statistics.fileName)))
        #expect(record.complete && record.files == r.files.sorted() && record.seed == 7)
        for name in r.files {
            let path = (directory as NSString).appendingPathComponent(name)
            #expect(CertificateVerifier.verify(data: try Data(contentsOf: URL(fileURLWithPath: path))).isAccepted)
        }

        let merged = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: merged) }
        let totals = try SearchK2Run.merge([directory], into: merged)
        #expect(totals.count == 1 && totals[0].files == r.files.sorted())
        #expect(throws: WorkflowFailure.self) { try SearchK2Run.merge([directory, directory], into: merged) }
    }

    @Test func aLockedDirectoryIsRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lock = try DirectoryLock(directory: directory)
        let search = CounterexampleSearch(d: 2, regime: .positive, family: .structured, seed: 7, numeric: false)
        #expect(throws: DirectoryLock.Busy.self) { try SearchK2Run.run(search, count: 1, into: directory) }
        withExtendedLifetime(lock) {}
    }
}
