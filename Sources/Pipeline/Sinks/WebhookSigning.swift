/// Headers of one webhook request, per the contract: `Idempotency-Key` always, and with a secret
/// `X-Tidings-Timestamp` plus `X-Tidings-Signature: sha256=<hex HMAC(secret, timestamp + "." + body)>`.
public enum WebhookHeaders {
    public static func make(alertID: String, body: String, secret: [UInt8]?, unixTime: Int) -> [(String, String)] {
        var headers: [(String, String)] = [
            ("Content-Type", "application/json"),
            ("Idempotency-Key", alertID),
        ]
        if let secret, !secret.isEmpty {
            let timestamp = String(unixTime)
            headers.append(("X-Tidings-Timestamp", timestamp))
            headers.append(("X-Tidings-Signature", "sha256=" + signature(secret: secret, timestamp: timestamp, body: body)))
        }
        return headers
    }

    public static func signature(secret: [UInt8], timestamp: String, body: String) -> String {
        Hex.lowercase(HMACSHA256.authenticationCode(key: secret, message: Array((timestamp + "." + body).utf8)))
    }
}
