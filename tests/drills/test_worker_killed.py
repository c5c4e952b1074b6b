"""Fault drill: the Celery worker is killed (SIGKILL) in the middle of delivering text
messages, and another one takes over.

Thirty citizens' text messages are written the way the portal writes them (a notification
row each, its delivery task queued after commit) while no worker runs. A worker starts and
sends them through the drills' SMS gateway, which takes a moment to answer each message
(``DRILL_SMS_DELAY``): the message has left, the portal has not recorded it yet. The drill
kills the worker (and its beat) with SIGKILL after a third of them, at such a moment, and
starts a second worker; its delivery sweep and the queued tasks send the rest. The message
the killed worker had handed over is sent again under the same key, and the gateway drops
the repeat, as a real one given the client's message id does. Every citizen gets exactly one
message: none lost, none sent twice.
"""

import time

from tests.drills import harness

COUNT = 30
DELAY = 0.15  # the gateway's answer: the kill lands between "sent" and "recorded"
QUEUE_SCRIPT = """
from django.db import transaction
from portal.notifications import notify_citizen
for number in range({count}):
    with transaction.atomic():
        notify_citizen(phone="137{serial}%05d" % number, text="演练短信 %d：您反映的问题已收到。" % number)
"""


def test_worker_killed_during_delivery_sends_each_message_once(drill_stack, capsys):
    harness.require(postgres=True, redis=True)
    stack = drill_stack
    stack.start_redis()
    env = stack.make_env(DRILL_SMS_DELAY=DELAY)
    serial = f"{int(time.time()) % 1000:03d}"
    phones = {f"137{serial}{number:05d}" for number in range(COUNT)}
    harness.manage(env, "shell", "-c", QUEUE_SCRIPT.format(count=COUNT, serial=serial))
    queued = stack.redis.client().llen("celery")

    first = stack.worker("first")
    first.start()
    started = time.monotonic()
    harness.wait_for(
        lambda: len(harness.texts_by_phone(stack)) >= COUNT // 3, 60, "a third of the messages"
    )
    first.kill()
    killed_after = time.monotonic() - started
    sent_before = sum(harness.texts_by_phone(stack).values())

    def pending() -> int:
        return stack.query(
            "SELECT count(*) FROM portal_notification WHERE phone = ANY(%s) "
            "AND delivered_at IS NULL AND failed_at IS NULL",
            (sorted(phones),),
        )[0][0]

    pending_at_kill = pending()
    second = stack.worker("second")
    second.start()
    taken_over = time.monotonic()
    harness.wait_for(lambda: pending() == 0, 60, "the second worker to deliver the rest")
    rest = time.monotonic() - taken_over
    time.sleep(2.5)  # a sweep (every 2 s) that would send a message again has run by now

    texts = harness.texts_by_phone(stack)
    delivered = stack.query(
        "SELECT count(*) FROM portal_notification WHERE phone = ANY(%s) "
        "AND delivered_at IS NOT NULL",
        (sorted(phones),),
    )[0][0]
    lost = sorted(phone for phone in phones if texts.get(phone, 0) == 0)
    duplicated = sorted(phone for phone in phones if texts.get(phone, 0) > 1)
    line = (
        f"drill worker-killed: notifications {COUNT} ({queued} delivery tasks queued), "
        f"worker SIGKILLed {killed_after:.1f} s into delivery after {sent_before} texts "
        f"({pending_at_kill} still pending), second worker delivered the rest in {rest:.1f} s; "
        f"delivered {delivered}, texts sent {sum(texts.get(p, 0) for p in phones)}, "
        f"sent again by the portal and dropped by the gateway's message id "
        f"{harness.repeats(stack)}, lost {len(lost)}, duplicated {len(duplicated)}"
    )
    harness.report(capsys, line)

    assert 0 < pending_at_kill < COUNT, f"{line}: the kill did not land during delivery"
    assert delivered == COUNT, line
    assert not lost, f"{line}: never sent to {lost}\n{stack.logs()}"
    assert not duplicated, f"{line}: sent twice to {duplicated}\n{stack.logs()}"
