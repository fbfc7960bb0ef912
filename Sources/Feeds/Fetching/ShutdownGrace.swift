/// How long a shutdown waits for the reply to a delivery whose every byte the receiver already has: an e-mail
/// handed over in full (`SMTPSender`) or a webhook POST sent in full (`MultiLoop`). Aborting then would leave an
/// alert the receiver may already hold to be sent again by the next daemon; waiting a little lets the reply arrive
/// and the alert be marked delivered. A stalled receiver still ends the wait, inside the daemon's 8 s shutdown
/// budget (`DaemonRunner.shutdownBudget`), which the caller's wait for the fetcher counts against.
public enum ShutdownGrace {
    public static let replySeconds: Double = 4
}
