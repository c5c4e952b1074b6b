"""The drills' SMS gateway (``SMS_BACKEND=tests.drills.smslog.FileBackend``): every message
sent is one line appended to ``DRILL_SMS_LOG``, so that a drill counts what really left,
across processes and across a worker killed mid-delivery. Like a real gateway given the
client's message id, it drops a message whose key it has already taken (the line is written
with ``"repeat": true`` so that the drill can count the portal's repeats).

``DRILL_SMS_DELAY`` (seconds) is the gateway's round trip after it took the message: the
message has left, the portal has not heard back yet. A worker killed in that moment is the
case "sent, but not recorded as sent"."""

import fcntl
import json
import os
import time

from portal.sms import ConsoleBackend


class FileBackend(ConsoleBackend):
    def send(self, phone: str, text: str, key: str | None = None) -> None:
        path = os.environ["DRILL_SMS_LOG"]
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # one gateway: a key is taken once across processes
            repeat = key is not None and any(m.get("key") == key for m in sent(path))
            line = json.dumps({"phone": phone, "text": text, "key": key, "repeat": repeat,
                               "pid": os.getpid(), "at": time.time()})  # fmt: skip
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
        delay = float(os.environ.get("DRILL_SMS_DELAY") or 0)
        if delay and not repeat:
            time.sleep(delay)


def sent(path) -> list[dict]:
    """Return the messages in the log at ``path`` (none when nothing was sent)."""
    try:
        with open(path, encoding="utf-8") as log:
            return [json.loads(line) for line in log if line.strip()]
    except FileNotFoundError:
        return []
