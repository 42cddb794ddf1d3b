"""Load test: the real app under waitress (team mode), 20 simulated users, an editor uploading.

    python bench/load_test.py [--index bench/out/index-10000-v7] [--corpus bench/out/corpus-10000]
                              [--users 20] [--duration 60] [--upload-every 10] [--threads 8]
                              [--think 1.0] [--json OUT] [--keep]

What it does (loopback only, bounded in time, stops by itself):
1. copies the index and the corpus into a temp dir (uploads write into CORPUS/uploads/ and the
   background indexer commits into the index, so the originals are never touched);
2. with a temp KB_DATA_DIR, creates an editor (RESTRICTED) and a reader (INTERNAL) with the CLI
   (`flask --app app user add ... --password-stdin`, `user token NAME`) -> team mode;
3. starts `flask --app app serve --host 127.0.0.1 --port P --threads N` (waitress) and waits
   until it answers, then warms it with one search (loads the document table; reported apart);
4. runs `--users` threads for `--duration` s, each with its own keep-alive http.client
   connection and the reader's Bearer token (a quarter of the users use the editor's token):
   search (JSON API or HTML page; common/rare/2-word/phrase/Ukrainian/acronym/wildcard words),
   facet clicks (a value taken from the previous answer's facets), next pages, sort=newest,
   opening documents from the hits (`/documents/<id>` HTML and `/api/documents/<id>`) (an HTML
   search is followed by the same query as JSON to learn the hits and facets; that request is
   sent but not recorded: ~10% of the server's requests, so "CPU per user request" is ~10% high),
   with a
   think time of `--think` s on average between actions (0 = closed loop, as fast as possible);
5. meanwhile an editor thread POSTs a small Markdown file to `/uploads` (multipart, field
   `files`, `marking`; Bearer requests need no CSRF token; the answer is a 302 to /uploads)
   every `--upload-every` s (to the first server process with `--procs N`); each file holds a
   unique made-up word, and a poller measures how
   long until `/api/uploads` says `indexed` and until `/api/search?q=WORD` finds it;
6. after the users stop, waits up to `--drain` s for the last uploads to become searchable,
   then stops the server process(es) (their own pids) and removes the temp dir (unless --keep).

Reports throughput, p50/p95/max latency per request type, errors (unexpected status or
exceptions), upload -> indexed / searchable delays, server CPU seconds and peak RSS, load
averages before and after. Targets: zero errors, p95 under 500 ms.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
FLASK = ROOT / ".venv" / "bin" / "flask"

COMMON = ["defense", "training", "procurement", "reform", "assistance", "budget", "logistics",
          "readiness", "oversight", "partners", "ammunition", "planning", "transparency",
          "interoperability", "brigades", "equipment", "priorities", "coordination",
          "monitoring", "progress", "agreement", "export", "cyber", "audit", "delegation"]
TWO_WORDS = ["air defense", "civilian control", "export control", "budget execution",
             "border security", "technology transfer", "spare parts supply", "donor coordination",
             "military education", "logistics sustainment", "personnel management"]
PHRASES = ['"end-use monitoring"', '"civilian control"', '"defense planning"',
           '"security assistance"', '"NATO standards"', '"value for money"']
UKRAINIAN = ["оборони", "закупівлі", "реформування", "бюджету", "логістики", "партнерства",
             "делегація", "артилерії", "безпілотників", "координації допомоги"]
ACRONYMS = ["MJC", "EUM", "USAI", "FMF", "PME", "UDCG", "DIB"]
WILDCARDS = ["procur*", "reform*", "logist*", "monitor*", "cyber*"]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import RARE as _POOL  # noqa: E402  (invented names; many occur in few docs)
RARE = _POOL[::100]
FACETS = ("loe", "principle", "type", "lang", "year")

EXPECTED = {"upload": (302, 303)}          # everything else: 200


# (cumulative share, query pool): 45% common, 15% two words, 8% phrases, 12% Ukrainian,
# 7% acronyms, 6% wildcards, the rest rare words
QUERY_MIX = ((0.45, COMMON), (0.60, TWO_WORDS), (0.68, PHRASES), (0.80, UKRAINIAN),
             (0.87, ACRONYMS), (0.93, WILDCARDS))


def pick_query(rng: random.Random) -> str:
    r = rng.random()
    for below, pool in QUERY_MIX:
        if r < below:
            return rng.choice(pool)
    return rng.choice(RARE)


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


class Recorder:
    """Thread-safe latency samples and errors per request type."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[tuple[float, float]]] = {}   # type -> [(t_end, ms)]
        self.errors: dict[str, int] = {}
        self.error_examples: list[str] = []

    def add(self, kind: str, ms: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.samples.setdefault(kind, []).append((time.monotonic(), ms))
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if len(self.error_examples) < 20:
                    self.error_examples.append(f"{kind}: {detail}")


class Client:
    """One keep-alive HTTP/1.1 connection with a Bearer token; reconnects after errors."""

    def __init__(self, port: int, token: str, rec: Recorder, timeout: float = 60.0) -> None:
        self.port, self.token, self.rec, self.timeout = port, token, rec, timeout
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self.conn

    def request(self, kind: str, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None, record: bool = True) -> tuple[int, bytes]:
        h = {"Authorization": f"Bearer {self.token}", "Connection": "keep-alive"}
        h.update(headers or {})
        t0 = time.perf_counter()
        try:
            conn = self._connection()
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            status = resp.status
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
        except Exception as exc:                       # noqa: BLE001 - counted as an error
            ms = (time.perf_counter() - t0) * 1000
            self.close()
            if record:
                self.rec.add(kind, ms, False, f"{method} {path}: {type(exc).__name__}: {exc}")
            return -1, b""
        ms = (time.perf_counter() - t0) * 1000
        ok = status in EXPECTED.get(kind, (200,))
        if record:
            self.rec.add(kind, ms, ok, f"{method} {path} -> {status} {data[:200]!r}")
        return status, data

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:                          # noqa: BLE001
                pass
            self.conn = None


def user_loop(uid: int, port: int, token: str, rec: Recorder, stop: threading.Event,
              think: float, seed: int) -> None:
    """One simulated user: search, refine by facets, page, open documents; until `stop`."""
    rng = random.Random(seed * 1000 + uid)
    c = Client(port, token, rec)
    try:
        while not stop.is_set():
            params = {"q": pick_query(rng)}
            if rng.random() < 0.1:
                params["sort"] = "newest"
            html = rng.random() < 0.25
            if html:
                c.request("search_html", "GET", "/search?" + urlencode(params))
                status, data = c.request("search_api", "GET", "/api/search?" + urlencode(params),
                                         record=False)   # what the page showed, as JSON
            else:
                status, data = c.request("search_api", "GET", "/api/search?" + urlencode(params))
            res = _json(data) if status == 200 else None
            if res is None:
                _think(stop, rng, think)
                continue
            _think(stop, rng, think)
            if rng.random() < 0.4 and res.get("facets"):
                facet = rng.choice([k for k in FACETS if res["facets"].get(k)] or [None])
                if facet:
                    value = rng.choice(res["facets"][facet][:6])["value"]
                    params = {**params, facet: value}
                    status, data = c.request("facet", "GET", "/api/search?" + urlencode(params))
                    res = _json(data) if status == 200 else res
                    _think(stop, rng, think)
            if rng.random() < 0.2 and res.get("total", 0) > res.get("per_page", 20):
                c.request("page", "GET", "/api/search?" + urlencode({**params, "page": 2}))
                _think(stop, rng, think)
            hits = res.get("hits") or []
            for hit in rng.sample(hits, min(len(hits), rng.choice((0, 1, 1, 2)))):
                if stop.is_set():
                    break
                if rng.random() < 0.5:
                    c.request("doc_html", "GET", "/documents/" + quote(hit["id"]))
                else:
                    c.request("doc_api", "GET", "/api/documents/" + quote(hit["id"]))
                _think(stop, rng, think)
    finally:
        c.close()


def _json(data: bytes):
    try:
        return json.loads(data)
    except ValueError:
        return None


def _think(stop: threading.Event, rng: random.Random, think: float) -> None:
    if think > 0:
        stop.wait(rng.uniform(0.5 * think, 1.5 * think))


def unique_word(n: int) -> str:
    """Return a made-up all-letter word that occurs nowhere in the corpus."""
    letters = string.ascii_lowercase
    tag = "".join(letters[(n // 26 ** i) % 26] for i in range(3))
    return f"zyqvoload{tag}{uuid.uuid4().hex[:6].translate(str.maketrans('0123456789', 'ghijklmnop'))}"


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----kbload" + uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                     .encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                 f'filename="{filename}"\r\nContent-Type: text/markdown\r\n\r\n'.encode()
                 + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def editor_loop(port: int, token: str, rec: Recorder, stop: threading.Event, every: float,
                uploads: list[dict], lock: threading.Lock) -> None:
    """Upload a small Markdown file every `every` s until `stop`."""
    c = Client(port, token, rec)
    n = 0
    try:
        while not stop.wait(every if n else min(2.0, every)):
            word = unique_word(n)
            text = (f"---\ntitle: Load test note {n} {word}\ndate: 2026-01-15\ntype: minutes\n---\n\n"
                    f"# Load test note {n}\n\nThe delegation discussed {word} and the defense "
                    f"procurement reform schedule. Partners agreed to review {word} next month.\n")
            body, ctype = multipart({"marking": "INTERNAL"}, f"load-note-{n}.md", text.encode())
            t0 = time.monotonic()
            status, _ = c.request("upload", "POST", "/uploads", body=body,
                                  headers={"Content-Type": ctype})
            with lock:
                uploads.append({"n": n, "word": word, "t_sent": t0, "t_acked": time.monotonic(),
                                "status": status, "indexed_s": None, "searchable_s": None,
                                "upload_status": None})
            n += 1
    finally:
        c.close()


def poll_loop(port: int, token: str, rec: Recorder, done: threading.Event,
              uploads: list[dict], lock: threading.Lock, interval: float = 0.25) -> None:
    """Until `done`: for each pending upload, check /api/uploads status and a search for its word."""
    c = Client(port, token, rec)
    try:
        while not done.wait(interval):
            with lock:
                pending = [u for u in uploads if u["status"] in EXPECTED["upload"]
                           and u["searchable_s"] is None]
            if not pending:
                continue
            if any(u["indexed_s"] is None for u in pending):
                status, data = c.request("poll_uploads", "GET", "/api/uploads")
                rows = _json(data) if status == 200 else None
                if rows:
                    now = time.monotonic()
                    names = {r["original_name"]: r for r in rows}
                    for u in pending:
                        row = names.get(f"load-note-{u['n']}.md")
                        if row:
                            u["upload_status"] = row["status"]
                            if row["status"] == "failed":
                                u["reason"] = row.get("reason")
                            if row["status"] == "indexed" and u["indexed_s"] is None:
                                u["indexed_s"] = round(now - u["t_sent"], 2)
            for u in pending:
                status, data = c.request("poll_search", "GET",
                                         "/api/search?" + urlencode({"q": u["word"]}))
                res = _json(data) if status == 200 else None
                if res and res.get("total", 0) >= 1:
                    u["searchable_s"] = round(time.monotonic() - u["t_sent"], 2)
    finally:
        c.close()


# --- server setup ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask_cli(env: dict, *args: str, stdin: str | None = None) -> str:
    out = subprocess.run([str(FLASK), "--app", "app", *args], cwd=ROOT, env=env, input=stdin,
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed: {out.stderr.strip()}")
    return out.stdout.strip()


def proc_stats(pid: int) -> dict:
    """CPU seconds (self + waited children) and peak RSS of a process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        utime, stime, cutime, cstime = (int(x) / tick for x in fields[11:15])
        hwm = next((int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text()
                    .splitlines() if line.startswith("VmHWM:")), 0)
        return {"cpu_s": round(utime + stime, 2), "children_cpu_s": round(cutime + cstime, 2),
                "peak_rss_mb": round(hwm / 1024, 1)}
    except (OSError, StopIteration, ValueError, IndexError):
        return {}


def wait_ready(port: int, token: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/uploads", headers={"Authorization": f"Bearer {token}"})
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.3)
    sys.exit("the server did not answer in time")


def summarize(rec: Recorder, t_start: float, t_end: float) -> dict:
    out = {}
    user_kinds = ("search_api", "search_html", "facet", "page", "doc_html", "doc_api")
    all_user = []
    for kind, xs in sorted(rec.samples.items()):
        ms = [m for _, m in xs]
        if kind in user_kinds:
            all_user += ms
        out[kind] = {"n": len(ms), "errors": rec.errors.get(kind, 0),
                     "p50": round(pct(ms, 50), 1), "p95": round(pct(ms, 95), 1),
                     "max": round(max(ms), 1)}
    out["ALL_USER"] = {"n": len(all_user), "errors": sum(rec.errors.get(k, 0) for k in user_kinds),
                       "p50": round(pct(all_user, 50), 1), "p95": round(pct(all_user, 95), 1),
                       "max": round(max(all_user), 1) if all_user else None}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=ROOT / "bench/out/index-10000-v7")
    ap.add_argument("--corpus", type=Path, default=ROOT / "bench/out/corpus-10000")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--upload-every", type=float, default=10.0, help="s between uploads; 0 = none")
    ap.add_argument("--threads", type=int, default=8, help="waitress threads")
    ap.add_argument("--procs", type=int, default=1,
                    help="server processes (users spread over them; uploads go to the first)")
    ap.add_argument("--think", type=float, default=1.0,
                    help="mean think time between a user's actions, s (0 = closed loop)")
    ap.add_argument("--drain", type=float, default=90.0,
                    help="after the users stop, wait this long for uploads to become searchable")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (server log, data)")
    ap.add_argument("--whatif", default="",
                    help="comma list of fixes to monkeypatch into the server (bench/whatif_server.py:"
                         " similar, table); default: the project code as is, via `flask serve`")
    a = ap.parse_args(argv)
    if not (a.index / "CURRENT").is_file():
        sys.exit(f"no index in {a.index}")

    tmp = Path(tempfile.mkdtemp(prefix="kb-load-"))
    procs: list[subprocess.Popen] = []
    res: dict = {"args": {k: str(v) for k, v in vars(a).items()}}
    try:
        t0 = time.perf_counter()
        shutil.copytree(a.index, tmp / "index", symlinks=True)       # copy2: keeps mtimes
        shutil.copytree(a.corpus, tmp / "corpus", symlinks=True,
                        ignore=shutil.ignore_patterns("uploads"))
        res["copy_s"] = round(time.perf_counter() - t0, 1)
        print(f"copied index + corpus to {tmp} in {res['copy_s']} s", flush=True)
        env = {**os.environ, "KB_DATA_DIR": str(tmp / "data"), "KB_INDEX_DIR": str(tmp / "index"),
               "KB_CORPUS_DIR": str(tmp / "corpus"), "PYTHONUNBUFFERED": "1"}
        env.pop("KB_AUTH", None)
        (tmp / "data").mkdir()
        pw = uuid.uuid4().hex
        flask_cli(env, "user", "add", "editor1", "--role", "editor", "--clearance", "RESTRICTED",
                  "--password-stdin", stdin=pw + "\n")
        flask_cli(env, "user", "add", "reader1", "--role", "reader", "--clearance", "INTERNAL",
                  "--password-stdin", stdin=pw + "\n")
        editor_token = flask_cli(env, "user", "token", "editor1").splitlines()[-1].strip()
        reader_token = flask_cli(env, "user", "token", "reader1").splitlines()[-1].strip()

        ports = [free_port() for _ in range(a.procs)]
        port = ports[0]                    # uploads and upload polling go to the first process
        log = open(tmp / "server.log", "w")
        for p in ports:
            cmd = [str(FLASK), "--app", "app", "serve", "--host", "127.0.0.1",
                   "--port", str(p), "--threads", str(a.threads)]
            if a.whatif:
                cmd = [str(FLASK.parent / "python"), str(ROOT / "bench" / "whatif_server.py"),
                       "--host", "127.0.0.1", "--port", str(p), "--threads", str(a.threads)]
                cmd += [x for fix in a.whatif.split(",") if fix for x in ("--fix", fix)]
            procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log,
                                          stderr=subprocess.STDOUT))
        t0 = time.perf_counter()
        for p, pr in zip(ports, procs):
            wait_ready(p, editor_token, pr)
        res["server_start_s"] = round(time.perf_counter() - t0, 2)
        warm = Recorder()
        for p in ports:
            t0 = time.perf_counter()
            status, _ = Client(p, reader_token, warm).request("warm", "GET", "/api/search?q=defense")
            res["warm_first_search_ms"] = round((time.perf_counter() - t0) * 1000, 1)
            if status != 200:
                sys.exit(f"warm-up search answered {status}; see {tmp / 'server.log'}")
        print(f"{a.procs} server process(es) on 127.0.0.1:{ports} (pids {[x.pid for x in procs]}, "
              f"{a.threads} threads each); first search (loads the document table) "
              f"{res['warm_first_search_ms']} ms", flush=True)

        rec, stop, done = Recorder(), threading.Event(), threading.Event()
        uploads: list[dict] = []
        ulock = threading.Lock()
        res["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
        srv0, cpu0 = [proc_stats(x.pid) for x in procs], time.process_time()
        threads = [threading.Thread(target=user_loop, daemon=True,
                                    args=(i, ports[i % len(ports)], editor_token if i % 4 == 3 else reader_token,
                                          rec, stop, a.think, a.seed)) for i in range(a.users)]
        if a.upload_every > 0:                  # 0: no uploads (isolates their cost)
            threads.append(threading.Thread(target=editor_loop, daemon=True, args=(
                port, editor_token, rec, stop, a.upload_every, uploads, ulock)))
        poller = threading.Thread(target=poll_loop, daemon=True,
                                  args=(port, editor_token, rec, done, uploads, ulock))
        t_start = time.monotonic()
        for t in threads:
            t.start()
        poller.start()
        next_report = t_start + 10
        while time.monotonic() - t_start < a.duration:
            time.sleep(0.5)
            if time.monotonic() >= next_report:
                next_report += 10
                with rec.lock:
                    n = sum(len(v) for v in rec.samples.values())
                    errs = sum(rec.errors.values())
                print(f"  t={time.monotonic() - t_start:5.0f} s  requests {n}  errors {errs}  "
                      f"uploads {len(uploads)}  load {os.getloadavg()[0]:.2f}", flush=True)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        t_end = time.monotonic()
        res["loadavg_end_of_users"] = [round(x, 2) for x in os.getloadavg()]
        srv1 = [proc_stats(x.pid) for x in procs]
        drain_deadline = time.monotonic() + a.drain
        while time.monotonic() < drain_deadline:
            with ulock:
                if all(u["searchable_s"] is not None or u["status"] not in EXPECTED["upload"]
                       for u in uploads):
                    break
            time.sleep(0.5)
        done.set()
        poller.join(timeout=30)
        res["drain_s"] = round(time.monotonic() - t_end, 1)

        elapsed = t_end - t_start
        user_kinds = {"search_api", "search_html", "facet", "page", "doc_html", "doc_api"}
        with rec.lock:
            n_user = sum(len(v) for k, v in rec.samples.items() if k in user_kinds)
            n_all = sum(1 for v in rec.samples.values() for t, _ in v if t <= t_end)
            res["latency_ms"] = summarize(rec, t_start, t_end)
            res["errors_total"] = sum(rec.errors.values())
            res["error_examples"] = rec.error_examples
        res["elapsed_s"] = round(elapsed, 1)
        res["user_requests"] = n_user
        res["throughput_user_rps"] = round(n_user / elapsed, 1)
        res["throughput_all_rps"] = round(n_all / elapsed, 1)
        cpu_used = sum(b.get("cpu_s", 0) - c.get("cpu_s", 0) for b, c in zip(srv1, srv0))
        res["server"] = {"processes": len(procs), "during_users_cpu_s": round(cpu_used, 1),
                         "cpu_per_user_request_ms": round(cpu_used * 1000 / max(n_user, 1), 1),
                         "peak_rss_mb": max((x.get("peak_rss_mb") or 0) for x in srv1),
                         "children_cpu_s": sum((x.get("children_cpu_s") or 0) for x in srv1)}
        res["client_cpu_s"] = round(time.process_time() - cpu0, 1)
        res["uploads"] = [{k: v for k, v in u.items() if not k.startswith("t_")} for u in uploads]
        ready = [u["searchable_s"] for u in uploads if u["searchable_s"] is not None]
        res["upload_searchable_s"] = {"n": len(uploads), "searchable": len(ready),
                                      "p50": round(pct(ready, 50), 2) if ready else None,
                                      "max": max(ready) if ready else None}
        res["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        log_text = (tmp / "server.log").read_text(errors="replace")
        res["server_log_tracebacks"] = log_text.count("Traceback")
        res["server_log_tail"] = log_text.splitlines()[-15:]
    finally:
        for x in procs:
            stop_server(x)
        if a.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    _print(res)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(res, indent=1, ensure_ascii=False))
    return 0


def stop_server(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


def _print(res: dict) -> None:
    a = res["args"]
    print(f"\n== load test: {a['users']} users, think {a['think']} s, {res.get('elapsed_s')} s, "
          f"waitress {a.get('procs', '1')} x {a['threads']} threads, index {a['index']}"
          f"{', what-if fixes: ' + a['whatif'] if a['whatif'] else ''} ==")
    print(f"load avg before {res.get('loadavg_before')}, at the end of the users "
          f"{res.get('loadavg_end_of_users')}; warm first search {res.get('warm_first_search_ms')} ms")
    if "latency_ms" not in res:
        return
    print(f"throughput: {res['throughput_user_rps']} user req/s ({res['user_requests']} requests), "
          f"{res['throughput_all_rps']} req/s incl. uploads + polls; errors {res['errors_total']}")
    print(f"{'type':13s} {'n':>6s} {'err':>4s} {'p50':>8s} {'p95':>8s} {'max':>8s}")
    for kind, row in res["latency_ms"].items():
        print(f"{kind:13s} {row['n']:6d} {row['errors']:4d} {row['p50']:8.1f} {row['p95']:8.1f} "
              f"{row['max'] if row['max'] is not None else float('nan'):8.1f}")
    s = res["server"]
    print(f"server CPU ({s['processes']} process(es)) during the users {s['during_users_cpu_s']} s "
          f"({s['cpu_per_user_request_ms']} ms per user request), peak RSS {s['peak_rss_mb']} MB; "
          f"client CPU {res['client_cpu_s']} s")
    print(f"uploads: {res['upload_searchable_s']}")
    for u in res["uploads"]:
        print(f"   #{u['n']} status {u['status']} -> {u['upload_status']}; indexed after "
              f"{u['indexed_s']} s, searchable after {u['searchable_s']} s {u.get('reason') or ''}")
    if res["errors_total"]:
        print("error examples:")
        for e in res["error_examples"][:10]:
            print("   ", e)
    print(f"server log: {res['server_log_tracebacks']} tracebacks")


if __name__ == "__main__":
    sys.exit(main())
