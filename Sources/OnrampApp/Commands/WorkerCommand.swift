import Foundation
import Vapor

/// `onramp worker [--until-idle]`: runs jobs without serving HTTP, to scale out.
struct WorkerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "until-idle", help: "Exit once no job is due and none is running.")
        var untilIdle: Bool
    }

    var help: String { "Runs background jobs (several workers may share one PostgreSQL database)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let runner = app.jobRunner
        context.console.print("Worker \(runner.worker) started.")
        if signature.untilIdle {
            while true {
                let started = try await runner.tick()
                if started == 0 && !runner.isBusy { break }
                if started == 0 { try await Task.sleep(for: .milliseconds(50)) }
            }
            context.console.print("No job is due; worker \(runner.worker) stops.")
            return
        }
        runner.start()
        // SIGTERM or SIGINT ends the worker after its running jobs finish.
        let (signals, continuation) = AsyncStream<Void>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for signal in [SIGTERM, SIGINT] {
            Foundation.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal)
            source.setEventHandler { continuation.yield() }
            source.resume()
            sources.append(source)
        }
        for await _ in signals { break }
        sources.forEach { $0.cancel() }
        context.console.print("Stopping worker \(runner.worker)…")
        await runner.stop()
    }
}
