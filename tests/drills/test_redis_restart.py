"""Fault drill: Redis (cache, rate limits, check-code claims and the Celery broker)
restarts under load.

Four citizens submit issues while the drill's redis-server is shut down without saving
(everything it held is gone, queued delivery tasks too), kept down 3 seconds and started
again. Every issue is accepted the first time: the portal never waits on Redis. Each issue
writes the citizen's text message ("received") as a notification row; those whose delivery
task could not be queued while Redis was down are sent by the delivery sweep (Celery beat)
once it is back. A real Celery worker delivers them: every citizen gets exactly one text
message (counted at the drills' SMS gateway by phone number, one number per issue).
"""

import time

from tests.drills import harness

DRILL = "redis"
SLOWEST = 5.0  # seconds: a citizen never waits on a Redis that is down (it waited 19 s)


def test_redis_restart_keeps_submissions_and_delivers_once(drill_stack, capsys):
    harness.require(postgres=True, redis=True)
    stack = drill_stack
    redis = stack.start_redis()
    stack.make_env()
    worker = stack.worker("one")
    worker.start(wait=False)
    web = stack.start_web()
    worker.wait_ready()
    load = harness.Load()
    make = lambda: harness.Submission(DRILL, stack.regions)  # noqa: E731
    load.citizens(4, web.port, make, per_client=60, pause=0.05, retry_for=0)
    time.sleep(2)

    down_at, down_wall = time.monotonic(), time.time()
    redis.shutdown()
    time.sleep(3)
    redis.start()
    up_at, up_wall = time.monotonic(), time.time()
    time.sleep(3)
    load.join(timeout=60)

    accepted = {s.marker: s for s in load.submissions if s.accepted}
    phones = {s.phone for s in accepted.values()}

    def pending() -> int:
        return stack.query(
            "SELECT count(*) FROM portal_notification WHERE phone = ANY(%s) "
            "AND delivered_at IS NULL AND failed_at IS NULL",
            (list(phones),),
        )[0][0]

    waited = harness.wait_for(lambda: pending() == 0, 45, "the delivery of the text messages")
    time.sleep(2.5)  # a sweep (every 2 s) that would send one again has run by now
    stored = harness.stored_markers(stack, DRILL)
    queued_while_down = stack.query(
        "SELECT count(*) FROM portal_notification WHERE phone = ANY(%s) "
        "AND created_at BETWEEN to_timestamp(%s) AND to_timestamp(%s)",
        (list(phones), down_wall, up_wall),
    )[0][0]
    texts = harness.texts_by_phone(stack)
    answers = load.answers
    failures = [a for a in answers if a.status != 302]
    while_down = [a for a in answers if a.sent_at <= up_at and a.received_at >= down_at]
    slowest = max(a.received_at - a.sent_at for a in answers)
    lost = sorted(marker for marker in accepted if marker not in stored)
    duplicated = sorted(marker for marker, count in stored.items() if count > 1)
    not_texted = sorted(phone for phone in phones if texts.get(phone, 0) == 0)
    texted_twice = sorted(phone for phone in phones if texts.get(phone, 0) > 1)
    line = (
        f"drill redis-restart: Redis down {up_at - down_at:.1f} s; "
        f"sent {len(answers)}, accepted {len(accepted)} "
        f"({len(while_down)} while Redis was down), refused {len(failures)}, "
        f"slowest answer {slowest:.1f} s, stored {len(stored)}, lost {len(lost)}, "
        f"duplicated {len(duplicated)}; "
        f"notifications {len(phones)} ({queued_while_down} written while down), "
        f"texts sent {sum(texts.get(phone, 0) for phone in phones)}, "
        f"not delivered {len(not_texted)}, delivered twice {len(texted_twice)}, "
        f"all delivered {waited:.1f} s after the load"
    )
    harness.report(capsys, line)

    assert not failures, (
        f"{line}: " + "; ".join(f"{a.status} {a.body[:300]!r}" for a in failures[:5]) + stack.logs()
    )
    assert len(while_down) >= 8, f"{line}: too few submissions while Redis was down"
    assert slowest < SLOWEST, f"{line}: a submission waited on Redis\n{stack.logs()}"
    assert not lost and not duplicated, line
    assert not not_texted and not texted_twice, f"{line}\n{stack.logs()}"
    assert worker.process.poll() is None, f"the worker died\n{stack.logs()}"
