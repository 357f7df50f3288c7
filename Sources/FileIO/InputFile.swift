import Foundation

/// Why an input path was not read, as a phrase saying what the path is or
/// what went wrong: "is a FIFO (named pipe), not a regular file".
public struct InputFileError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) { self.path = path; self.reason = reason }

    public var description: String { "\(path): \(reason)" }
}

/// Reads whole input files (matrices, certificates), but only regular files
/// of bounded size: a FIFO would block until a writer appears, `/dev/zero`
/// never ends, and a directory or device given by mistake deserves its name
/// rather than "cannot read file".
///
/// ```swift
/// let data = try InputFile.read("cert.json")   // throws "cert.json: is a directory, not a file"
/// ```
public enum InputFile {
    /// Larger files are refused before reading. Depth-3 certificates reach
    /// ~350 MB at d = 32 and a dense 4096×4096 matrix of 20-digit entries
    /// ~350 MB, so 1 GiB refuses nothing flowproof could use.
    public static let maximumBytes = 1 << 30

    /// Whether `path` is a directory (symbolic links followed); throws if it
    /// cannot be examined (missing, a symbolic-link loop, no permission).
    public static func isDirectory(_ path: String) throws(InputFileError) -> Bool {
        try status(path).st_mode & S_IFMT == S_IFDIR
    }

    /// The contents of the regular file at `path` (symbolic links followed).
    public static func read(_ path: String) throws(InputFileError) -> Data {
        // stat first: opening a FIFO or device can block or have side effects.
        try requireRegular(status(path), path)
        // O_NONBLOCK in case the path became a FIFO since stat; fstat then
        // checks what was actually opened.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(path, errno) }
        try requireRegular(info, path)
        var data = Data(capacity: Int(info.st_size) + 1)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = readBytes(fd, &buffer)
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path, errno)
            }
            if count == 0 { return data }
            data.append(buffer, count: count)
            // The file may grow while it is read.
            guard data.count <= maximumBytes else { throw tooLarge(path, data.count) }
        }
    }

    private static func status(_ path: String) throws(InputFileError) -> stat {
        guard !path.isEmpty else { throw InputFileError(path: path, reason: "empty path") }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            var link = stat()
            if code == ENOENT, lstat(path, &link) == 0 {
                throw InputFileError(path: path, reason: "dangling symbolic link (its target does not exist)")
            }
            throw failure(path, code)
        }
        return info
    }

    private static func requireRegular(_ info: stat, _ path: String) throws(InputFileError) {
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            guard info.st_size <= maximumBytes else { throw tooLarge(path, Int(info.st_size)) }
            return
        case S_IFDIR: kind = "a directory"
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "a special file"
        }
        throw InputFileError(path: path, reason: "is \(kind), not a regular file")
    }

    private static func tooLarge(_ path: String, _ bytes: Int) -> InputFileError {
        InputFileError(path: path, reason: "file is larger than the \(maximumBytes >> 30) GiB input limit (\(bytes) bytes)")
    }

    private static func failure(_ path: String, _ code: Int32) -> InputFileError {
        let reason =
            switch code {
            case ENOENT: "no such file or directory"
            case ELOOP: "symbolic link loop (too many levels of symbolic links)"
            case EACCES, EPERM: "permission denied"
            case ENOTDIR: "a component of the path is not a directory"
            default: String(cString: strerror(code))
            }
        return InputFileError(path: path, reason: reason)
    }
}

/// `read(2)` into the whole buffer; outside `InputFile`, whose `read` hides it.
private func readBytes(_ fd: Int32, _ buffer: inout [UInt8]) -> Int {
    buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
}
