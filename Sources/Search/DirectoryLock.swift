import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a search-k2 output directory for the lifetime of a
/// run, so two runs never interleave their certificates and records.
///
/// `flock` on `DIR/.search-k2.lock`: the kernel releases it when the process
/// ends, however it ends, so a killed run never leaves the directory locked.
/// The lock file stays (unlinking it would race with a waiting opener).
public final class DirectoryLock {
    private let descriptor: Int32

    public struct Busy: Error, CustomStringConvertible {
        public let description: String
    }

    public init(directory: String) throws(Busy) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Busy(description: "\(directory): cannot create the output directory (\(error.localizedDescription))")
        }
        let path = (directory as NSString).appendingPathComponent(".search-k2.lock")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Busy(description: "\(path): cannot open the lock file (\(String(cString: strerror(errno))))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Busy(description: "\(directory): another search-k2 run is writing to this directory")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
