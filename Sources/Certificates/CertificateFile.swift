import Foundation

/// Files are written atomically (a temporary file in the same directory,
/// then `rename`), so an interrupted run never leaves half a certificate.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws(CertificateError) {
        try write(data: Data(text.utf8), to: path)
    }

    public static func write(data: Data, to path: String) throws(CertificateError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                throw CertificateError("cannot write \(path): rename failed (errno \(errno))")
            }
        } catch let error as CertificateError {
            throw error
        } catch {
            throw CertificateError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}

extension Certificate {
    public func write(to path: String) throws(CertificateError) { try AtomicFile.write(jsonText, to: path) }
}
