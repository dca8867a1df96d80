"""Load test: 50 people and two TVs on gunicorn for a minute, then a check of the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench100k \\
        .venv/bin/python tests/benchmarks/load.py [--users 50] [--seconds 60] [--no-pause]

Run it on a bench shop (`make bench` with that DATABASE_URL builds one). It starts gunicorn
with `--workers` processes on a free port of 127.0.0.1, logs in office and Shop Floor users
(sessions written straight to the database: no password hashing in the figures), and each
virtual person then works as people do, pausing 2-8 s between actions (`--no-pause` makes it
a closed loop that asks as fast as it is answered):

- office: the jobs list, a search by customer or number, a job's page;
- floor: the phone view, Advance on one of its cards (a real POST with its submission key),
  the material usage form and a POST logging 0.1 lb of a powder on an active job;
- two TVs: the board's refresh every 30 s.

It prints requests per second, p50 and p99 and errors per page, then checks the database:
every Advance answered "done" wrote exactly one status change and no job moved twice from
the same stage; every usage answered "logged" wrote one ledger row; each touched powder's
stock equals the sum of its ledger; no job number is repeated. Every request is bounded by a
timeout and the run stops by itself. It prints figures and asserts nothing.
"""

import argparse
import http.client
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
REQUEST_TIMEOUT = 30
OFFICE_SHARE = 0.6
# Where a logged usage sends the phone: the page of the new ledger row.
LOGGED = re.compile(r"^/inventory/usage/\d+/$")


