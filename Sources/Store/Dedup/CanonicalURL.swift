import Foundation

/// The form of a link used to recognise one story reached through different feeds: scheme and host lower-cased,
/// default port, fragment and tracking parameters dropped, remaining query parameters sorted.
public enum CanonicalURL {
    /// Query parameters that only say how a reader arrived, never what they read.
    static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "ysclid", "twclid",
        "igshid", "igsh", "mc_cid", "mc_eid", "mkt_tok", "_hsenc", "_hsmi", "__hssc", "__hstc", "__hsfp",
        "hsctatracking", "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "vero_conv", "vero_id",
        "_ga", "_gl", "ncid", "cmpid", "ocid", "sr_share", "spm", "scid", "trk", "trkcampaign", "at_medium",
        "at_campaign", "ito", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",
        "feedtype", "rss", "ref_src", "ref_url", "guccounter", "guce_referrer", "guce_referrer_sig",
    ]

    /// Parameter name prefixes of the same kind (utm_source, utm_medium, pk_campaign, …).
    static let trackingPrefixes = ["utm_", "pk_", "mtm_", "matomo_", "hmb_", "piwik_", "_bta_", "ga_"]

    static func isTracking(_ name: String) -> Bool {
        let lower = name.lowercased()
        if trackingParameters.contains(lower) { return true }
        return trackingPrefixes.contains { lower.hasPrefix($0) }
    }

    /// Returns nil for strings that are not absolute http(s) URLs (those are not worth deduplicating on).
    public static func canonicalize(_ link: String) -> String? {
        let trimmed = link.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, var components = URLComponents(string: trimmed),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else { return nil }
        // http and https of one story are one story.
        components.scheme = "https"
        var lowerHost = host.lowercased()
        if lowerHost.hasSuffix(".") { lowerHost.removeLast() }
        components.host = lowerHost
        if components.port == 80 || components.port == 443 { components.port = nil }
        components.fragment = nil
        components.user = nil
        components.password = nil
        if components.percentEncodedPath.isEmpty { components.percentEncodedPath = "/" }
        if let query = components.percentEncodedQuery {
            let kept = query.split(separator: "&", omittingEmptySubsequences: true).filter { pair in
                let name = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                return !isTracking(String(name).removingPercentEncoding ?? String(name))
            }.map(String.init).sorted()
            components.percentEncodedQuery = kept.isEmpty ? nil : kept.joined(separator: "&")
        }
        return components.string
    }
}
