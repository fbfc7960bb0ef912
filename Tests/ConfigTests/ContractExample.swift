import Testing
@testable import Config

/// A copy of ../shared/spec/tidings.example.toml (the configuration contract), kept here so the contract is
/// checked even where ../shared is absent. ContractFileTests compares it with the original when present.
enum ContractExample {
    static let text = #"""
# tidings configuration: the contract every part of the product reads (behaviour: README.md beside this file).
# Every key below is what the daemon, `tidings poll --once`, `tidings status` and the tests understand.
# Defaults are shown as comments. Durations: "30s", "10m", "2h", "1d". Sizes: "512KB", "10MB".

[store]
# SQLite (the embedded default). Default path: $STATE_DIRECTORY/tidings.db when systemd sets it, else ./tidings.db
path = "/var/lib/tidings/tidings.db"
# PostgreSQL instead (several daemons may share one): give `url` and leave out `path`.
# url = "postgresql://tidings@127.0.0.1:5432/tidings"
# retention = "30d"            # items older than this are pruned; their events closed

[poll]
# interval = "15m"             # default interval per feed
# min_interval = "5m"          # never poll a feed faster than this, whatever its hints say
# max_interval = "6h"
# concurrency = 64             # transfers in flight at once
# per_host = 4                 # transfers in flight per host
# timeout = "30s"              # whole transfer
# connect_timeout = "10s"
# max_bytes = "10MB"           # largest body accepted (after decompression)
# user_agent = "tidings/VERSION (+https://…)"
# first_fetch = "alert"        # or "baseline": learn a new feed's items without alerting on them

# Feeds: any number of [[feed]] tables, and/or an OPML file.
# opml = "/etc/tidings/feeds.opml"
[[feed]]
url = "https://example.org/world/rss.xml"
# name = "Example World"
# interval = "5m"
# fetch_articles = false        # fetch and extract each on-topic story's page

[[feed]]
url = "file:///usr/share/tidings/examples/feeds/wire.xml"

# Topics: see ../novelty-dev/README.md, "Query semantics".
[[topic]]
name = "india-us-defence"
query = '(India OR "New Delhi" OR Indian) AND (US OR "United States" OR Washington OR Pentagon OR American) AND (defence OR defense OR military)'

# Alert sinks: any number.
[[alert]]
type = "log"
path = "/var/lib/tidings/alerts.jsonl"

[[alert]]
type = "webhook"
url = "https://hooks.example.org/tidings"
# format = "json"               # or "slack" ({"text": …}, Slack/Mattermost-compatible)
# secret_env = "TIDINGS_WEBHOOK_SECRET"      # HMAC-SHA256 signing secret, from the environment
# secret_file = "/run/credentials/tidings.service/webhook-secret"   # or from a systemd credential
# topics = ["india-us-defence"]  # default: all topics
# give_up_after = "24h"         # then the alert is marked failed (see README.md here)
"""#
}
