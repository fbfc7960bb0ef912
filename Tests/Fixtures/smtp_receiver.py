#!/usr/bin/env python3
"""An SMTP receiver for tidings' tests, on aiosmtpd (PyPI; scripts/install-deps.sh installs it).

Every message it accepts (or refuses) is parsed with Python's `email` package and appended to --records as one
JSON line (flushed, fsync'd): envelope, decoded headers (Subject, From, To, Message-ID, In-Reply-To, References,
Date, Auto-Submitted, List-Id, X-Tidings-*), the text/plain and text/html parts decoded, the parser's defects,
whether the session was under TLS, and the reply given.

--mode ok        accept everything (250)
--mode tempfail  answer the first --fail-times messages "451 4.3.0", then accept
--mode refuse    answer every message "550 5.7.1"
--mode stall     accept TCP connections and never say a word (no greeting): the client must time out
--reply-delay S  record each message, then wait S seconds before the reply to its data
--tls-cert/--tls-key   offer STARTTLS with this certificate and refuse mail before it (require_starttls)
--auth USER:PASSWORD   require SMTP AUTH with these credentials (535 for others)
--refuse-rcpt ADDRESS  answer RCPT TO for this address "550 5.1.1" (recorded as {"refused_rcpt": …})

Prints "LISTENING <port>" on stdout once it accepts connections (--port 0 picks a free port).
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

args = None
counter = {"messages": 0}


def record(entry):
    with open(args.records, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())


def describe(raw, envelope, session, reply):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = {}
    for name in ["Subject", "From", "To", "Message-ID", "In-Reply-To", "References", "Date", "Auto-Submitted",
                 "List-Id", "MIME-Version", "X-Tidings-Alert-Id", "X-Tidings-Event-Id", "X-Tidings-Topic",
                 "X-Tidings-Verdict", "X-Tidings-Digest"]:
        value = message.get(name)
        if value is not None:
            headers[name] = str(value)
    parts = {}
    for part in message.walk():
        if part.get_content_maintype() == "multipart":
            continue
        parts[part.get_content_type()] = part.get_content()
    raw_lines = raw.split(b"\r\n")
    return {
        "mail_from": envelope.mail_from,
        "rcpt_tos": envelope.rcpt_tos,
        "headers": headers,
        "content_type": message.get_content_type(),
        "text": parts.get("text/plain"),
        "html": parts.get("text/html"),
        "defects": [type(d).__name__ for d in message.defects]
        + [type(d).__name__ for p in message.walk() for d in p.defects],
        "longest_line": max(len(line) for line in raw_lines),
        "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
        "non_ascii_bytes": any(b > 127 for b in raw),
        "tls": session.ssl is not None,
        "authenticated_as": session.login_data.decode() if isinstance(session.login_data, bytes) else session.login_data,
        "reply": reply,
    }


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if args.refuse_rcpt and address == args.refuse_rcpt:
            record({"refused_rcpt": address, "reply": "550 5.1.1 no such user"})
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        counter["messages"] += 1
        if args.mode == "refuse":
            reply = "550 5.7.1 refused by the test server"
        elif args.mode == "tempfail" and counter["messages"] <= args.fail_times:
            reply = "451 4.3.0 try again later"
        else:
            reply = "250 2.0.0 accepted"
        try:
            entry = describe(envelope.original_content or envelope.content, envelope, session, reply)
        except Exception as error:  # a message the parser cannot read is a finding, not a crash
            entry = {"error": repr(error), "reply": reply}
        record(entry)
        if args.reply_delay:  # the message is recorded, its reply not yet sent: a client stopped now has handed it over
            await asyncio.sleep(args.reply_delay)
        return reply


def authenticator(server, session, envelope, mechanism, auth_data):
    user, _, password = args.auth.partition(":")
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
    # handled=False: aiosmtpd itself answers "535" to a failure (True would leave the client waiting).
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


async def stall_connection(reader, writer):
    try:
        await reader.read()  # until the client gives up
    finally:
        writer.close()


async def main():
    loop = asyncio.get_running_loop()
    if args.mode == "stall":
        server = await asyncio.start_server(stall_connection, "127.0.0.1", args.port)
    else:
        tls = None
        if args.tls_cert:
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.load_cert_chain(args.tls_cert, args.tls_key)
        auth = {}
        if args.auth:
            auth = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": tls is not None}
        server = await loop.create_server(
            lambda: SMTP(Handler(), hostname="tidings-test.invalid", tls_context=tls,
                         require_starttls=tls is not None, decode_data=False, data_size_limit=10 << 20, **auth),
            "127.0.0.1", args.port)
    port = server.sockets[0].getsockname()[1]
    print(f"LISTENING {port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--records", required=True)
    parser.add_argument("--mode", choices=["ok", "tempfail", "refuse", "stall"], default="ok")
    parser.add_argument("--fail-times", type=int, default=1)
    parser.add_argument("--reply-delay", type=float, default=0, help="seconds between recording a message and replying")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth")
    parser.add_argument("--refuse-rcpt")
    args = parser.parse_args()
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
