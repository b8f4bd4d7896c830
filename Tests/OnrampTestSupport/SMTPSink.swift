import Foundation

/// Test support shared by the integration and app tests.
///
/// A running `smtp_sink.py` (a real aiosmtpd server on 127.0.0.1) and the messages it accepted.
public final class SMTPSink {
    /// One message as Python's email parser decoded it.
    public struct Received: Decodable {
        public let mail_from: String
        public let rcpt_tos: [String]
        public let tls: Bool
        public let esmtp: Bool
        public let auth_user: String?
        public let subject: String
        public let from: String
        public let to: String
        public let message_id: String
        public let date: String
        public let content_type: String
        public let headers: [String: String]
        public let defects: [String]
        public let text: String?
        public let html: String?
        public let raw: String
    }

    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/smtp_sink.py")

    /// Whether python3 can import aiosmtpd (`pip install aiosmtpd`).
    public static let isAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import aiosmtpd"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    public let port: Int
    public let directory: URL
    private let process: Process
    /// The sink's standard input: it exits when this closes (also when the test process dies).
    private let lifeline = Pipe()

    /// Starts the sink with `arguments` (see the script's docstring) and waits until it listens.
    public init(_ arguments: [String] = []) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let readyFile = directory.appendingPathComponent("port")
        let errorLog = directory.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, "--mail-dir", directory.appendingPathComponent("mail").path,
                             "--ready-file", readyFile.path] + arguments
        process.standardInput = lifeline
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()

        let deadline = Date().addingTimeInterval(20)
        while true {
            if let text = try? String(contentsOf: readyFile, encoding: .utf8), let port = Int(text) {
                self.port = port
                return
            }
            guard process.isRunning, Date() < deadline else {
                let log = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
                Self.stop(process, lifeline)
                throw SinkFailed(description: "smtp_sink.py did not start: \(log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    public struct SinkFailed: Error, CustomStringConvertible { public let description: String }

    /// Every message accepted so far, oldest first.
    public func received() throws -> [Received] {
        let mail = directory.appendingPathComponent("mail")
        let names = try FileManager.default.contentsOfDirectory(atPath: mail.path)
            .filter { $0.hasSuffix(".json") }
            .sorted { (Int($0.dropLast(5)) ?? 0) < (Int($1.dropLast(5)) ?? 0) }
        return try names.map { try JSONDecoder().decode(Received.self, from: Data(contentsOf: mail.appendingPathComponent($0))) }
    }

    /// Closing its input stops the sink; SIGKILL covers a sink that hangs (the test runner blocks
    /// SIGTERM, and children inherit that).
    private static func stop(_ process: Process, _ lifeline: Pipe) {
        try? lifeline.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit {
        Self.stop(process, lifeline)
        try? FileManager.default.removeItem(at: directory)
    }
}
