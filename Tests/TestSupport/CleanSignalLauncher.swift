import Foundation

/// Foundation's `Process` on Linux starts children with almost every signal blocked, so SIGTERM never reaches a
/// server started that way and `waitUntilExit` hangs. Servers for tests are therefore started through a tiny
/// python3 trampoline that clears the signal mask and execs the real program (the mask survives exec).
public enum CleanSignalLauncher {
    static let trampoline = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])"

    /// A configured, not yet started Process that runs `executable arguments…` with a clean signal mask.
    public static func process(executable: String, arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", trampoline, executable] + arguments
        return process
    }

    /// SIGTERM, up to `grace` seconds to exit, then SIGKILL; always reaps the child.
    public static func stop(_ process: Process, grace: TimeInterval = 3) {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
    }

    /// Absolute path of python3 on PATH (the trampoline execs by path).
    public static var python3: String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/python3"
    }
}
