import Testing
import VaporTesting
@Test func placeholder() { #expect(1 == 1) }
