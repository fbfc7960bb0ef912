import Foundation

/// Foundation's `Process` on Linux starts children with almost every signal blocked, so SIGTERM never reaches a
/// server started that way and `waitUntilExit` hangs. Servers for tests are therefore started through a small
/// python3 supervisor that clears the signal mask, runs the real program, forwards SIGTERM to it, and stops it
/// when the test process dies without cleaning up (a crash must not leave servers behind).
public enum CleanSignalLauncher {
    static let supervisor = """
    import os, signal, subprocess, sys, time
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parent = os.getppid()
    child = subprocess.Popen(sys.argv[1:])
    def stop(*_):
        child.terminate()
        try:
            child.wait(5)
        except subprocess.TimeoutExpired:
            child.kill()
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    while child.poll() is None:
        if os.getppid() != parent:
            stop()
        time.sleep(0.2)
    sys.exit(child.returncode)
    """

    /// A configured, not yet started Process that runs `executable arguments…` with a clean signal mask.
    public static func process(executable: String, arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", supervisor, executable] + arguments
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

    /// Absolute path of python3 on PATH.
    public static var python3: String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/python3"
    }
}
