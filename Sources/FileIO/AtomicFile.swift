import Foundation

/// Why an output file was not written: "cannot write out.json: is a directory".
public struct OutputFileError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Files are written atomically (a temporary file in the same directory,
/// then `rename`), so an interrupted run never leaves half a certificate.
///
/// Only a missing path or a regular file is replaced: `rename` would turn a
/// device, FIFO or symbolic link into a regular file (as root, `--out
/// /dev/null` would replace the system's).
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws(OutputFileError) {
        try write(data: Data(text.utf8), to: path)
    }

    public static func write(data: Data, to path: String) throws(OutputFileError) {
        guard !path.isEmpty else { throw OutputFileError("output path is empty") }
        func failure(_ reason: String) -> OutputFileError { OutputFileError("cannot write \(path): \(reason)") }
        guard !path.hasSuffix("/") else { throw failure("the path names a directory") }
        var info = stat()
        if lstat(path, &info) == 0, let kind = Self.kind(info.st_mode) {
            throw failure(kind == "a directory" ? "is a directory" : "is \(kind); refusing to replace it with a regular file")
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path, name = url.lastPathComponent
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw failure("\(directory) is not a directory") }
        } else {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw failure("cannot create the directory \(directory): \(reason(error))")
            }
        }
        removeStaleTemporaries(of: name, in: directory)
        // Starts with "." and does not end in ".json", so `verify DIR` and
        // other readers of the directory never take it for output.
        let temporary = (directory as NSString).appendingPathComponent(temporaryPrefix(name) + String(getpid()))
        unlink(temporary)  // our own, from an earlier process with this PID
        do {
            try data.write(to: URL(fileURLWithPath: temporary), options: .withoutOverwriting)
        } catch {
            unlink(temporary)
            throw failure(reason(error))
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw failure(reason)
        }
    }

    /// What a non-regular existing file is, or nil for a regular file.
    static func kind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFLNK: "a symbolic link"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    /// The errno text under a Foundation error ("Not a directory"), not
    /// "NSCocoaErrorDomain error 512".
    static func reason(_ error: Error) -> String {
        guard let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? POSIXError else { return error.localizedDescription }
        return String(cString: strerror(underlying.code.rawValue))
    }

    static func temporaryPrefix(_ name: String) -> String { ".\(name).tmp-" }

    /// Removes `.NAME.tmp-PID` files left by writers killed before their
    /// rename (kill -9), but only those whose process no longer exists: a
    /// concurrent writer's temporary file is never touched.
    static func removeStaleTemporaries(of name: String, in directory: String) {
        let prefix = temporaryPrefix(name)
        guard let siblings = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for sibling in siblings where sibling.hasPrefix(prefix) {
            guard let pid = pid_t(sibling.dropFirst(prefix.count)), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink((directory as NSString).appendingPathComponent(sibling)) }
        }
    }
}
