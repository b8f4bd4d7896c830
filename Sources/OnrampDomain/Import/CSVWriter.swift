/// Writes CSV that spreadsheets open safely: RFC 4180 quoting, and cells that a spreadsheet
/// would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) are
/// prefixed with an apostrophe (OWASP's advice against CSV injection).
public enum CSVWriter {
    public static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { text = "'" + text }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || text != value {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    /// One line, ending in CRLF.
    public static func row(_ values: [String]) -> String {
        values.map(cell).joined(separator: ",") + "\r\n"
    }
}
