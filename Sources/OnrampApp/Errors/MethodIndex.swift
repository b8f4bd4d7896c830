import Vapor

/// Finds which methods a path supports, so an unsupported method answers 405 with `Allow`
/// instead of 404.
enum MethodIndex {
    static func allowedMethods(for request: Request) -> [HTTPMethod] {
        let segments = request.url.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var methods: [HTTPMethod] = []
        for route in request.application.routes.all where matches(route.path, segments) {
            if !methods.contains(route.method) { methods.append(route.method) }
        }
        if methods.contains(.GET), !methods.contains(.HEAD) { methods.append(.HEAD) }
        return methods.sorted { $0.rawValue < $1.rawValue }
    }

    static func matches(_ pattern: [PathComponent], _ segments: [String]) -> Bool {
        var index = 0
        for component in pattern {
            switch component {
            case .catchall:
                return index < segments.count
            case .constant(let text):
                guard index < segments.count, segments[index] == text else { return false }
            case .parameter, .anything:
                guard index < segments.count else { return false }
            }
            index += 1
        }
        return index == segments.count
    }
}
