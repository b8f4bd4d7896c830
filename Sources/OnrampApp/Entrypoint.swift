import Foundation
import Logging
import NIOCore
import NIOPosix
import OnrampDomain
import Vapor

/// Starts Onramp: parses the command line, configures, runs the command (`serve` by default).
public enum Entrypoint {
    public static func main() async {
        // Runs Swift concurrency's tasks on NIO's event loops, so an async route handler does
        // not hop between dispatch threads and event-loop threads at every await.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        var env: Vapor.Environment
        do {
            env = try Environment.detect()
            try LoggingSystem.bootstrap(from: &env)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(2)
        }
        let app: Application
        do {
            app = try await Application.make(env)
        } catch {
            FileHandle.standardError.write(Data("Onramp could not start: \(error)\n".utf8))
            exit(1)
        }
        do {
            try await configure(app)
            try await app.execute()
            try await app.asyncShutdown()
        } catch let invalid as OnrampSettings.Invalid {
            FileHandle.standardError.write(Data("\(invalid.description)\n".utf8))
            try? await app.asyncShutdown()
            exit(78)
        } catch is ExitCode {
            try? await app.asyncShutdown()
            exit(1)
        } catch {
            app.logger.report(error: error)
            FileHandle.standardError.write(Data("Onramp stopped: \(error)\n".utf8))
            try? await app.asyncShutdown()
            exit(1)
        }
    }
}