class FormReader(HTMLParser):
    """The inputs of every form on a page: [(action, {name: value})]."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._current = {}
            self.forms.append((attributes.get("action") or "", self._current))
        elif (
            tag == "input"
            and self._current is not None
            and attributes.get("name")
            and attributes.get("type") != "checkbox"
        ):
            self._current[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


class Browser:
    """One person's cookies, and GET/POST through a new connection each time (gunicorn's sync
    workers close it after each answer)."""

    def __init__(self, port: int, session_key: str = "", stats=None):
        self.port = port
        self.cookies = {"sessionid": session_key} if session_key else {}
        self.stats = stats

    def request(self, page: str, method: str, path: str, body: dict | None = None, headers=None):
        """(status, headers, text); the time and outcome are recorded under `page`."""
        heads = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            heads["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            heads["Content-Type"] = "application/x-www-form-urlencoded"
            heads["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
            connection.request(method, path, body=data, headers=heads)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            connection.close()
        except (OSError, http.client.HTTPException) as error:
            status, text = 0, str(error)
            response = None
        elapsed = time.perf_counter() - started
        if self.stats is not None:
            self.stats.record(page, elapsed, ok=status in (200, 302))
        return status, (dict(response.getheaders()) if response else {}), text


class Stats:
    """Times and errors per page, and what the database must show afterwards."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.advances: list[tuple[str, str]] = []  # (job number, stage it left)
        self.usages = 0
        self.powders: set[int] = set()

    def record(self, page: str, seconds: float, *, ok: bool) -> None:
        with self.lock:
            self.times[page].append(seconds)
            if not ok:
                self.errors[page] += 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(users: int) -> dict:
    """Log-ins for the virtual people (sessions written directly), and what they will open."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from powdercoat import roles
    from powdercoat.models import CompanySettings, Customer, InventoryItem, Job

    def session_for(username: str, role: str) -> str:
        user, _created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True}
        )
        user.groups.add(Group.objects.get(name=role))
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    office = round(users * OFFICE_SHARE)
    people = [("office", session_for(f"load-office-{n}", roles.OFFICE)) for n in range(office)]
    people += [
        ("floor", session_for(f"load-floor-{n}", roles.SHOP_FLOOR)) for n in range(users - office)
    ]
    active = list(Job.objects.active().values_list("pk", "number")[:400])
    return {
        "people": people,
        "display_key": CompanySettings.load().display_key,
        "active": active,
        "customers": list(
            Customer.objects.order_by("?").values_list("company_name", flat=True)[:50]
        ),
        "powders": list(InventoryItem.objects.coatings().values_list("pk", flat=True)[:40]),
    }


def _office(browser: Browser, plan: dict, rng: random.Random) -> None:
    choice = rng.random()
    if choice < 0.35:
        browser.request("jobs list", "GET", "/admin/powdercoat/job/")
    elif choice < 0.65:
        words = rng.choice(plan["customers"]).split()[0] if rng.random() < 0.6 else None
        term = words or rng.choice(plan["active"])[1]
        browser.request("jobs search", "GET", f"/admin/powdercoat/job/?view=all&q={term}")
    else:
        pk, _number = rng.choice(plan["active"])
        browser.request("job page", "GET", f"/admin/powdercoat/job/{pk}/change/")


def _floor(browser: Browser, plan: dict, rng: random.Random, stats: Stats) -> None:
    status, _headers, html = browser.request("phone view", "GET", "/jobs/mobile/")
    if status != 200:
        return
    if rng.random() < 0.5:
        reader = FormReader()
        reader.feed(html)
        cards = [(action, fields) for action, fields in reader.forms if "/advance/" in action]
        if cards:
            action, fields = rng.choice(cards)
            _status, _h, answer = browser.request(
                "advance POST", "POST", action, fields, headers={"HX-Request": "true"}
            )
            if "m-note--ok" in answer and "Already recorded" not in answer:
                number = action.split("/")[2]
                with stats.lock:
                    stats.advances.append((number, fields.get("seen_status", "")))
        return
    _pk, number = rng.choice(plan["active"])
    powder = rng.choice(plan["powders"])
    path = f"/inventory/usage/?item={powder}&job={number}"
    status, _h, form_page = browser.request("usage form", "GET", path)
    if status != 200:
        return
    reader = FormReader()
    reader.feed(form_page)
    fields = next((f for _a, f in reader.forms if "submission_key" in f), None)
    if fields is None:
        return
    fields.update({"item": str(powder), "lbs": "0.1", "confirm": "on"})
    status, headers, _text = browser.request("usage POST", "POST", path, fields)
    if status == 302 and LOGGED.match(headers.get("Location", "")):
        with stats.lock:
            stats.usages += 1
            stats.powders.add(powder)


def _tv(browser: Browser, key: str) -> None:
    browser.request("TV refresh", "GET", f"/jobs/shop-display/board/?key={key}")


def _run_person(kind, session, plan, stats, port, stop_at, pause, seed):
    rng = random.Random(seed)
    browser = Browser(port, session, stats)
    time.sleep(rng.uniform(0, 3 if pause else 0.1))  # people do not all start together
    while time.monotonic() < stop_at:
        if kind == "office":
            _office(browser, plan, rng)
        elif kind == "floor":
            _floor(browser, plan, rng, stats)
        else:
            _tv(browser, plan["display_key"])
        if pause:
            wait = 30 if kind == "tv" else rng.uniform(2, 8)
            time.sleep(max(0.0, min(wait, stop_at - time.monotonic())))


def _check_database(stats: Stats, started) -> list[str]:
    """What the database must show after the run; the problems found, in words."""
    from django.db.models import Count, Sum

    from powdercoat.models import InventoryActivity, InventoryItem, Job, StatusChange
    from powdercoat.models.choices import ActivityKind

    problems = []
    changes = StatusChange.objects.filter(
        created_at__gte=started, job__number__in=[n for n, _s in stats.advances]
    )
    moved = changes.count()
    if moved != len(stats.advances):
        problems.append(f"{len(stats.advances)} advances answered done, {moved} status changes")
    twice = changes.values("job_id", "from_status").annotate(n=Count("pk")).filter(n__gt=1).count()
    if twice:
        problems.append(f"{twice} jobs moved twice from the same stage")
    # The rows of this run's usage form (Advance may book a powder's estimate too).
    usages = InventoryActivity.objects.filter(
        kind=ActivityKind.USAGE, created_at__gte=started, quantity=Decimal("-0.1")
    )
    if usages.count() != stats.usages:
        problems.append(f"{stats.usages} usages answered logged, {usages.count()} ledger rows")
    for item in InventoryItem.objects.filter(pk__in=stats.powders):
        ledger = item.activities.aggregate(total=Sum("quantity"))["total"] or 0
        if ledger != item.quantity_on_hand:
            problems.append(f"{item.sku}: on hand {item.quantity_on_hand}, ledger {ledger}")
    repeated = Job.objects.values("number").annotate(n=Count("pk")).filter(n__gt=1).count()
    if repeated:
        problems.append(f"{repeated} job numbers used twice")
    return problems


def main() -> int:
    """Start gunicorn, run the people for the given time, print the table and the check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (3)")
    parser.add_argument("--no-pause", action="store_true", help="closed loop: no pauses")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("set DATABASE_URL to a bench shop on PostgreSQL (make bench builds one)")
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SSL_REDIRECT": "0",
    }
    os.environ.update(environment)
    plan = _prepare(options.users)
    from django.utils import timezone

    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(python).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(options.workers),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        probe = Browser(port)
        for _ in range(60):
            if probe.request("start", "GET", "/healthz")[0]:
                break
            time.sleep(0.5)
        stats = Stats()
        started = timezone.now()
        begin = time.monotonic()
        stop_at = begin + options.seconds
        people = [(kind, session) for kind, session in plan["people"]] + [("tv", ""), ("tv", "")]
        threads = [
            threading.Thread(
                target=_run_person,
                args=(kind, session, plan, stats, port, stop_at, not options.no_pause, n),
                daemon=True,
            )
            for n, (kind, session) in enumerate(people)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=options.seconds + REQUEST_TIMEOUT + 10)
        elapsed = time.monotonic() - begin
    finally:
        server.terminate()
        server.wait(timeout=30)

    mode = "no pauses (closed loop)" if options.no_pause else "2-8 s pauses"
    print(
        f"\n{options.users} users + 2 TVs, {mode}, {options.seconds} s, gunicorn "
        f"{options.workers} workers, {os.cpu_count()} CPUs\n"
    )
    print("| page | requests | per s | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    everything = []
    for page in sorted(stats.times):
        times = sorted(stats.times[page])
        everything += times
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(
            f"| {page} | {len(times)} | {len(times) / elapsed:.1f} | "
            f"{statistics.median(times) * 1000:.0f} | {p99 * 1000:.0f} | {stats.errors[page]} |"
        )
    everything.sort()
    total_errors = sum(stats.errors.values())
    print(
        f"| all | {len(everything)} | {len(everything) / elapsed:.1f} | "
        f"{statistics.median(everything) * 1000:.0f} | "
        f"{everything[int(len(everything) * 0.99)] * 1000:.0f} | {total_errors} |"
    )
    problems = _check_database(stats, started)
    print(
        f"\nDatabase: {len(stats.advances)} advances, {stats.usages} usages logged; "
        + (
            "; ".join(problems)
            if problems
            else "no lost or repeated status change, ledger row or number."
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
