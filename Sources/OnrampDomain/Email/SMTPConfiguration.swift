import Foundation

/// Where and how to deliver mail, parsed from one URL such as `ONRAMP_SMTP_URL`:
///
/// - `smtp://user:pass@host:port`: plain connection (port 25 by default) upgraded with STARTTLS
///   when the server offers it; `?starttls=required` refuses servers that don't, `?starttls=never`
///   never upgrades.
/// - `smtps://user:pass@host:port`: TLS from the first byte (port 465 by default).
/// - `?from=noreply@example.com`: the default sender for callers that have none of their own.
/// - `?tls_verify=none`: accept any certificate (self-signed test and development servers only).
/// - `?helo=name`: the name given in EHLO/HELO (default `localhost`).
///
/// User name and password are percent-decoded (write `@` as `%40`, `:` as `%3A`).
public struct SMTPConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is protected.
    public enum Security: String, Sendable, Equatable {
        /// TLS from the start (`smtps://`).
        case implicitTLS
        /// STARTTLS when the server offers it, plain text otherwise (`smtp://`, the default).
        case startTLSIfAvailable
        /// STARTTLS or fail (`?starttls=required`).
        case startTLSRequired
        /// Never upgrade (`?starttls=never`).
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var defaultFrom: String?
    /// False only with `?tls_verify=none`.
    public var verifyCertificates: Bool
    public var heloName: String

    public init(
        host: String, port: Int, security: Security, username: String? = nil, password: String? = nil,
        defaultFrom: String? = nil, verifyCertificates: Bool = true, heloName: String = "localhost"
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.defaultFrom = defaultFrom
        self.verifyCertificates = verifyCertificates
        self.heloName = heloName
    }

    /// Whether AUTH will be attempted.
    public var hasCredentials: Bool { username != nil }

    /// The URL with the password masked, safe for logs.
    public var description: String {
        var text = security == .implicitTLS ? "smtps://" : "smtp://"
        if let username { text += "\(username):***@" }
        text += host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var query: [String] = []
        if security == .startTLSRequired { query.append("starttls=required") }
        if security == .none { query.append("starttls=never") }
        if !verifyCertificates { query.append("tls_verify=none") }
        if let defaultFrom { query.append("from=\(defaultFrom)") }
        if heloName != "localhost" { query.append("helo=\(heloName)") }
        return query.isEmpty ? text : text + "?" + query.joined(separator: "&")
    }

    /// A configuration problem, described for whoever set the variable.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Parses `text`; `name` is the setting's name as the operator knows it, used in error messages.
    public static func parse(_ text: String, name: String = "ONRAMP_SMTP_URL") throws(Invalid) -> SMTPConfiguration {
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        let security: Security
        let lowered = rest.lowercased()
        if lowered.hasPrefix("smtps://") {
            security = .implicitTLS
            rest = rest.dropFirst(8)
        } else if lowered.hasPrefix("smtp://") {
            security = .startTLSIfAvailable
            rest = rest.dropFirst(7)
        } else {
            throw Invalid("\(name) must start with smtp:// or smtps://, e.g. smtp://user:password@mail.example.com:587.")
        }
        guard !rest.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw Invalid("\(name) must not contain spaces or line breaks; percent-encode them.")
        }

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/"), !rest.contains("#") else {
            throw Invalid("\(name) must not have a path or fragment: give only scheme, credentials, host and port.")
        }

        var configuration = SMTPConfiguration(host: "", port: security == .implicitTLS ? 465 : 25, security: security)
        var hostPort = rest
        if let at = rest.lastIndex(of: "@") {
            hostPort = rest[rest.index(after: at)...]
            let userInfo = rest[..<at]
            let colon = userInfo.firstIndex(of: ":")
            let rawUser = colon.map { userInfo[..<$0] } ?? userInfo
            guard let user = String(rawUser).removingPercentEncoding, !user.isEmpty else {
                throw Invalid("\(name) has an empty or badly percent-encoded user name.")
            }
            guard let colon, let password = String(userInfo[userInfo.index(after: colon)...]).removingPercentEncoding else {
                throw Invalid("\(name) has a user name but no password (or a badly percent-encoded one); write user:password@host.")
            }
            configuration.username = user
            configuration.password = password
        }

        // Host: `name`, `1.2.3.4` or `[::1]`, then an optional `:port`.
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw Invalid("\(name) has an IPv6 address without its closing ].")
            }
            configuration.host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw Invalid("\(name) has unexpected text after the IPv6 address.") }
                portText = after.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            configuration.host = String(hostPort[..<colon])
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            configuration.host = String(hostPort)
        }
        guard !configuration.host.isEmpty else { throw Invalid("\(name) has no host name.") }
        guard configuration.host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:_".contains($0)) }) else {
            throw Invalid("\(name) has an invalid host name \"\(configuration.host)\".")
        }
        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw Invalid("\(name) has an invalid port \"\(portText)\"; use a number from 1 to 65535.")
            }
            configuration.port = port
        }

        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].lowercased()
            guard parts.count == 2, let value = String(parts[1]).removingPercentEncoding else {
                throw Invalid("\(name) has a query parameter \"\(pair)\" without a value; write key=value.")
            }
            switch key {
            case "starttls":
                guard security != .implicitTLS else {
                    throw Invalid("\(name): starttls applies only to smtp:// URLs; smtps:// is already encrypted.")
                }
                switch value.lowercased() {
                case "required": configuration.security = .startTLSRequired
                case "never": configuration.security = .none
                case "auto", "opportunistic": configuration.security = .startTLSIfAvailable
                default: throw Invalid("\(name): starttls must be required, never or auto, not \"\(value)\".")
                }
            case "tls_verify":
                switch value.lowercased() {
                case "none": configuration.verifyCertificates = false
                case "full": configuration.verifyCertificates = true
                default: throw Invalid("\(name): tls_verify must be none or full, not \"\(value)\".")
                }
            case "from":
                guard EmailMessage.isPlausibleAddress(value) else {
                    throw Invalid("\(name): from=\(value) is not a valid email address.")
                }
                configuration.defaultFrom = value
            case "helo":
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
                    throw Invalid("\(name): helo must be a host name without spaces.")
                }
                configuration.heloName = value
            default:
                throw Invalid("\(name) has an unknown parameter \"\(key)\"; known ones are starttls, tls_verify, from and helo.")
            }
        }
        return configuration
    }

    /// Whether `ip` (as printed by the socket layer) is a loopback address: 127.0.0.0/8, ::1 or
    /// an IPv4-mapped 127.x address. Credentials may cross plain text only to such an address.
    public static func isLoopback(ip: String) -> Bool {
        let lowered = ip.lowercased()
        if lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let v4 = lowered.hasPrefix("::ffff:") ? String(lowered.dropFirst(7)) : lowered
        let octets = v4.split(separator: ".")
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
