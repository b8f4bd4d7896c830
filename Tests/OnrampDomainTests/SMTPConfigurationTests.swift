import Testing
@testable import OnrampDomain

@Suite struct ConfigurationTests {
    @Test func plainSMTPDefaults() throws {
        let config = try SMTPConfiguration.parse("smtp://mail.example.com")
        #expect(config == SMTPConfiguration(host: "mail.example.com", port: 25, security: .startTLSIfAvailable))
        #expect(!config.hasCredentials)
        #expect(config.verifyCertificates)
        #expect(config.heloName == "localhost")
    }

    @Test func credentialsArePercentDecoded() throws {
        let config = try SMTPConfiguration.parse(
            "smtp://user%40example.com:p%40ss%3Aw%2Frd%20%C3%A9@mail.example.com:587/?from=noreply%40onramp.example")
        #expect(config.username == "user@example.com")
        #expect(config.password == "p@ss:w/rd é")
        #expect(config.host == "mail.example.com")
        #expect(config.port == 587)
        #expect(config.defaultFrom == "noreply@onramp.example")
        #expect(config.security == .startTLSIfAvailable)
    }

    @Test func implicitTLSDefaultsToPort465() throws {
        let config = try SMTPConfiguration.parse("SMTPS://u:p@smtp.example.com")
        #expect(config.security == .implicitTLS)
        #expect(config.port == 465)
        #expect(try SMTPConfiguration.parse("smtps://smtp.example.com:2465").port == 2465)
    }

    @Test func queryOptions() throws {
        #expect(try SMTPConfiguration.parse("smtp://h.example?starttls=required").security == .startTLSRequired)
        #expect(try SMTPConfiguration.parse("smtp://h.example?starttls=never").security == .none)
        #expect(try SMTPConfiguration.parse("smtp://h.example?starttls=auto").security == .startTLSIfAvailable)
        let config = try SMTPConfiguration.parse("smtp://h.example:2525?tls_verify=none&helo=app.onramp.example&starttls=required")
        #expect(!config.verifyCertificates)
        #expect(config.heloName == "app.onramp.example")
        #expect(config.security == .startTLSRequired)
    }

    @Test func ipAddressHosts() throws {
        let v6 = try SMTPConfiguration.parse("smtp://[::1]:2525")
        #expect(v6.host == "::1")
        #expect(v6.port == 2525)
        #expect(try SMTPConfiguration.parse("smtp://127.0.0.1:1025").host == "127.0.0.1")
    }

    @Test func descriptionMasksThePassword() throws {
        let config = try SMTPConfiguration.parse("smtp://ada:s3cret@mail.example.com:587?tls_verify=none")
        #expect(config.description == "smtp://ada:***@mail.example.com:587?tls_verify=none")
        #expect(!config.description.contains("s3cret"))
    }

    @Test(arguments: [
        ("http://mail.example.com", "ONRAMP_SMTP_URL must start with smtp:// or smtps://, e.g. smtp://user:password@mail.example.com:587."),
        ("mail.example.com:25", "ONRAMP_SMTP_URL must start with smtp:// or smtps://, e.g. smtp://user:password@mail.example.com:587."),
        ("smtp://", "ONRAMP_SMTP_URL has no host name."),
        ("smtp://u:p@:25", "ONRAMP_SMTP_URL has no host name."),
        ("smtp://mail.example.com:99999", "ONRAMP_SMTP_URL has an invalid port \"99999\"; use a number from 1 to 65535."),
        ("smtp://mail.example.com:smtp", "ONRAMP_SMTP_URL has an invalid port \"smtp\"; use a number from 1 to 65535."),
        ("smtp://ada@mail.example.com", "ONRAMP_SMTP_URL has a user name but no password (or a badly percent-encoded one); write user:password@host."),
        ("smtp://ada:%zz@mail.example.com", "ONRAMP_SMTP_URL has a user name but no password (or a badly percent-encoded one); write user:password@host."),
        ("smtp://mail.example.com/inbox", "ONRAMP_SMTP_URL must not have a path or fragment: give only scheme, credentials, host and port."),
        ("smtp://mail example.com", "ONRAMP_SMTP_URL must not contain spaces or line breaks; percent-encode them."),
        ("smtps://mail.example.com?starttls=required", "ONRAMP_SMTP_URL: starttls applies only to smtp:// URLs; smtps:// is already encrypted."),
        ("smtp://mail.example.com?starttls=yes", "ONRAMP_SMTP_URL: starttls must be required, never or auto, not \"yes\"."),
        ("smtp://mail.example.com?tls_verify=off", "ONRAMP_SMTP_URL: tls_verify must be none or full, not \"off\"."),
        ("smtp://mail.example.com?from=nobody", "ONRAMP_SMTP_URL: from=nobody is not a valid email address."),
        ("smtp://mail.example.com?sender=a@b.c", "ONRAMP_SMTP_URL has an unknown parameter \"sender\"; known ones are starttls, tls_verify, from and helo."),
        ("smtp://mail.example.com?from", "ONRAMP_SMTP_URL has a query parameter \"from\" without a value; write key=value."),
        ("smtp://[::1:25", "ONRAMP_SMTP_URL has an IPv6 address without its closing ]."),
        ("smtp://mail_ex!ample.com", "ONRAMP_SMTP_URL has an invalid host name \"mail_ex!ample.com\"."),
    ])
    func invalidURLsExplainThemselves(url: String, message: String) {
        #expect(throws: SMTPConfiguration.Invalid(message)) { try SMTPConfiguration.parse(url) }
    }

    @Test func errorsNameTheSetting() {
        #expect(throws: SMTPConfiguration.Invalid("MAIL_URL must start with smtp:// or smtps://, e.g. smtp://user:password@mail.example.com:587.")) {
            try SMTPConfiguration.parse("ftp://x", name: "MAIL_URL")
        }
    }

    @Test func loopbackAddresses() {
        for ip in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] { #expect(SMTPConfiguration.isLoopback(ip: ip), "\(ip)") }
        for ip in ["10.0.0.1", "128.0.0.1", "::2", "1.127.0.0", "127.0.0", "fe80::1", "localhost"] {
            #expect(!SMTPConfiguration.isLoopback(ip: ip), "\(ip)")
        }
    }
}
