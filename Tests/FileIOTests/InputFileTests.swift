import FileIO
import Foundation
import Testing

@Suite struct InputFileTests {
    /// A fresh directory for one test.
    func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "/inputfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func reason(_ path: String) -> String? {
        do { _ = try InputFile.read(path); return nil } catch { return error.reason }
    }

    @Test func readsRegularFilesThroughSymbolicLinks() throws {
        let dir = try scratch()
        try Data("1 0\n0 1\n".utf8).write(to: URL(fileURLWithPath: dir + "/m.txt"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.txt", withDestinationPath: "m.txt")
        #expect(try InputFile.read(dir + "/link.txt") == Data("1 0\n0 1\n".utf8))
        #expect(try InputFile.isDirectory(dir) && !InputFile.isDirectory(dir + "/m.txt"))
    }

    @Test func namesWhatANonRegularPathIs() throws {
        let dir = try scratch()
        #expect(mkfifo(dir + "/fifo", 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: dir + "/a", withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(atPath: dir + "/b", withDestinationPath: "a")
        try FileManager.default.createSymbolicLink(atPath: dir + "/dangling", withDestinationPath: "nowhere")
        try FileManager.default.createDirectory(atPath: dir + "/x.json", withIntermediateDirectories: false)
        // Returns at once: the FIFO is never opened, so no writer is awaited.
        #expect(reason(dir + "/fifo") == "is a FIFO (named pipe), not a regular file")
        #expect(reason("/dev/zero") == "is a character device, not a regular file")
        #expect(reason(dir + "/x.json") == "is a directory, not a regular file")
        #expect(reason(dir + "/a") == "symbolic link loop (too many levels of symbolic links)")
        #expect(reason(dir + "/dangling") == "dangling symbolic link (its target does not exist)")
        #expect(reason(dir + "/missing") == "no such file or directory")
        #expect(reason("") == "empty path")
        #expect(try !InputFile.isDirectory(dir + "/fifo"))
        #expect(throws: InputFileError(path: dir + "/a", reason: "symbolic link loop (too many levels of symbolic links)")) {
            try InputFile.isDirectory(dir + "/a")
        }
    }

    @Test func refusesFilesOverTheSizeLimitWithoutReadingThem() throws {
        let path = try scratch() + "/huge.txt"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, off_t(InputFile.maximumBytes) + 1) == 0)  // sparse: no disk space used
        #expect(reason(path) == "file is larger than the 1 GiB input limit (1073741825 bytes)")
    }
}
