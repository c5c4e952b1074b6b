"""Reminder sweeps and notification delivery with real Celery workers over real Redis, on a
transactional PostgreSQL database: once per object and threshold, also with two workers at
once, after a worker is killed mid-sweep, and after Redis was down during a submission."""

import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from petitions.models import Petition
from portal.models import Notification, Reminder, ReminderRule, User
from tests.factories import DepartmentFactory, UserFactory, make_region

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
State = Petition.State


def _database_url() -> str:
    """The test database (pytest-django's test_<name>) as a URL for worker processes."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Workers:
    """Worker processes on one private queue, each its own process like on another machine."""

    def __init__(self, tmp_path: Path, redis_url: str | None = None, **env):
        self.queue = f"test-{uuid.uuid4().hex[:8]}"
        self.mail = tmp_path / "mail"
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": redis_url or os.environ["REDIS_URL"],
            "CELERY_QUEUE": self.queue,
            "PORTAL_VAR_DIR": str(tmp_path),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail),
            "DB_CONN_MAX_AGE": "0",
            **env,
        }
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.tmp = tmp_path

    def start(self, *extra: str) -> subprocess.Popen:
        # Output to a file: a pipe nobody reads fills up and blocks the worker.
        log = self.tmp / f"worker-{len(self.procs)}.log"
        self.logs.append(log)
        proc = subprocess.Popen(
            [CELERY, "-A", "portal", "worker", "--pool=solo", "-Q", self.queue,
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", f"w{len(self.procs)}-{self.queue}@%h", *extra],
            cwd=ROOT, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.procs.append(proc)
        return proc

    def send(self, name: str, *args):
        from portal.celery import app

        return app.send_task(name, args=list(args), queue=self.queue)

    def stop(self) -> str:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return "\n".join(log.read_text() for log in self.logs)

    def emails(self) -> list[str]:
        """The addressees of the emails the workers wrote, one entry per email."""
        if not self.mail.exists():
            return []
        return [
            line[len("To: ") :]
            for file in self.mail.iterdir()
            for line in file.read_text().splitlines()
            if line.startswith("To: ")
        ]


@pytest.fixture
def workers(tmp_path):
    group = Workers(tmp_path)
    yield group
    output = group.stop()
    assert "Traceback" not in output, output


@pytest.fixture
def unit():
    region = make_region("城市甲")
    department = DepartmentFactory(region=region, name="交通局")
    handlers = [
        UserFactory(kind=User.Kind.HANDLER, department=department, region=region,
                    email=f"h{i}@example.org")
        for i in range(2)
    ]  # fmt: skip
    # The before-the-deadline thresholds of suggestions, set by staff for citizen issues.
    ReminderRule.objects.create(kind="petitions.reply_due", thresholds="30,15,7,1")
    return department, handlers


def forwarded(department, days_left: int, count: int = 1) -> list[Petition]:
    due = timezone.localdate() + datetime.timedelta(days=days_left)
    return Petition.objects.bulk_create(
        Petition(
            region=department.region, channel="web", category="traffic", title=f"诉求{i}",
            description="…", tracking_code=uuid.uuid4().hex[:12].upper(),
            state=State.FORWARDED, department=department, due_on=due,
        )
        for i in range(count)
    )  # fmt: skip


def wait_for(condition, timeout: float = 60, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {condition.__doc__ or condition}")


def test_due_in_7_days_yields_exactly_one_7_day_reminder_after_two_sweeps(workers, unit):
    department, handlers = unit
    (item,) = forwarded(department, 7)
    forwarded(department, 60)  # not due for any threshold yet
    workers.start()
    first = workers.send("portal.run_sweeps", ["petitions.reply_due"]).get(timeout=60)
    second = workers.send("portal.run_sweeps", ["petitions.reply_due"]).get(timeout=60)
    assert first == {"petitions.reply_due": {"found": 1, "sent": 1}}
    assert second == {"petitions.reply_due": {"found": 0, "sent": 0}}
    assert list(Reminder.objects.values_list("target_id", "threshold")) == [(item.pk, 7)]

    def delivered():
        """both handlers emailed"""
        return not Notification.objects.filter(delivered_at=None).exists()

    wait_for(delivered)
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        h.pk for h in handlers
    )
    assert sorted(workers.emails()) == ["h0@example.org", "h1@example.org"]


def test_two_workers_sweeping_at_once_send_each_reminder_once(tmp_path, unit):
    department, handlers = unit
    items = forwarded(department, 7, count=200)
    group = Workers(tmp_path, REMINDER_BATCH_SIZE="5")
    try:
        group.start()
        group.start()
        time.sleep(3)  # both workers up before the sweeps go out
        results = [group.send("portal.run_sweeps", ["petitions.reply_due"]) for _i in range(2)]
        outcome = [r.get(timeout=120)["petitions.reply_due"] for r in results]
        wait_for(lambda: not Notification.objects.filter(delivered_at=None).exists(), 600)
    finally:
        output = group.stop()
    assert "Traceback" not in output, output
    assert sum(o["sent"] for o in outcome) == 200
    assert Reminder.objects.count() == 200 and not Reminder.objects.filter(sent_at=None).exists()
    pairs = list(Notification.objects.values_list("target_id", "recipient_id"))
    assert len(pairs) == len(set(pairs)) == 200 * len(handlers)
    assert {t for t, _r in pairs} == {p.pk for p in items}
    assert sorted(group.emails()) == ["h0@example.org"] * 200 + ["h1@example.org"] * 200


def test_a_worker_killed_mid_sweep_loses_nothing_and_repeats_nothing(tmp_path, unit):
    department, handlers = unit
    total = 300
    forwarded(department, 7, count=total)
    group = Workers(tmp_path, REMINDER_BATCH_SIZE="2")
    try:
        worker = group.start()
        group.send("portal.run_sweeps", ["petitions.reply_due"])

        def some_sent():
            """part of the sweep committed"""
            return Reminder.objects.exclude(sent_at=None).count() >= 20

        wait_for(some_sent, 120, every=0.02)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        sent_before = Reminder.objects.exclude(sent_at=None).count()
        assert 0 < sent_before < total, "the worker was not killed in the middle"
        # What committed is whole: each sent reminder has its notifications, no other has any.
        assert Notification.objects.count() == sent_before * len(handlers)
        assert Reminder.objects.count() == total  # the find step committed before sending

        group.start()  # restarted; beat sends the next sweep
        after = group.send("portal.run_sweeps", ["petitions.reply_due"]).get(timeout=180)
        assert after["petitions.reply_due"] == {"found": 0, "sent": total - sent_before}
        # deliveries queued by the killed worker's last batch are picked up by the sweep
        group.send("portal.deliver_pending", 5000)
        wait_for(lambda: not Notification.objects.filter(delivered_at=None).exists(), 600)
    finally:
        output = group.stop()
    assert not Reminder.objects.filter(sent_at=None).exists()
    pairs = list(Notification.objects.values_list("target_id", "recipient_id"))
    assert len(pairs) == len(set(pairs)) == total * len(handlers)
    # the killed worker was inside the sweep task (solo pool), not sending mail: every
    # notification was emailed exactly once
    assert sorted(group.emails()) == ["h0@example.org"] * total + ["h1@example.org"] * total, (
        output[-2000:]
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A Redis server of this test alone, so that stopping it disturbs nobody else."""

    def __init__(self, tmp_path: Path):
        self.port = _free_port()
        self.dir = tmp_path / "redis"
        self.dir.mkdir()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

        def up():
            with socket.socket() as sock:
                return sock.connect_ex(("127.0.0.1", self.port)) == 0

        wait_for(up, 20)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


