#!/usr/bin/env python3
"""Chaos soak for `tidings run` (issue 17, item 7): `make soak` (SOAK_SECONDS, default 600); `make test` runs 60 s.

The daemon (PostgreSQL store, a log sink and two signature-checking webhook receivers) polls five feeds on a real
nginx while this script rewrites them in rounds with invented stories: new events, follow-ups with new facts,
verbatim reprints by another outlet and off-topic stories. Meanwhile it SIGKILLs and restarts the daemon at random
moments, takes the webhook receivers down or has them answer 503 for a while, and restarts PostgreSQL
(`pg_ctl restart -m fast`). A round is written only once the previous one is in the store (the daemon saved the
feed's new validators: nginx answered it 304), so the stream is the same whatever the faults did to timing.

Then the same rounds are replayed undisturbed (`tidings poll --once --all` per round, fresh SQLite store) and it
checks:
  - every alert the undisturbed run makes was delivered to every sink, with the same verdict;
  - nothing was delivered that the undisturbed run does not make;
  - an alert delivered twice to a sink only across a kill (of the daemon, or of that receiver);
  - no torn line in the log sink, every webhook request signed correctly;
  - RSS of the last daemon flat: 10 s after its start vs at the end (within max(10 MB, 25 %));
  - the daemon exits 0 on SIGTERM at the end.
Prints its figures (kills, outages, PostgreSQL restarts, rounds, alerts, duplicates, RSS) and exits 1 on any failure.

usage: soak.py --binary PATH [--seconds N] [--seed N] [--keep]
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultkit  # noqa: E402

FEEDS = ["wire", "courier", "gazette", "ledger", "herald"]
TOPICS = [  # (name, query, the word every story of the topic carries)
    ("harbours", "harbour", "harbour"),
    ("reservoirs", "reservoir", "reservoir"),
    ("railways", "railway", "railway"),
]
SYLLABLES = ["vel", "mar", "or", "rin", "tes", "sel", "ka", "dor", "bre", "lin", "quo", "th", "an", "sk", "ul", "mer",
             "ya", "pol", "ven", "dra", "gis", "hol", "ne", "tur", "wick", "fen", "ost", "rae", "lum", "bar"]
FIRST = ["Mara", "Ilse", "Tomas", "Anouk", "Pell", "Rosa", "Edvin", "Kaia", "Lior", "Nadia", "Oskar", "Vera"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class Stream:
    """Invented stories; every event its own place name, every follow-up its own names and numbers."""

    def __init__(self, rng, base):
        self.rng, self.base = rng, base
        self.names = set()
        self.events = []          # dicts: topic, place, thing, verb, stories
        self.stories = []         # every story written, for reprints
        self.feeds = {feed: [] for feed in FEEDS}
        self.sequence = 0

    def name(self):
        while True:
            word = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3))).capitalize()
            if word not in self.names and len(word) >= 5:
                self.names.add(word)
                return word

    def published(self, round_number, index):
        moment = self.base + timedelta(seconds=60 * round_number + index)
        return format_datetime(moment, usegmt=True)

    def story(self, feed, title, text, round_number, index):
        self.sequence += 1
        slug = "-".join(title.lower().split()[:6]).replace(",", "").replace(":", "")
        story = {"title": title, "text": text, "published": self.published(round_number, index),
                 "link": f"https://{feed}.example.net/{self.sequence}-{slug}"}
        self.stories.append(story)
        return story

    def word(self):
        """An invented lower-case word of the event's own: stories of one event share many, of two events few."""
        return self.name().lower()

    def new_event(self, feed, round_number, index):
        topic, _, word = self.rng.choice(TOPICS)
        # Every word but the topic's own is the event's: two events of a topic share little but that word, so
        # which one a story joins never hangs on the order they were judged in.
        event = {"topic": topic, "place": self.name(), "thing": self.word(), "verb": self.word(),
                 "word": word, "org": f"{self.name()} {self.name()}",
                 "jargon": [self.word() for _ in range(10)], "stories": 1}
        self.events.append(event)
        j = event["jargon"]
        title = f"{event['place']} {word} {event['thing']} {event['verb']}, {event['org']} says"
        text = (f"{self.core(event)}\n\n{self.rng.randint(3, 40)} {j[8]} {j[6]}, {self.rng.randint(2, 30)} {j[9]} {j[7]} "
                f"{self.name()}.")
        return self.story(feed, title, text, round_number, index)

    @staticmethod
    def core(event):
        j = event["jargon"]
        return (f"The {event['thing']} at {event['place']} {event['word']} {event['verb']} after {j[0]} {j[1]} {j[2]} "
                f"near the {j[3]} {j[4]} {j[5]}, {event['org']} said.")

    def follow_up(self, event, feed, round_number, index):
        person = f"{self.rng.choice(FIRST)} {self.name()}"
        number = self.rng.randint(41, 9000)
        event["stories"] += 1
        title = f"{event['place']} {event['word']} {event['thing']}: {person} expects {number} {event['jargon'][8]}"
        text = (f"{self.core(event)}\n\n{person} of {event['org']} said on {self.rng.choice(DAYS)} that {number} "
                f"{self.word()} would reopen within {self.rng.randint(10, 99)} days.")
        return self.story(feed, title, text, round_number, index)

    def reprint(self, feed, round_number, index):
        original = self.rng.choice(self.stories)
        self.sequence += 1
        story = dict(original, link=f"https://{feed}.example.net/{self.sequence}-reprint",
                     published=self.published(round_number, index))
        return story

    def off_topic(self, feed, round_number, index):
        place = self.name()
        title = f"{place} market opens a new season of {self.rng.choice(['apples', 'cheese', 'bread', 'wool'])}"
        text = f"Stalls at the {place} market opened on {self.rng.choice(DAYS)} with {self.rng.randint(5, 80)} traders."
        return self.story(feed, title, text, round_number, index)

    def round(self, round_number):
        """Changes 1–3 feeds, one story each, no event twice in a round; returns {feed: rss text}."""
        changed = self.rng.sample(FEEDS, self.rng.randint(1, 3))
        touched = set()
        out = {}
        for index, feed in enumerate(changed):
            roll = self.rng.random()
            open_events = [e for e in self.events if id(e) not in touched]
            if roll < 0.35 or not open_events:
                story = self.new_event(feed, round_number, index)
                touched.add(id(self.events[-1]))
            elif roll < 0.75:
                event = self.rng.choice(open_events[-12:])
                touched.add(id(event))
                story = self.follow_up(event, feed, round_number, index)
            elif roll < 0.9 and self.stories:
                story = self.reprint(feed, round_number, index)
            else:
                story = self.off_topic(feed, round_number, index)
            items = self.feeds[feed]
            items.insert(0, story)
            del items[12:]
            out[feed] = faultkit.rss_feed(feed.capitalize(), items)
        return out


