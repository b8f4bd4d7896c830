import Foundation
import OnrampDomain

/// Development convenience: the master key lives in a file (mode 0600) in the data
/// directory, created on first start. Production must pass `ONRAMP_MASTER_KEY`.
enum MasterKeyFile {
    struct Unusable: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "The master key file \(path) cannot be used: \(reason)" }
    }

    static func loadOrCreate(at path: String) throws -> [UInt8] {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8).trimmingWhitespace()
            guard let data = Data(base64Encoded: text), data.count == 32 else {
                throw Unusable(path: path, reason: "it must hold base64 of exactly 32 bytes")
            }
            return Array(data)
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let created = manager.createFile(atPath: path, contents: Data((Data(key).base64EncodedString() + "\n").utf8),
                                         attributes: [.posixPermissions: 0o600])
        guard created else { throw Unusable(path: path, reason: "it could not be created") }
        return key
    }
}