SUBMIT = """
import json, django
django.setup()
from petitions import workflow
from portal.models import Region
region = Region.objects.get(code=%(code)r)
petition = workflow.petition_submit(
    channel="web", region_id=region.pk, category="traffic", title="公交班次太少",
    description="早上去石浦的公交车太挤", citizen_name="李大姐", citizen_phone="13800001111",
    wants_feedback=True,
)
print(json.dumps({"id": petition.pk, "code": petition.tracking_code}))
"""


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_with_redis_stopped_a_submission_succeeds_and_its_sms_follows_when_redis_is_back(
    tmp_path,
):
    region = make_region("城市甲")
    redis = PrivateRedis(tmp_path)  # not started: the port is closed
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": redis.url,
           "PORTAL_VAR_DIR": str(tmp_path)}  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", SUBMIT % {"code": region.code}],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 30  # no long hang on the dead broker
    submitted = json.loads(done.stdout.strip().splitlines()[-1])
    assert "could not queue delivery" in done.stderr
    petition = Petition.objects.get(pk=submitted["id"])
    assert petition.state == State.SUBMITTED
    row = Notification.objects.get(target_id=petition.pk, kind="citizen.sms")
    assert row.delivered_at is None and row.phone == "13800001111"

    redis.start()  # Redis is back: beat's delivery sweep sends what waited
    group = Workers(tmp_path, redis.url, NOTIFICATION_SWEEP_SECONDS="2",
                    REMINDER_SWEEP_MINUTES="60")  # fmt: skip
    try:
        group.start("-B", "--schedule", str(tmp_path / "beat-schedule"))
        wait_for(lambda: Notification.objects.filter(pk=row.pk, delivered_at=None).count() == 0,
                 90)  # fmt: skip
    finally:
        output = group.stop()
        redis.stop()
    row.refresh_from_db()
    assert row.texted_at is not None and row.attempts == 1
    assert f"SMS to 13800001111: {row.body}" in output
    assert submitted["code"] in row.body
