"""Two application nodes behind a load balancer, under load, on loopback.

    .venv/bin/python scripts/cluster.py [--users 50] [--duration 300]

What a national installation looks like (docs/operations.md), on this one
machine: Debian's nginx terminates TLS on 127.0.0.1 and balances over two
gunicorn nodes; both use one PostgreSQL database, one Redis (CACHE_URL) and
one folder of stored files. Then:

1. locust (headless, bounded in time) drives the officer's and the griffie's
   journeys (scripts/locustfile.py) through the balancer: 0 failed requests
   and every page's p95 under 500 ms, or it fails;
2. a session survives each node being stopped and started again;
3. a sign-in lockout made on one node holds on the other;
4. two officers edit one action at the same time through different nodes:
   the result is what the three-way merge of the edit form says (both
   changes kept, no history lost).

Needs nginx (apt-get install nginx-light), openssl, PostgreSQL and Redis on
127.0.0.1 and ``make install`` with the test tools (locust). Everything it
starts listens on 127.0.0.1 only and is stopped at the end; its database and
Redis database are removed.
"""

import argparse
import csv
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from page_forms import csrf_token, form_fields  # noqa: E402

PG = os.environ.get("CLUSTER_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("CLUSTER_REDIS", "redis://127.0.0.1:6379/5")
DB_NAME = "actieprogramma_cluster"
BALANCER = 8443
NODES = {"a": 8101, "b": 8102}
DIRECT = {"a": 8444, "b": 8445}  # nginx, TLS, to one node only
PAGE_P95_MS = 500
# People arriving per second: two, so that 50 sign in over 25 s, not all in
# the same second (each sign-in is a deliberately slow password hash).
SPAWN_RATE = 2
CLIENT_IP = "192.0.2.77"  # the lockout check's client, as the proxy names it


def say(text: str) -> None:
    print(f"[cluster] {text}", flush=True)


class Cluster:
    def __init__(self, work: Path):
        self.work = work
        self.password = secrets.token_urlsafe(16)
        self.nodes: dict[str, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"{PG.replace('postgresql://', 'postgres://')}/{DB_NAME}",
            "CACHE_URL": REDIS_URL,
            "MEDIA_ROOT": str(work / "media"),
            "STATIC_ROOT": str(work / "static"),
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "TRUSTED_PROXIES": "127.0.0.1",
            "GUNICORN_WORKERS": os.environ.get("CLUSTER_WORKERS", "2"),
            "LOG_LEVEL": "warning",
            "CELERY_BROKER_URL": "",
        }

    # --- setting up ----------------------------------------------------------------

    def manage(self, *args, stdin: str | None = None) -> str:
        done = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"manage.py {args[0]} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def database(self) -> None:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        redis.Redis.from_url(REDIS_URL).flushdb()
        self.manage("migrate", "--no-input", "-v0")
        self.manage("load_programme", "--demo")
        self.manage("collectstatic", "--no-input", "-v0")
        self.manage(
            "shell",
            "--no-imports",
            stdin=(
                "from actieprogramma.accounts import user_create_with_role\n"
                "from beveiliging.constants import Rol\n"
                f"for i in range(1, {os.environ.get('CLUSTER_OFFICERS', '5')} + 1):\n"
                "    user_create_with_role(username=f'cluster-beleid-{i}', "
                f"password='{self.password}', role=Rol.BELEIDSMEDEWERKER, "
                "email=f'beleid{i}@example.invalid')\n"
                f"for i in range(1, {os.environ.get('CLUSTER_GRIFFIERS', '3')} + 1):\n"
                "    user_create_with_role(username=f'cluster-griffie-{i}', "
                f"password='{self.password}', role=Rol.GRIFFIE, "
                "email=f'griffie{i}@example.invalid')\n"
            ),
        )

    def certificate(self) -> None:
        command = [
            shutil.which("openssl") or "/usr/bin/openssl", "req", "-x509", "-newkey",
            "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(self.work / "key.pem"), "-out", str(self.work / "cert.pem"),
        ]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603
        # Every client here (this script, locust) trusts the cluster's own
        # certificate, and only for this run.
        os.environ["REQUESTS_CA_BUNDLE"] = str(self.work / "cert.pem")
        self.env["REQUESTS_CA_BUNDLE"] = str(self.work / "cert.pem")

    def start_nginx(self) -> None:
        (self.work / "nginx").mkdir()
        servers = "\n".join(
            f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;"
            for port in NODES.values()
        )
        w = self.work
        # One TLS port per node as well, for the checks that must reach a
        # given node (a browser's cookies are Secure: https only).
        direct = "\n".join(
            f"""  server {{
    listen 127.0.0.1:{DIRECT[name]} ssl;
    ssl_certificate {w}/cert.pem;
    ssl_certificate_key {w}/key.pem;
    location / {{
      proxy_pass http://127.0.0.1:{port};
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
    }}
  }}"""
            for name, port in NODES.items()
        )
        (w / "nginx.conf").write_text(
            f"""worker_processes 1;
pid {w}/nginx.pid;
error_log {w}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {w}/nginx/body;
  proxy_temp_path {w}/nginx/proxy;
  fastcgi_temp_path {w}/nginx/fastcgi;
  uwsgi_temp_path {w}/nginx/uwsgi;
  scgi_temp_path {w}/nginx/scgi;
  upstream app {{
{servers}
    keepalive 16;
  }}
{direct}
  server {{
    listen 127.0.0.1:{BALANCER} ssl;
    ssl_certificate {w}/cert.pem;
    ssl_certificate_key {w}/key.pem;
    client_max_body_size 25m;
    location / {{
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
      proxy_next_upstream error timeout http_502;
    }}
  }}
}}
"""
        )
        command = [
            shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(w / "nginx.conf"),
            "-p", str(w), "-g", "daemon off;",
        ]  # fmt: skip
        self.nginx = subprocess.Popen(  # noqa: S603 - fixed arguments
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )

    def start_node(self, name: str) -> None:
        log = open(self.work / f"node-{name}.log", "a")  # noqa: SIM115
        self.nodes[name] = subprocess.Popen(  # noqa: S603 - our own gunicorn
            [str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**self.env, "GUNICORN_BIND": f"127.0.0.1:{NODES[name]}"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.wait(f"http://127.0.0.1:{NODES[name]}/health/", node=True)

    def stop_node(self, name: str) -> None:
        process = self.nodes.pop(name)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    def wait(self, url: str, node: bool = False) -> None:
        headers = {"X-Forwarded-Proto": "https"} if node else {}
        for _ in range(120):
            try:
                if requests.get(url, headers=headers, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.25)
        log = self.work / "nginx-error.log"
        raise SystemExit(
            f"{url} did not come up"
            + (f"; nginx says: {log.read_text()[-1000:]}" if log.exists() else "")
        )

    def stop(self) -> None:
        for name in list(self.nodes):
            self.stop_node(name)
        if self.nginx:
            self.nginx.terminate()
            self.nginx.wait(timeout=30)
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        redis.Redis.from_url(REDIS_URL).flushdb()

    # --- people --------------------------------------------------------------------

    def browser(self, base: str, *, client_ip: str | None = None) -> requests.Session:
        """A browser's session against ``base`` (the balancer, or one node
        directly, as the balancer would call it)."""
        session = requests.Session()
        session.base = base
        if client_ip:
            session.headers["X-Forwarded-For"] = client_ip
        return session

    def login(self, session, username: str, password: str | None = None):
        page = session.get(f"{session.base}/accounts/login/").text
        return session.post(
            f"{session.base}/accounts/login/",
            {"csrfmiddlewaretoken": csrf_token(page), "username": username,
             "password": self.password if password is None else password},
            headers={"Referer": f"{self.origin(session)}/accounts/login/"},
            allow_redirects=False,
        )  # fmt: skip

    @staticmethod
    def origin(session) -> str:
        """The origin a browser names in Referer."""
        return session.base

    @staticmethod
    def signed_in(session) -> bool:
        response = session.get(f"{session.base}/acties/", allow_redirects=False)
        return response.status_code == 200 and "Acties" in response.text


# --- the checks ---------------------------------------------------------------------


def load(cluster: Cluster, users: int, duration: int, work: Path) -> list[str]:
    say(f"1. locust: {users} users for {duration} s through the balancer")
    command = [
        str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "scripts/locustfile.py"),
        "--headless", "-u", str(users), "-r", str(SPAWN_RATE), "-t", f"{duration}s",
        "--host", f"https://127.0.0.1:{BALANCER}", "--csv", str(work / "locust"),
        "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**cluster.env, "CLUSTER_PASSWORD": cluster.password}
    subprocess.run(command, env=env, check=False)  # noqa: S603 - our locustfile
    problems = []
    with open(work / "locust_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    say(f"   {'request':<40} {'count':>6} {'fail':>5} {'p50':>5} {'p95':>5} {'rps':>5}")
    for row in rows:
        name = f"{row['Type']} {row['Name']}"[:40]
        say(
            f"   {name:<40} {row['Request Count']:>6} {row['Failure Count']:>5} "
            f"{row['50%']:>5} {row['95%']:>5} {float(row['Requests/s']):>5.1f}"
        )
        if row["Name"] == "Aggregated":
            if int(row["Failure Count"]):
                problems.append(f"{row['Failure Count']} failed requests")
            if not int(row["Request Count"]):
                problems.append("no requests were made")
        elif row["Type"] == "GET" and int(row["95%"]) >= PAGE_P95_MS:
            problems.append(f"{row['Name']}: p95 {row['95%']} ms")
    return problems


def sessions_survive(cluster: Cluster) -> list[str]:
    say("2. a session survives each node being stopped and started")
    browser = cluster.browser(f"https://127.0.0.1:{BALANCER}")
    if cluster.login(browser, "cluster-beleid-1").status_code != 302:
        return ["the login through the balancer failed"]
    problems = []
    for name in NODES:
        cluster.stop_node(name)
        kept = all(cluster.signed_in(browser) for _ in range(6))
        cluster.start_node(name)
        kept_after = all(cluster.signed_in(browser) for _ in range(6))
        say(f"   node {name} stopped: signed in {kept}; started again: {kept_after}")
        if not (kept and kept_after):
            problems.append(f"the session was lost with node {name} stopped")
    return problems


def lockout_holds(cluster: Cluster) -> list[str]:
    say("3. a lockout made on node a holds on node b")
    a = cluster.browser(f"https://127.0.0.1:{DIRECT['a']}", client_ip=CLIENT_IP)
    codes = [
        cluster.login(a, "cluster-griffie-2", password="fout").status_code  # noqa: S106
        for _ in range(int(os.environ.get("AXES_FAILURE_LIMIT", "5")))
    ]
    b = cluster.browser(f"https://127.0.0.1:{DIRECT['b']}", client_ip=CLIENT_IP)
    on_b = cluster.login(b, "cluster-griffie-2").status_code
    say(f"   wrong passwords on a: {codes}; the right one on b: {on_b}")
    return [] if on_b == 429 else [f"node b let the locked account in ({on_b})"]


def merge_across_nodes(cluster: Cluster) -> list[str]:
    say("4. two officers edit one action at once, through different nodes")
    pk = int(cluster.manage("shell", "--no-imports", "-c", (
        "from acties.models import Actie; "
        "print(Actie.objects.order_by('pk').values_list('pk', flat=True)[2])"
    )).strip())  # fmt: skip
    url = f"/acties/{pk}/bewerken/"
    people = {}
    for node, username in (("a", "cluster-beleid-3"), ("b", "cluster-beleid-4")):
        browser = cluster.browser(f"https://127.0.0.1:{DIRECT[node]}")
        if cluster.login(browser, username).status_code != 302:
            return [f"login of {username} on node {node} failed"]
        page = browser.get(f"{browser.base}{url}").text
        people[node] = (browser, form_fields(page, url))
    wanted = {"a": ("titel", "Titel van node a"), "b": ("omschrijving", "Tekst van b")}
    codes = {}
    for node, (browser, fields) in people.items():
        field, value = wanted[node]
        fields[field] = value
        codes[node] = browser.post(
            f"{browser.base}{url}",
            fields,
            headers={"Referer": f"{cluster.origin(browser)}{url}"},
            allow_redirects=False,
        ).status_code
    state = cluster.manage("shell", "--no-imports", "-c", (
        f"from acties.models import Actie; a = Actie.objects.get(pk={pk}); "
        "print(repr((a.titel, a.omschrijving, a.history.count())))"
    )).strip()  # fmt: skip
    say(f"   saves answered {codes}; the action is now {state}")
    titel, omschrijving, _count = eval(state)  # noqa: S307 - our own repr
    if codes != {"a": 302, "b": 302}:
        return [f"a save was refused: {codes}"]
    if (titel, omschrijving) != (wanted["a"][1], wanted["b"][1]):
        return ["the second save lost the first one's change"]
    return []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--duration", type=int, default=int(os.environ.get("CLUSTER_DURATION", 300))
    )
    options = parser.parse_args()
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        raise SystemExit("nginx is missing: apt-get install nginx-light")
    work = Path(tempfile.mkdtemp(prefix="cluster-"))
    cluster = Cluster(work)
    problems = []
    try:
        say("setting up: database, two nodes, nginx with TLS on 127.0.0.1")
        cluster.database()
        cluster.certificate()
        for name in NODES:
            cluster.start_node(name)
        cluster.start_nginx()
        cluster.wait(f"https://127.0.0.1:{BALANCER}/health/")
        problems += load(cluster, options.users, options.duration, work)
        problems += sessions_survive(cluster)
        problems += merge_across_nodes(cluster)
        problems += lockout_holds(cluster)
    finally:
        for log in sorted(work.glob("node-*.log")):
            errors = [line for line in log.read_text().splitlines()
                      if re.search(r"Traceback|\" 5\d\d ", line)]  # fmt: skip
            if errors:
                problems.append(f"{log.name}: {len(errors)} server errors")
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    if problems:
        say("FAILED: " + "; ".join(problems))
        raise SystemExit(1)
    say("passed")


if __name__ == "__main__":
    main()
