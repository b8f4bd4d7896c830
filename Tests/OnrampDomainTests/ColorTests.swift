import OnrampDomain
import Testing

@Suite("Color")
struct ColorTests {
    @Test("#RGB and #RRGGBB in either case are read")
    func parsing() throws {
        #expect(Color(hex: "#abc") == Color(red: 0xAA, green: 0xBB, blue: 0xCC))
        #expect(Color(hex: "#ABC") == Color(red: 0xAA, green: 0xBB, blue: 0xCC))
        #expect(Color(hex: "#AABBCC") == Color(red: 0xAA, green: 0xBB, blue: 0xCC))
        #expect(Color(hex: "#1f5fbf") == Color(red: 0x1F, green: 0x5F, blue: 0xBF))
        #expect(Color(hex: "#000") == Color(red: 0, green: 0, blue: 0))
        #expect(Color(hex: "#ffffff") == Color(red: 255, green: 255, blue: 255))
        let color = try #require(Color(hex: "#102030"))
        #expect(color.red == 0x10)
        #expect(color.green == 0x20)
        #expect(color.blue == 0x30)
    }

    @Test("anything else is refused", arguments: [
        "", "#", "abc", "AABBCC", "#ab", "#abcd", "#abcde", "#aabbccd", "#aabbccdd", "#ggg", "#12345g", "# abc",
        "#abc ", "#-12345", "#+12345", "##abc", "rgb(0,0,0)", "#ＡＢＣ", "#ＡＡＢＢＣＣ",
    ])
    func invalid(_ text: String) {
        #expect(Color(hex: text) == nil)
    }

    @Test("hex output is #RRGGBB in upper case and round-trips")
    func hexOutput() {
        #expect(Color(red: 0xAA, green: 0xBB, blue: 0xCC).hex == "#AABBCC")
        #expect(Color(red: 0, green: 0x0F, blue: 0xF0).hex == "#000FF0")
        #expect(Color(hex: "#abc")?.hex == "#AABBCC")
        #expect(Color(hex: "#1f5fbf")?.hex == "#1F5FBF")
        for value in stride(from: 0, through: 255, by: 17) {
            let color = Color(red: UInt8(value), green: UInt8(255 - value), blue: UInt8(value / 2))
            #expect(Color(hex: color.hex) == color)
        }
    }

    @Test("relative luminance: black 0, white 1, in between for grey and colours")
    func luminance() {
        #expect(Color(red: 0, green: 0, blue: 0).luminance == 0)
        #expect(abs(Color(red: 255, green: 255, blue: 255).luminance - 1) < 1e-9)
        #expect(abs(Color(red: 255, green: 0, blue: 0).luminance - 0.2126) < 1e-9)
        #expect(abs(Color(red: 0, green: 255, blue: 0).luminance - 0.7152) < 1e-9)
        #expect(abs(Color(red: 0, green: 0, blue: 255).luminance - 0.0722) < 1e-9)
        // Below the linear threshold (10/255 < 0.04045) the channel is divided by 12.92.
        #expect(abs(Color(red: 10, green: 10, blue: 10).luminance - 10.0 / 255 / 12.92) < 1e-12)
        let grey = Color(hex: "#777777")!.luminance
        #expect(grey > 0.18 && grey < 0.19)
    }

    @Test("contrast ratios follow WCAG")
    func contrast() {
        let black = Color(hex: "#000")!, white = Color(hex: "#fff")!
        #expect(abs(Color.contrastRatio(black, white) - 21) < 1e-9)
        #expect(abs(Color.contrastRatio(white, black) - 21) < 1e-9)
        #expect(Color.contrastRatio(white, white) == 1)
        #expect(Color.contrastRatio(black, black) == 1)
        let grey = Color(hex: "#777")!
        #expect(abs(Color.contrastRatio(grey, white) - 4.48) < 0.005)
        #expect(Color.contrastRatio(grey, white) < 4.5)
        #expect(Color.contrastRatio(Color(hex: "#767676")!, white) >= 4.5)
        #expect(Color.contrastRatio(grey, white) == Color.contrastRatio(white, grey))
    }
}
