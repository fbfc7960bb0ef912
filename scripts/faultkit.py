"""Real servers for tidings' fault runs (`scripts/soak.py`, `bench/replay-daemon.py`); python3 standard library only.

- Nginx: a real nginx on 127.0.0.1 serving one directory, with an access log of status|uri|If-None-Match.
  `write_feed` writes a file atomically and gives every version its own mtime, so nginx's validators (ETag,
  Last-Modified) change with every write; `committed_since` tells when the daemon has *stored* a version: the
  daemon saves a feed's validators in the transaction that stores its items, so a 304 on a URI after the write
  means that write is in the store.
- Postgres: a throwaway server (initdb, pg_ctl, under `runuser -u postgres` when root), restartable.
- Receiver: the webhook receiver of Tests/Fixtures (signature checks, records every attempt, 503s on command).
- Daemon: `tidings run` with its stderr in a file, SIGKILL/SIGHUP/SIGTERM, RSS from /proc.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stable_port():
    """A free port below the kernel's ephemeral range, for servers restarted on the same port (PostgreSQL, the
    webhook receivers): while such a server is down, an outgoing connection could otherwise be given its port as
    its own source port, and the restart would fail with "address already in use"."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    import random as _random
    for _ in range(200):
        port = _random.randint(max(1024, low - 12000), low - 1)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    return free_port()


def wait_for_port(port, seconds=10.0, process=None):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def eventually(seconds, condition, step=0.2):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


