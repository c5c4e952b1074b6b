"""Fault drill: PostgreSQL restarts under load.

Four citizens submit issues and an office worker screens them through the API while the
database is stopped (fast shutdown: sessions cut off), kept down 3 seconds and started
again. Every issue the portal accepted (a receipt with a tracking code) is in the database
once; while the database is down the portal answers a clear 503 page in Chinese (JSON under
``/api/``), never a server error or a traceback; afterwards the same web processes serve
again without a restart.
"""

import json
import time

from tests.drills import harness

DRILL = "pg"
GRACE = 1.5  # seconds after the database is back in which a request sent before may still fail


def test_postgres_restart_loses_no_accepted_submission(drill_stack, capsys):
    harness.require(postgres=True, redis=True)
    stack = drill_stack
    stack.start_redis()
    stack.make_env()
    web = stack.start_web()
    workers_before = web.worker_pids()
    load = harness.Load()
    make = lambda: harness.Submission(DRILL, stack.regions)  # noqa: E731
    load.citizens(4, web.port, make, per_client=60, pause=0.05)
    load.staff(web.port)
    time.sleep(2)

    down_at = time.monotonic()
    stack.cluster.stop("fast")
    time.sleep(3)
    stack.cluster.start()
    up_at = time.monotonic()
    time.sleep(3)
    load.join(timeout=60)

    # After the restart, the same processes serve: a new issue, the readiness probe.
    after = harness.Submission(DRILL, stack.regions)
    assert after.send(harness.Client(web.port)).status == 302, after.answers[-1].body[:2000]
    status, _headers, _body = harness.request(web.port, "GET", "/readyz")
    assert status == 200
    assert web.process.poll() is None and web.worker_pids() == workers_before, (
        "the web server's workers were restarted"
    )

    submissions = [*load.submissions, after]
    accepted = {s.marker for s in submissions if s.accepted}
    stored = harness.stored_markers(stack, DRILL)
    lost = sorted(accepted - set(stored))
    duplicated = sorted(marker for marker, count in stored.items() if count > 1)
    answers = load.answers
    failures = [a for a in answers if a.status not in (200, 302)]
    refused = [a for a in failures if a.status == 503]
    staff = [a for a in answers if a.kind == "staff"]
    staff_ok = [a for a in staff if a.status == 200]
    recovered = min(
        (a.received_at for a in answers if a.status in (200, 302) and a.sent_at >= up_at),
        default=None,
    )
    line = (
        f"drill postgres-restart: sent {len(answers) + 1} requests "
        f"({len(answers) - len(staff) + 1} citizen, {len(staff)} staff), "
        f"submissions {len(submissions)}, accepted {len(accepted)}, "
        f"refused while down {len(refused)} (503), other errors {len(failures) - len(refused)}, "
        f"stored {len(stored)}, lost {len(lost)}, duplicated {len(duplicated)}, "
        f"staff actions ok {len(staff_ok)}, down {up_at - down_at:.1f} s, "
        + (f"recovered in {recovered - up_at:.1f} s" if recovered else "never recovered")
    )
    harness.report(capsys, line)

    assert not lost and not duplicated, line
    assert len(accepted) == len(submissions), f"{line}: some issues were never accepted"
    assert refused, f"{line}: the outage was not noticed: the drill did not test anything"
    assert len(failures) == len(refused), (
        f"{line}: answers other than 503: "
        + "; ".join(f"{a.status} {a.body[:300]!r}" for a in failures if a.status != 503)
        + stack.logs()
    )
    for answer in refused:
        assert down_at <= answer.received_at and answer.sent_at <= up_at + GRACE, (
            f"{line}: a 503 {answer.received_at - up_at:.1f} s after the database was back"
        )
        assert answer.headers.get("retry-after"), "a 503 without Retry-After"
        text = answer.body.decode()
        assert "Traceback" not in text and "OperationalError" not in text
        if answer.kind == "staff":
            body = json.loads(text)
            assert body["code"] == "service_unavailable" and body["detail"], body
        else:
            assert "服务暂时不可用" in text, text[:1000]
    assert recovered is not None and recovered - up_at < 5, line
    assert staff_ok, f"{line}: the office worker never got an answer"
