#!/usr/bin/env bash
# Installs the Debian packages tidings needs to build, run and test, when any is missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

packages=(
  pkg-config
  libcurl4-openssl-dev   # fetching (libcurl multi)
  libssl-dev             # SHA-256 and HMAC from libcrypto (alert ids, webhook signatures)
  libxml2-dev            # feed and HTML parsing
  libdeflate-dev         # gzip / deflate response bodies
  libbrotli-dev          # br response bodies
  libzstd-dev            # zstd response bodies
  libxml2-utils          # xmllint: the benchmark's reference
  libsqlite3-dev         # the embedded store
  sqlite3                # the sqlite3 shell: tests inspect and age store files with it
  libpq-dev              # the PostgreSQL store
  postgresql             # tests start a throwaway server from this package
  nginx-light            # tests and benchmarks serve feeds from a real nginx
  curl                   # the benchmark's transfer floor
  python3                # conformance scorers, the misbehaving test server, the webhook receiver
  python3-aiosmtpd       # the SMTP receiver of the e-mail tests (aiosmtpd from PyPI, as Debian packages it)
  openssl                # the e-mail tests make a self-signed certificate for STARTTLS
  systemd                # systemd-analyze, to verify the unit file
  libmicrohttpd-dev      # the web page, feeds and /metrics (tidings run's HTTP server)
  chromium               # tests: headless Chromium renders the web page
  newsboat               # tests: a real feed reader subscribes to /alerts.atom
  prometheus             # tests: promtool checks /metrics
  python3-feedparser     # tests: Python feedparser reads the Atom feed of alerts (Debian's /usr/bin/python3)
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "tidings: installing missing packages: ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi


if ! command -v swift >/dev/null 2>&1; then
  for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
    if [ -x "$dir/swift" ]; then echo "tidings: swift is at $dir but not on PATH; add it: export PATH=$dir:\$PATH" >&2; exit 1; fi
  done
  echo "tidings: the Swift toolchain (6.0 or newer) is missing; install it from swift.org, then run this again" >&2
  exit 1
fi