class Nginx:
    def __init__(self, work):
        self.work = os.path.join(work, "nginx")
        self.root = os.path.join(work, "www")
        os.makedirs(os.path.join(self.work, "tmp"), exist_ok=True)
        os.makedirs(self.root, exist_ok=True)
        self.access = os.path.join(self.work, "access.log")
        self._stamp = int(time.time()) - 100000   # every write gets the next second as its mtime
        for _ in range(5):
            self.port = free_port()
            conf = os.path.join(self.work, "nginx.conf")
            w = self.work
            with open(conf, "w") as f:
                f.write(f"""daemon off;
master_process off;
worker_processes 1;
pid {w}/nginx.pid;
error_log {w}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ application/rss+xml xml; }}
    default_type application/octet-stream;
    log_format fault '$status|$request_uri|$http_if_none_match';
    access_log {w}/access.log fault;
    client_body_temp_path {w}/tmp/body; proxy_temp_path {w}/tmp/proxy; fastcgi_temp_path {w}/tmp/fcgi;
    uwsgi_temp_path {w}/tmp/uwsgi; scgi_temp_path {w}/tmp/scgi;
    keepalive_requests 1000000;
    gzip on;
    gzip_types application/rss+xml;
    server {{ listen 127.0.0.1:{self.port}; root {self.root}; }}
}}
""")
            self.process = subprocess.Popen(["/usr/sbin/nginx", "-p", w, "-c", conf, "-e", f"{w}/error.log"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if wait_for_port(self.port, 5, self.process):
                return
            self.process.kill()
            self.process.wait()
        raise RuntimeError("nginx did not start")

    def url(self, name):
        return f"http://127.0.0.1:{self.port}/{name}"

    def write_feed(self, name, text):
        """Writes the file by rename and gives it a fresh mtime; returns the access-log position at the write."""
        path = os.path.join(self.root, name)
        temporary = os.path.join(self.root, "." + name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(text)
        self._stamp += 1
        os.utime(temporary, (self._stamp, self._stamp))
        mark = self.log_size()
        os.rename(temporary, path)
        return mark

    def log_size(self):
        try:
            return os.path.getsize(self.access)
        except FileNotFoundError:
            return 0

    def lines_since(self, mark):
        try:
            with open(self.access, "rb") as f:
                f.seek(mark)
                data = f.read()
        except FileNotFoundError:
            return []
        # The last line may still be being written: keep whole lines only.
        text = data.decode("utf-8", "replace")
        lines = text.split("\n")[:-1]
        return [line.split("|") for line in lines if line.count("|") >= 2]

    def committed_since(self, name, mark):
        """True once the daemon asked for `name` conditionally and was told 304 after the write at `mark`."""
        uri = "/" + name
        return any(fields[0] == "304" and fields[1] == uri for fields in self.lines_since(mark))

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Postgres:
    """A throwaway PostgreSQL server: initdb in /tmp, started on a free port, removed by stop()."""

    def __init__(self):
        versions = sorted(int(v) for v in os.listdir("/usr/lib/postgresql") if v.isdigit())
        if not versions:
            raise RuntimeError("PostgreSQL is not installed (/usr/lib/postgresql/*/bin)")
        self.bin = f"/usr/lib/postgresql/{versions[-1]}/bin"
        self.base = tempfile.mkdtemp(prefix="tidings-soak-pg-", dir="/tmp")
        os.chmod(self.base, 0o755)
        self.as_user = ["/usr/sbin/runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        if self.as_user:
            shutil.chown(self.base, "postgres")
        self.data = os.path.join(self.base, "data")
        self._tool("initdb", ["-D", self.data, "--auth=trust", "--no-sync", "-U", "postgres", "--encoding=UTF8", "--locale=C"])
        for _ in range(3):
            self.port = stable_port()
            try:
                self._ctl(["start"])
                break
            except RuntimeError:
                continue
        else:
            raise RuntimeError("PostgreSQL did not start")
        subprocess.run([f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "tidings"],
                       check=True, capture_output=True)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/tidings"

    def _tool(self, tool, args):
        result = subprocess.run(self.as_user + [f"{self.bin}/{tool}"] + args, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{tool}: {result.stdout}{result.stderr}")

    def _ctl(self, args):
        options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        # The server outlives pg_ctl: its output goes to a file, never to our pipes.
        result = subprocess.run(self.as_user + [f"{self.bin}/pg_ctl", "-D", self.data, "-w", "-t", "60",
                                                "-l", os.path.join(self.base, "server.log"), "-o", options] + args,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl {' '.join(args)} failed (exit {result.returncode})")

    def restart(self):
        self._ctl(["-m", "fast", "restart"])

    def psql(self, sql):
        result = subprocess.run([f"{self.bin}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-X", "-A",
                                 "-t", "-v", "ON_ERROR_STOP=1", "-d", "tidings", "-c", sql], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        return result.stdout.strip()

    def stop(self):
        subprocess.run(self.as_user + [f"{self.bin}/pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.base, ignore_errors=True)


class Receiver:
    """Tests/Fixtures/webhook_receiver.py on a fixed port, restartable; every attempt lands in `records`."""
    SCRIPT = os.path.join(ROOT, "Tests", "Fixtures", "webhook_receiver.py")

    def __init__(self, work, name, secret):
        self.records = os.path.join(work, f"{name}.jsonl")
        self.secret = secret
        self.port = stable_port()
        self.process = None
        self.kills = []   # times the receiver was killed (a delivery recorded just before may be sent again)
        self.start()

    def start(self):
        errors = open(self.records + ".stderr", "ab")
        process = subprocess.Popen(["/usr/bin/python3", self.SCRIPT, "--port", str(self.port), "--secret", self.secret,
                                    "--records", self.records], stdout=subprocess.PIPE, stderr=errors)
        errors.close()
        line = process.stdout.readline().decode().strip()
        if not line.startswith("LISTENING "):
            process.kill()
            process.wait()
            with open(self.records + ".stderr", encoding="utf-8", errors="replace") as f:
                raise RuntimeError(f"webhook receiver did not start: {line!r}: {f.read()[-1000:]}")
        self.port = int(line.split()[1])
        self.process = process

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hook"

    def stop(self):
        if self.process is not None:
            self.kills.append(time.time())
            self.process.kill()
            self.process.wait()
            self.process = None

    def fail_next(self, status, times, retry_after=None):
        command = {"status": status, "times": times}
        if retry_after is not None:
            command["retry_after"] = retry_after
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/_control", data=json.dumps(command).encode(),
                                         method="POST")
        urllib.request.urlopen(request, timeout=5).read()

    def attempts(self):
        try:
            with open(self.records, encoding="utf-8") as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []


class Daemon:
    """`tidings run` processes one after another (a SIGKILLed one is replaced by `restart`)."""

    def __init__(self, binary, config, work, environment=None):
        self.binary, self.config, self.work = binary, config, work
        self.environment = dict(os.environ, **(environment or {}))
        for key in ("NOTIFY_SOCKET", "JOURNAL_STREAM"):
            self.environment.pop(key, None)
        self.generation = 0
        self.process = None
        self.start()

    @property
    def log_path(self):
        return os.path.join(self.work, f"daemon-{self.generation}.log")

    def start(self):
        self.generation += 1
        self.started = time.time()
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen([self.binary, "run", "--config", self.config], stdout=log, stderr=log,
                                        stdin=subprocess.DEVNULL, env=self.environment)
        log.close()

    def kill9(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def restart(self):
        self.kill9()
        self.start()

    def signal(self, number):
        if self.process.poll() is None:
            self.process.send_signal(number)

    def running(self):
        return self.process.poll() is None

    def rss_kib(self):
        try:
            with open(f"/proc/{self.process.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except FileNotFoundError:
            return None
        return None

    def log(self, generation=None):
        path = os.path.join(self.work, f"daemon-{generation or self.generation}.log")
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def terminate(self, seconds=15):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return None
        return self.process.returncode


def config_head(store_line, feeds, settle=None):
    """The start of a fault run's configuration: the store, polling every second, no web page, the settle window
    (left out when None), and the feeds as (name, url)."""
    text = f"""[store]
{store_line}

[poll]
interval = "1s"
min_interval = "1s"
max_interval = "2s"
timeout = "10s"

[http]
listen = ""

"""
    if settle is not None:
        text += f'[coverage]\nsettle = "{settle}"\n\n'
    for name, url in feeds:
        text += f'[[feed]]\nurl = "{url}"\nname = "{name}"\n\n'
    return text


def log_lines(path):
    """The JSON objects of a JSON-lines log sink, in order (a torn last line is left out)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return []
    out = []
    for line in text.split("\n")[:-1]:
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append({"_torn": line})
    return out


def rss_feed(title, stories):
    """RSS 2.0 text; stories are dicts with title, link, published (RFC 822) and text (paragraphs split by blank lines)."""
    def esc(text):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{esc(title)}</title>'
             "<link>https://example.org/</link><description>fault run feed</description>\n"]
    for story in stories:
        body = "".join(f"<p>{esc(p)}</p>" for p in story["text"].split("\n\n") if p.strip())
        parts.append(f"<item><title>{esc(story['title'])}</title><link>{esc(story['link'])}</link>"
                     f"<guid>{esc(story['link'])}</guid><pubDate>{story['published']}</pubDate>"
                     f"<description>{esc(body)}</description></item>\n")
    parts.append("</channel></rss>\n")
    return "".join(parts)
