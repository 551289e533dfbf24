#!/usr/bin/env python3
"""Load figures for Tandem (issue 8): a fresh demo, signed-in users in both
demo institutions, and a bounded wrk run of 90 % reads and 10 % writes,
once alone ("steady") and once with 50 clients signing in throughout
("sign-ins"). Prints a table and writes the figures as JSON.

Standard library only; needs the release binary, wrk, and sqlite3 or psql.
See load/run.sh and docs/PERFORMANCE.md ("Load").
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
PASSWORD = "load-run-password-2026"
DEMO_SLUGS = ["northshore", "bayview"]
# Directory searches: common words in the demo's names and interests.
SEARCH_TERMS = ["an", "card", "onc", "edu", "lee", "mar", "neuro", "ste", "imm", "pal"]
# Lines in the server log that mean the database refused a write because
# another held the lock (SQLite) or a lock wait gave up (PostgreSQL).
BUSY = re.compile(r"database is locked|SQLITE_BUSY|database table is locked|busy|deadlock detected|lock timeout", re.I)


def log(msg):
    print(f"[load {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def load_average():
    return os.getloadavg()


class Backend:
    """The database: a SQLite file in the run's directory, or a PostgreSQL
    database created for the run."""

    def __init__(self, args, workdir):
        self.postgres = args.postgres
        if self.postgres:
            parts = urllib.parse.urlsplit(self.postgres)
            self.name = f"tandem_load_{int(time.time())}"
            self.admin_url = self.postgres
            self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.name))
            subprocess.run(["psql", self.admin_url, "-qAtc", f"CREATE DATABASE {self.name}"], check=True)
        else:
            self.path = workdir / "load.sqlite3"
            self.url = f"sqlite:{self.path}"

    def query(self, sql):
        if self.postgres:
            out = subprocess.run(["psql", self.url, "-qAt", "-F", "|", "-c", sql],
                                 check=True, capture_output=True, text=True).stdout
        else:
            out = subprocess.run(["sqlite3", "-separator", "|", str(self.path), sql],
                                 check=True, capture_output=True, text=True).stdout
        return [line.split("|") for line in out.splitlines() if line]

    def uuid(self, column):
        if self.postgres:
            return f"{column}::text"
        return f"lower(hex({column}))"

    def drop(self):
        if self.postgres:
            subprocess.run(["psql", self.admin_url, "-qAtc", f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"])


def as_uuid(text):
    t = text.replace("-", "")
    return f"{t[0:8]}-{t[8:12]}-{t[12:16]}-{t[16:20]}-{t[20:32]}"


def mentees_with_a_meeting(backend, slug, count):
    """Employee ids of mentees in exactly one active relationship that has a
    scheduled meeting, with that relationship and meeting: the people the
    load signs in as, so every one of them can read and write."""
    u = backend.uuid
    rows = backend.query(f"""
        SELECT p.employee_id, {u('m.id')}, min({u('mt.id')})
        FROM mentorships m
        JOIN institutions i ON i.id = m.institution_id
        JOIN people p ON p.id = m.mentee_id
        JOIN meetings mt ON mt.mentorship_id = m.id AND mt.status = 'scheduled'
        WHERE i.slug = '{slug}' AND m.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id)
          AND (SELECT count(*) FROM mentorships o WHERE o.mentee_id = m.mentee_id AND o.status = 'active') = 1
        GROUP BY p.employee_id, m.id
        ORDER BY p.employee_id
        LIMIT {count}""")
    return [(e, as_uuid(r), as_uuid(mt)) for e, r, mt in rows]


class Client:
    """One HTTP/1.1 connection from a chosen loopback address (the server
    limits sign-ins per address, so each simulated person signs in from its
    own, as people on their own machines would)."""

    def __init__(self, port, source="127.0.0.1"):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))

    def request(self, method, path, cookie=None, form=None):
        headers = {}
        if cookie:
            headers["Cookie"] = cookie
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        return r.status, r.getheaders(), data

    def close(self):
        self.conn.close()


def cookie_from(headers, name):
    for k, v in headers:
        if k.lower() == "set-cookie" and v.startswith(name + "="):
            return v.split(";", 1)[0].split("=", 1)[1]
    return None


def sign_in(port, source, username):
    """GET the form, POST it: what a browser does. Returns (status, session)."""
    c = Client(port, source)
    try:
        status, headers, page = c.request("GET", "/sign-in")
        if status != 200:
            return status, None
        pre = cookie_from(headers, "tandem_presession")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        status, headers, _ = c.request("POST", "/sign-in", cookie=f"tandem_presession={pre}",
                                       form={"csrf": csrf, "next": "/", "username": username, "password": PASSWORD})
        return status, cookie_from(headers, "tandem_session")
    finally:
        c.close()


def loopback_address(n):
    """A distinct loopback address for the n-th sign-in (all of 127/8 is
    local on Linux); starts at 127.1.0.0 to stay clear of 127.0.0.1."""
    return f"127.{1 + (n >> 16) % 250}.{(n >> 8) & 255}.{n & 255}"


def prepare_user(port, username, slug, relationship, meeting, n):
    status, session = sign_in(port, loopback_address(n), username)
    if status != 303 or not session:
        raise SystemExit(f"sign-in of {username} failed: {status}")
    cookie = f"tandem_session={session}"
    c = Client(port)
    try:
        status, _, home = c.request("GET", "/", cookie=cookie)
        csrf = re.search(r'name="csrf" value="([^"]+)"', home).group(1)
        status, _, page = c.request("GET", f"/relationships/{relationship}/checkin", cookie=cookie)
        if status != 200:
            raise SystemExit(f"{username}: check-in page answered {status}")
        items = sorted(set(re.findall(r'name="item_([a-z0-9_]+)" value="\d+"', page)))
        values = re.findall(r'name="item_[a-z0-9_]+" value="(\d+)"', page)
        if not items:
            raise SystemExit(f"{username}: no check-in items on the page")
        user = {"username": username, "session": session, "csrf": csrf, "slug": slug,
                "relationship": relationship, "meeting": meeting,
                "checkin_items": items, "checkin_value": max(values)}
        # Every kind once, so a refusal shows up here and not as load errors.
        checks = [
            ("GET", "/", None), ("GET", f"/relationships/{relationship}", None), ("GET", "/mentors", None),
            ("GET", f"/i/{slug}/people?q=an", None),
            ("POST", f"/meetings/{meeting}/agenda", {"csrf": csrf, "agenda": "First agenda", "timelines": ""}),
            ("POST", f"/meetings/{meeting}/recap", {"csrf": csrf, "recap": "First recap"}),
            ("POST", f"/relationships/{relationship}/checkin",
             dict([("csrf", csrf)] + [("item_" + i, user["checkin_value"]) for i in items])),
        ]
        for method, path, form in checks:
            status, _, body = c.request(method, path, cookie=cookie, form=form)
            if status >= 400:
                raise SystemExit(f"{username}: {method} {path} answered {status}: {body[:300]}")
        return user
    finally:
        c.close()


def lua_string(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_users_lua(path, users):
    lines = ["USERS = {"]
    for u in users:
        items = ", ".join(lua_string(i) for i in u["checkin_items"])
        lines.append(
            "  { " + ", ".join(f"{k} = {lua_string(u[k])}" for k in
                               ["username", "session", "csrf", "slug", "relationship", "meeting", "checkin_value"])
            + f", checkin_items = {{ {items} }} }},")
    lines.append("}")
    lines.append("SEARCH_TERMS = { " + ", ".join(lua_string(t) for t in SEARCH_TERMS) + " }")
    path.write_text("\n".join(lines) + "\n")


WRITES = ("agenda", "recap", "checkin")
KINDS = ("home", "relationship", "suggestions", "search") + WRITES


def summarise(values):
    values = sorted(values)
    if not values:
        return {"count": 0, "p50_ms": 0, "p90_ms": 0, "p99_ms": 0, "max_ms": 0}
    pick = (lambda p: values[max(0, -(-len(values) * p // 100) - 1)])
    return {"count": len(values), "p50_ms": pick(50), "p90_ms": pick(90), "p99_ms": pick(99), "max_ms": values[-1]}


def run_wrk(args, users_lua, seconds, outdir):
    """One wrk run; figures per kind from the files mix.lua writes (one line
    per request: kind, status, milliseconds, sent to the sign-in page)."""
    outdir.mkdir(parents=True)
    env = dict(os.environ, LOAD_USERS=str(users_lua), LOAD_THREADS=str(args.connections), LOAD_OUT=str(outdir))
    cmd = ["wrk", "-t", str(args.connections), "-c", str(args.connections), "-d", f"{seconds}s",
           "--timeout", "10s", "-s", str(HERE / "mix.lua"), f"http://127.0.0.1:{args.port}"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    figures = None
    for line in out.splitlines():
        if line.startswith("LOADJSON "):
            figures = json.loads(line[len("LOADJSON "):])
    if figures is None:
        raise SystemExit("wrk printed no results:\n" + out)
    latencies = {k: [] for k in KINDS}
    failures = {}
    for f in outdir.glob("thread-*.tsv"):
        for line in f.read_text().splitlines():
            kind, status, ms, to_sign_in = line.split("\t")
            latencies[kind].append(float(ms))
            status = int(status)
            if status < 200 or status >= 400 or to_sign_in == "1":
                key = f"{kind}:{status}" + (" to sign-in" if to_sign_in == "1" else "")
                failures[key] = failures.get(key, 0) + 1
    figures["kinds"] = {k: summarise(v) for k, v in latencies.items()}
    figures["reads"] = summarise([x for k in KINDS if k not in WRITES for x in latencies[k]])
    figures["writes"] = summarise([x for k in WRITES for x in latencies[k]])
    figures["error_statuses"] = failures
    figures["errors"] = sum(failures.values())
    figures["timed"] = sum(len(v) for v in latencies.values())
    return figures, out


class SignInWave:
    """`count` clients signing in back to back for as long as it runs, each
    sign-in from a fresh loopback address (GET the form, then POST it)."""

    def __init__(self, port, usernames, count, first_address):
        self.port, self.usernames, self.count = port, usernames, count
        self.next_address = first_address
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.latencies, self.statuses = [], {}
        self.threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(count)]

    def client(self, i):
        n = 0
        while not self.stop.is_set():
            with self.lock:
                address = loopback_address(self.next_address)
                self.next_address += 1
            username = self.usernames[(i + n * self.count) % len(self.usernames)]
            n += 1
            started = time.monotonic()
            try:
                status, _ = sign_in(self.port, address, username)
            except (OSError, http.client.HTTPException, AttributeError) as e:
                status = f"exception {type(e).__name__}"
            elapsed = (time.monotonic() - started) * 1000
            with self.lock:
                if not self.stop.is_set():
                    self.latencies.append(elapsed)
                    self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)
        lat = sorted(self.latencies)
        pick = (lambda p: lat[max(0, -(-len(lat) * p // 100) - 1)] if lat else 0)
        return {"completed": len(lat), "statuses": self.statuses,
                "p50_ms": round(pick(50), 1), "p99_ms": round(pick(99), 1)}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", default=str(HERE.parent / "target/release/tandem"))
    p.add_argument("--postgres", metavar="URL",
                   help="a PostgreSQL server URL (e.g. postgres://postgres@127.0.0.1:5432/postgres); "
                        "a fresh database is created on it for the run and dropped after")
    p.add_argument("--port", type=int, default=18480)
    p.add_argument("--duration", type=int, default=30, help="seconds per measured scenario")
    p.add_argument("--warmup", type=int, default=5, help="seconds of unmeasured load first")
    p.add_argument("--connections", type=int, default=20, help="concurrent requests (one wrk thread each)")
    p.add_argument("--users-per-institution", type=int, default=20)
    p.add_argument("--signins", type=int, default=50, help="clients signing in during the second scenario")
    p.add_argument("--scenarios", default="steady,signins")
    p.add_argument("--json", help="write the figures here too")
    p.add_argument("--keep", action="store_true", help="keep the run's directory and database")
    args = p.parse_args()

    for tool in ["wrk", "psql" if args.postgres else "sqlite3"]:
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed (load/run.sh installs wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="tandem-load-"))
    backend = Backend(args, workdir)
    env = dict(os.environ, TANDEM_DATABASE_URL=backend.url, TANDEM_DATA_DIR=str(workdir))
    env.pop("TANDEM_CONFIG", None)
    server = None
    results = {"backend": "postgres" if args.postgres else "sqlite",
               "commit": subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                                        capture_output=True, text=True).stdout.strip(),
               "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "connections": args.connections, "duration_s": args.duration, "scenarios": {}}
    try:
        log(f"seeding the demo into {'PostgreSQL ' + backend.name if args.postgres else backend.path}")
        subprocess.run([args.binary, "demo", "--no-serve", "--data-dir", str(workdir)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        people = []
        for slug in DEMO_SLUGS:
            found = mentees_with_a_meeting(backend, slug, args.users_per_institution)
            if len(found) < args.users_per_institution:
                raise SystemExit(f"{slug}: only {len(found)} mentees with a scheduled meeting")
            people += [(slug, *f) for f in found]
        log(f"creating {len(people)} accounts")
        for n, (slug, employee, _, _) in enumerate(people):
            subprocess.run([args.binary, "admin", "create-account", f"load{n:02}@{slug}", "--institution", slug,
                            "--employee-id", employee, "--role", "mentee", "--password-stdin"],
                           env=env, input=PASSWORD + "\n", text=True, check=True, stdout=subprocess.DEVNULL)
        server_log = open(workdir / "server.log", "w")
        server = subprocess.Popen([args.binary, "serve", "--port", str(args.port)], env=env,
                                  stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(300):
            try:
                c = Client(args.port)
                if c.request("GET", "/readyz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not become ready")
        log("signing in and checking every request kind once per user")
        users = [prepare_user(args.port, f"load{n:02}@{slug}", slug, rel, meeting, n)
                 for n, (slug, _, rel, meeting) in enumerate(people)]
        users_lua = workdir / "users.lua"
        write_users_lua(users_lua, users)
        if args.warmup:
            log(f"warm-up: {args.warmup} s, not recorded")
            run_wrk(args, users_lua, args.warmup, workdir / "warmup")
        next_address = 1000
        for scenario in args.scenarios.split(","):
            log_offset = (workdir / "server.log").stat().st_size
            before = uptime()
            wave = None
            if scenario == "signins":
                wave = SignInWave(args.port, [u["username"] for u in users], args.signins, next_address)
                wave.start()
                time.sleep(1)  # let the wave reach its stride before measuring
            log(f"{scenario}: {args.duration} s, {args.connections} connections")
            figures, raw = run_wrk(args, users_lua, args.duration, workdir / scenario)
            if wave:
                figures["signins"] = wave.finish()
                next_address = wave.next_address
            after = uptime()
            with open(workdir / "server.log", errors="replace") as f:
                f.seek(log_offset)
                logged = f.read()
            figures["busy_lines"] = sum(1 for line in logged.splitlines() if BUSY.search(line))
            figures["server_errors_logged"] = sum(1 for line in logged.splitlines() if " ERROR " in line)
            figures["uptime_before"], figures["uptime_after"] = before, after
            figures["req_per_s"] = figures["requests"] / figures["duration_s"]
            results["scenarios"][scenario] = figures
            print(raw, file=sys.stderr)
    finally:
        if server:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if args.keep:
            log(f"kept {workdir}" + (f" and database {backend.name}" if args.postgres else ""))
        else:
            backend.drop()
            shutil.rmtree(workdir, ignore_errors=True)

    print_table(results)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


def print_table(results):
    print(f"\n{results['backend']}, commit {results['commit']}, {results['date']}, "
          f"{results['connections']} connections, {results['duration_s']} s per scenario")
    print("| scenario | req/s | reads/s | writes/s | reads p50 / p99 ms | writes p50 / p99 ms "
          "| errors | busy | sign-ins (p50 / p99 ms) | load avg before -> after |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, f in results["scenarios"].items():
        d = f["duration_s"]
        # Failed answers as mix.lua counts them (non-2xx/3xx, and redirects
        # to the sign-in page), plus wrk's socket errors.
        errors = f["errors"] + sum(f["socket_errors"].values())
        s = f.get("signins")
        signins = f"{s['completed']} ({s['p50_ms']} / {s['p99_ms']}) {s['statuses']}" if s else "-"
        lb = f["uptime_before"].split("load average:")[-1].strip()
        la = f["uptime_after"].split("load average:")[-1].strip()
        print(f"| {name} | {f['req_per_s']:.0f} | {f['reads']['count'] / d:.0f} | {f['writes']['count'] / d:.0f} "
              f"| {f['reads']['p50_ms']:.1f} / {f['reads']['p99_ms']:.1f} "
              f"| {f['writes']['p50_ms']:.1f} / {f['writes']['p99_ms']:.1f} "
              f"| {errors} | {f['busy_lines']} | {signins} | {lb} -> {la} |")
    for name, f in results["scenarios"].items():
        kinds = ", ".join(f"{k} {v['count']} ({v['p50_ms']:.1f}/{v['p99_ms']:.1f})" for k, v in f["kinds"].items())
        print(f"{name} per kind, count (p50/p99 ms): {kinds}")
        if f["error_statuses"]:
            print(f"{name} errors by kind and status: {f['error_statuses']}")


if __name__ == "__main__":
    main()