def config_text(store_line, feeds, sinks, settle=None):
    text = faultkit.config_head(store_line, feeds, settle)
    for name, query, _ in TOPICS:
        text += f"[[topic]]\nname = \"{name}\"\nquery = '{query}'\n\n"
    return text + sinks


def supports_settle(binary):
    """Whether this build knows `[coverage] settle` (check-config on a tiny file)."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t.toml")
        with open(path, "w") as f:
            f.write(f'[store]\npath = "{d}/t.db"\n[coverage]\nsettle = "2s"\n')
        result = subprocess.run([binary, "check-config", "--config", path], capture_output=True, text=True)
        return result.returncode == 0 and "coverage" not in result.stderr   # an unknown key is only a warning


def reference_alerts(binary, rounds, work, settle):
    """The undisturbed run: the same rounds, one `poll --once --all` each, fresh SQLite store; {id: verdict}."""
    ref = os.path.join(work, "reference")
    os.makedirs(ref)
    log = os.path.join(ref, "alerts.jsonl")
    feeds = [(feed, f"file://{ref}/{feed}.xml") for feed in FEEDS]
    for feed in FEEDS:
        faultkit_write(os.path.join(ref, f"{feed}.xml"), faultkit.rss_feed(feed.capitalize(), []))
    config = os.path.join(ref, "tidings.toml")
    with open(config, "w") as f:
        f.write(config_text(f'path = "{ref}/state/t.db"', feeds, f'[[alert]]\ntype = "log"\npath = "{log}"\n',
                            "0s" if settle else None))
    for changed in rounds:
        for feed, text in changed.items():
            faultkit_write(os.path.join(ref, f"{feed}.xml"), text)
        result = subprocess.run([binary, "poll", "--once", "--all", "--config", config], capture_output=True, text=True)
        if result.returncode not in (0,):
            raise RuntimeError(f"reference poll failed ({result.returncode}): {result.stderr[-2000:]}")
    return {a["id"]: a["verdict"] for a in faultkit.log_lines(log)}


_stamp = [int(time.time()) - 200000]


def faultkit_write(path, text):
    """Writes by rename with a fresh mtime each time: a file: feed rewritten within one second must not look
    unmodified to the fetcher's validators."""
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    _stamp[0] += 1
    os.utime(temporary, (_stamp[0], _stamp[0]))
    os.rename(temporary, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 600)))
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    rng = random.Random(seed)
    total = args.seconds
    work = tempfile.mkdtemp(prefix="tidings-soak-")
    print(f"soak: {total:.0f} s, seed {seed}, work {work}", flush=True)

    failures = []
    nginx = postgres = daemon = None
    receivers = []
    try:
        nginx = faultkit.Nginx(work)
        postgres = faultkit.Postgres()
        secret = f"soak-{seed}"
        receivers = [faultkit.Receiver(work, "hook-a", secret), faultkit.Receiver(work, "hook-b", secret)]
        log = os.path.join(work, "alerts.jsonl")
        sinks = f'[[alert]]\ntype = "log"\nname = "log"\npath = "{log}"\n\n'
        for index, receiver in enumerate(receivers):
            sinks += f'[[alert]]\ntype = "webhook"\nname = "hook-{"ab"[index]}"\nurl = "{receiver.url}"\nsecret_env = "SOAK_SECRET"\n\n'
        settle = supports_settle(binary)
        stream = Stream(rng, datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=1))
        for feed in FEEDS:
            nginx.write_feed(f"{feed}.xml", faultkit.rss_feed(feed.capitalize(), []))
        config = os.path.join(work, "tidings.toml")
        with open(config, "w") as f:
            f.write(config_text(f'url = "{postgres.url}"', [(feed, nginx.url(f"{feed}.xml")) for feed in FEEDS], sinks,
                                "5s" if settle else None))
        daemon = faultkit.Daemon(binary, config, work, {"SOAK_SECRET": secret, "TIDINGS_LOG_LEVEL": "info"})

        # The schedule of faults: kills in the first 65 % (so the last daemon lives long enough to judge its RSS),
        # webhook outages and PostgreSQL restarts spread over the run.
        start = time.time()
        kills = max(3, int(total // 60))
        outages = max(2, int(total // 120))
        restarts = max(1, int(total // 600))
        schedule = [(start + total * rng.uniform(0.1, 0.65), "kill", None) for _ in range(kills)]
        for _ in range(outages):
            schedule.append((start + total * rng.uniform(0.05, 0.8), "outage", (rng.randrange(2), rng.choice(["down", "503"]),
                                                                                 rng.uniform(2, 8))))
        schedule += [(start + total * rng.uniform(0.2, 0.7), "pg-restart", None) for _ in range(restarts)]
        schedule.sort(key=lambda entry: entry[0])

        daemon_kills = []          # (time, log-sink line count after the kill)
        outage_ends = []           # (time, receiver index, kind)
        figures = Counter()
        rounds = []
        rss_start = rss_end = None
        rss_peaks = {}
        last_start = start

        def handle_due_faults():
            nonlocal last_start
            now = time.time()
            while schedule and schedule[0][0] <= now:
                _, kind, detail = schedule.pop(0)
                if kind == "kill":
                    daemon.kill9()
                    daemon_kills.append((time.time(), len(faultkit.log_lines(log))))
                    figures["kills"] += 1
                    time.sleep(rng.uniform(0, 1.5))
                    daemon.start()
                    last_start = time.time()
                elif kind == "outage":
                    index, how, seconds = detail
                    if any(entry[1] == index for entry in outage_ends):
                        # That receiver is already out: one outage at a time per receiver; this one comes later.
                        schedule.append((now + 10, kind, detail))
                        schedule.sort(key=lambda entry: entry[0])
                        continue
                    receiver = receivers[index]
                    if how == "down":
                        receiver.stop()
                    else:
                        receiver.fail_next(503, times=1000, retry_after=1)
                    outage_ends.append((time.time() + seconds, index, how))
                    figures[f"outages ({how})"] += 1
                elif kind == "pg-restart":
                    postgres.restart()
                    figures["postgres restarts"] += 1
            for entry in list(outage_ends):
                if entry[0] <= time.time():
                    outage_ends.remove(entry)
                    _, index, how = entry
                    if how == "down":
                        receivers[index].start()
                    else:
                        receivers[index].fail_next(200, times=None)

        def sample_rss():
            nonlocal rss_start
            rss = daemon.rss_kib()
            if rss is None:
                return
            generation = daemon.generation
            rss_peaks[generation] = max(rss_peaks.get(generation, 0), rss)
            if not [s for s in schedule if s[1] == "kill"] and time.time() - last_start >= 10 and rss_start is None:
                rss_start = rss

        round_number = 0
        while time.time() - start < total:
            changed = stream.round(round_number)
            rounds.append(changed)
            marks = {feed: nginx.write_feed(f"{feed}.xml", text) for feed, text in changed.items()}
            deadline = time.time() + 120
            while not all(nginx.committed_since(f"{feed}.xml", mark) for feed, mark in marks.items()):
                handle_due_faults()
                sample_rss()
                if not daemon.running():
                    failures.append(f"the daemon exited by itself (status {daemon.process.returncode}):\n"
                                    f"{daemon.log()[-3000:]}")
                    raise SystemExit
                if time.time() > deadline:
                    failures.append(f"round {round_number} was not taken in within 120 s")
                    raise SystemExit
                time.sleep(0.1)
            round_number += 1
            handle_due_faults()
            sample_rss()
            time.sleep(rng.uniform(0, 0.5))
        # Faults still scheduled (a late kill) are dropped; outages still open end now.
        for entry in list(outage_ends):
            outage_ends.remove(entry)
            _, index, how = entry
            receivers[index].start() if how == "down" else receivers[index].fail_next(200, times=None)
        if rss_start is None:
            rss_start = daemon.rss_kib()

        expected = reference_alerts(binary, rounds, work, settle)
        wanted = set(expected)

        def delivered():
            per_sink = {"log": [a.get("id") for a in faultkit.log_lines(log)]}
            for index, receiver in enumerate(receivers):
                per_sink[f"hook-{'ab'[index]}"] = [r["id"] for r in receiver.attempts() if 200 <= r["status"] < 300]
            return per_sink

        caught_up = faultkit.eventually(180, lambda: all(wanted <= set(ids) for ids in delivered().values()), step=0.5)
        time.sleep(2)  # anything still in flight lands, so a late extra delivery is seen
        rss_end = daemon.rss_kib()
        sample_rss()
        if not caught_up:
            for sink, ids in delivered().items():
                missing = wanted - set(ids)
                if missing:
                    failures.append(f"{sink}: {len(missing)} alerts of the undisturbed run never delivered: {sorted(missing)[:5]}")
        pending = postgres.psql("SELECT count(*) FROM outbox WHERE state <> 'delivered'")
        if pending != "0":
            failures.append(f"{pending} outbox rows not delivered at the end")

        # What was delivered: verdicts, extras, duplicates only across kills.
        verdicts = {}
        for alert in faultkit.log_lines(log):
            if "_torn" in alert:
                failures.append(f"log sink: a torn line: {alert['_torn'][:200]!r}")
                continue
            verdicts[alert["id"]] = alert["verdict"]
        for index, receiver in enumerate(receivers):
            for record in receiver.attempts():
                if record["problems"] or record["signature_ok"] is not True:
                    failures.append(f"hook-{'ab'[index]}: a bad request: {record['problems']}")
                if 200 <= record["status"] < 300:
                    verdicts.setdefault(record["id"], record["alert"].get("verdict"))
        for alert_id, verdict in verdicts.items():
            if alert_id not in expected:
                failures.append(f"delivered {alert_id} ({verdict}), which the undisturbed run does not make")
            elif expected[alert_id] != verdict:
                failures.append(f"{alert_id}: delivered as {verdict}, the undisturbed run says {expected[alert_id]}")

        duplicates = Counter()
        kill_times = [t for t, _ in daemon_kills]
        log_ids = [a.get("id") for a in faultkit.log_lines(log)]
        seen_at = {}
        for position, alert_id in enumerate(log_ids):
            if alert_id in seen_at:
                duplicates["log"] += 1
                first = seen_at[alert_id]
                if not any(first < count <= position for _, count in daemon_kills):
                    failures.append(f"log: {alert_id} written twice with no kill between (lines {first + 1}, {position + 1})")
            seen_at[alert_id] = position
        for index, receiver in enumerate(receivers):
            sink = f"hook-{'ab'[index]}"
            times = {}
            for record in receiver.attempts():
                if not 200 <= record["status"] < 300:
                    continue
                alert_id, at = record["id"], record["received"]
                if alert_id in times:
                    duplicates[sink] += 1
                    boundaries = kill_times + receiver.kills
                    if not any(times[alert_id] - 0.5 <= t <= at + 0.5 for t in boundaries):
                        failures.append(f"{sink}: {alert_id} delivered twice with no kill between")
                times[alert_id] = at

        if rss_start and rss_end and rss_end > rss_start + max(10 * 1024, rss_start // 4):
            failures.append(f"RSS grew from {rss_start / 1024:.1f} MB to {rss_end / 1024:.1f} MB")
        status = daemon.terminate()
        if status != 0:
            failures.append(f"the daemon did not exit 0 on SIGTERM (status {status})")

        kinds = Counter(expected.values())
        per_sink = delivered()
        print(f"soak: {round_number} rounds, {len(stream.stories)} stories, {len(stream.events)} events, "
              f"settle {'5s' if settle else 'n/a (this build has no [coverage] settle)'}")
        print(f"soak: faults: {figures['kills']} SIGKILLs, "
              f"{figures['outages (down)']} webhook outages (receiver down) + {figures['outages (503)']} (503), "
              f"{figures['postgres restarts']} PostgreSQL restarts")
        print(f"soak: alerts of the undisturbed run: {len(expected)} ({kinds['new_event']} new_event, "
              f"{kinds['new_facts']} new_facts); delivered per sink (distinct/all): "
              + ", ".join(f"{s} {len(set(ids))}/{len(ids)}" for s, ids in per_sink.items()))
        print("soak: duplicates (all across kills unless listed below): "
              + ", ".join(f"{s} {duplicates[s]}" for s in per_sink))
        print(f"soak: RSS of the last daemon: {rss_start / 1024:.1f} MB 10 s after its start, {rss_end / 1024:.1f} MB at "
              f"the end; peaks per daemon: " + ", ".join(f"{p / 1024:.1f}" for _, p in sorted(rss_peaks.items())) + " MB")
    except SystemExit:
        pass
    except Exception as error:  # a harness failure is a failure too, with its reason
        failures.append(f"soak harness: {type(error).__name__}: {error}")
    finally:
        if daemon is not None:
            daemon.kill9()
        for receiver in receivers:
            receiver.stop()
        if nginx is not None:
            nginx.stop()
        if postgres is not None:
            postgres.stop()
    if failures:
        print(f"soak: FAILED ({len(failures)}):")
        for failure in failures[:40]:
            print("  - " + failure)
        print(f"soak: work directory kept: {work}")
        return 1
    print("soak: ok")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
