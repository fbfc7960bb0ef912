import CSQLite
import Foundation
import Support

/// Copies the WAL back into the database file on a thread and connection of its own, so the writer never waits
/// for a checkpoint. With `synchronous=NORMAL` a commit only appends to the WAL; the fsyncs happen at checkpoints,
/// and SQLite's automatic checkpoint runs them inside the commit that crossed the threshold. Measured at 1,000,000
/// items (store-bench): the writer thread spent 21 s on CPU and 37 s on the wall, most of the difference waiting
/// for those fsyncs; with this thread, 16–18 s of CPU in 18–22 s on the wall in the quieter runs.
///
/// A PASSIVE checkpoint takes no lock that the writer or the readers need; it copies every frame no reader still
/// uses. Should it fall behind (a disk slower than the ingest), the writer runs a FULL checkpoint itself once the
/// WAL holds `hardCapFrames`: it waits for the thread's checkpoint and copies the rest, so a slow disk slows the
/// writer instead of growing the WAL without bound.
final class BackgroundCheckpointer: @unchecked Sendable {
    private let path: String
    private let thresholdFrames: Int32
    private let hardCapFrames: Int32
    /// Frames left for the writer to copy itself when it finishes a round of checkpoints.
    private let finishGapFrames: Int32

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var requested = false
    private var checkpointing = false
    private var stopping = false
    /// The thread starts at the first request, so a process that never fills the WAL (`tidings status`, a small
    /// `poll --once`) never pays for a thread and a connection.
    private var started = false
    private var finished = false
    private var completed = 0
    /// WAL frames the last background checkpoint copied back; 0 once the WAL restarted.
    private var copiedThrough: Int32 = 0

    /// Checkpoints the thread ran so far.
    var checkpoints: Int {
        condition.lock()
        defer { condition.unlock() }
        return completed
    }

    init(path: String, thresholdFrames: Int32) {
        self.path = path
        self.thresholdFrames = max(1, thresholdFrames)
        self.hardCapFrames = max(1, thresholdFrames) * 8
        self.finishGapFrames = max(thresholdFrames / 16, 64)
    }

    /// Installs the hook that sees the WAL's size after each commit of `writer`. The hook holds this object
    /// unretained: the store keeps it alive until the writer connection is closed.
    func watch(_ writer: OpaquePointer) {
        sqlite3_wal_hook(writer, walHook, Unmanaged.passUnretained(self).toOpaque())
    }

    /// What the committing connection should do itself after a commit.
    enum WriterAction { case nothing, finishPassive, catchUpFull }

    /// After a commit, with the WAL's size in frames. Once the WAL holds `thresholdFrames`, the thread copies
    /// frames back, again and again while the writer adds more: each round copies what was written during the
    /// one before, so the gap shrinks to what is written during one fsync. Then the committing connection runs
    /// a PASSIVE checkpoint itself over those few frames: only a checkpoint that reaches the end of the WAL lets
    /// the next transaction restart it from its start, and only the writer can reach the end, since it adds the
    /// frames. At the hard cap (the thread cannot keep up: a disk slower than the ingest) it runs a FULL one.
    fileprivate func committed(walFrames: Int32) -> WriterAction {
        guard walFrames >= thresholdFrames else { return .nothing }
        condition.lock()
        defer { condition.unlock() }
        if walFrames < copiedThrough { copiedThrough = 0 }   // the WAL restarted since
        let gap = walFrames - copiedThrough
        if walFrames >= hardCapFrames { return .catchUpFull }
        if copiedThrough > 0 && gap <= finishGapFrames { return .finishPassive }
        if !requested {
            requested = true
            if started {
                condition.signal()
            } else if !stopping {
                started = true
                let thread = Thread { [self] in
                    ThreadName.setCurrent("tidings-ckpt")
                    run()
                }
                thread.start()
            }
        }
        return .nothing
    }

    /// Returns once the thread is not running a checkpoint.
    func waitWhileCheckpointing() {
        condition.lock()
        while checkpointing { condition.wait() }
        condition.unlock()
    }

    /// Whether the thread was started (tests).
    var threadStarted: Bool {
        condition.lock()
        defer { condition.unlock() }
        return started
    }

    /// Ends the thread (if it ever started) after the checkpoint it may be running; closes its connection.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while started && !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        var connection: OpaquePointer?
        // Its own connection: a checkpoint must not share the writer's (whose mutex the writer holds while it
        // works). Opening cannot fail where the writer's opened; if it did, SQLite's checkpoint at the hard cap
        // and at close still keeps the WAL bounded.
        if sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) != SQLITE_OK {
            sqlite3_close_v2(connection)
            connection = nil
        }
        // A connection learns that the file is in WAL mode at its first read; until then a checkpoint on it is
        // a no-op.
        if let opened = connection, sqlite3_exec(opened, "SELECT count(*) FROM sqlite_master", nil, nil, nil) != SQLITE_OK {
            sqlite3_close_v2(opened)
            connection = nil
        }
        while true {
            condition.lock()
            while !requested && !stopping { condition.wait() }
            if stopping {
                // Closed before `stop` returns: the store's writer must be the last connection to close, since
                // the last one copies the WAL back and removes it, holding the file's lock while it does.
                sqlite3_close_v2(connection)
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            requested = false
            guard let connection else {
                condition.unlock()
                continue
            }
            checkpointing = true
            condition.unlock()
            // SQLITE_BUSY only means another checkpoint runs (the writer's, at the hard cap): nothing to do.
            var walFrames: Int32 = 0, copiedFrames: Int32 = 0
            let code = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, &walFrames, &copiedFrames)
            condition.lock()
            checkpointing = false
            condition.broadcast()
            if code == SQLITE_OK, copiedFrames > 0 {
                completed += 1
                copiedThrough = copiedFrames
            }
            condition.unlock()
        }
    }
}

private let walHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
    context, connection, database, frames in
    guard let context else { return SQLITE_OK }
    let checkpointer = Unmanaged<BackgroundCheckpointer>.fromOpaque(context).takeUnretainedValue()
    switch checkpointer.committed(walFrames: frames) {
    case .nothing: break
    case .finishPassive: _ = sqlite3_wal_checkpoint_v2(connection, database, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    case .catchUpFull:
        // SQLITE_BUSY: the thread is checkpointing (a checkpoint lock is never waited for): wait until it is done.
        for _ in 0..<20 {
            guard sqlite3_wal_checkpoint_v2(connection, database, SQLITE_CHECKPOINT_FULL, nil, nil) == SQLITE_BUSY else { break }
            checkpointer.waitWhileCheckpointing()
        }
    }
    return SQLITE_OK
}
