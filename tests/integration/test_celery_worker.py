"""A real Celery worker process runs the portal's tasks: over Redis, and over the embedded
file-system broker that `make run` uses when no Redis is configured."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def _start_worker(env: dict, queue: str) -> subprocess.Popen:
    return subprocess.Popen(
        [CELERY, "-A", "portal", "worker", "--pool=solo", "-Q", queue, "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _stop(worker: subprocess.Popen) -> str:
    worker.terminate()
    try:
        output, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output


@pytest.mark.redis
def test_worker_runs_a_task_over_redis(tmp_path):
    from portal.tasks import ping

    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PORTAL_VAR_DIR": str(tmp_path)}
    worker = _start_worker(env, queue)
    try:
        token = uuid.uuid4().hex
        result = ping.apply_async(args=[token], queue=queue)
        assert result.get(timeout=60) == f"pong:{token}"
    finally:
        output = _stop(worker)
    assert "Traceback" not in output, output


def test_worker_runs_a_task_over_the_embedded_broker(tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["PORTAL_VAR_DIR"] = str(tmp_path)
    celery_dir = tmp_path / "celery"
    for folder in ("queue", "processed", "results", "control"):
        (celery_dir / folder).mkdir(parents=True, exist_ok=True)
    client = Celery(
        "client",
        broker="filesystem://",
        backend=f"file://{celery_dir / 'results'}",
        broker_transport_options={
            "data_folder_in": str(celery_dir / "queue"),
            "data_folder_out": str(celery_dir / "queue"),
            "control_folder": str(celery_dir / "control"),
        },
    )
    worker = _start_worker(env, queue)
    try:
        token = uuid.uuid4().hex
        result = client.send_task("portal.ping", args=[token], queue=queue)
        assert result.get(timeout=60) == f"pong:{token}"
    finally:
        output = _stop(worker)
    assert "Traceback" not in output, output
