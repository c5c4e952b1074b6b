"""gunicorn settings of the portal's web process (deploy/systemd/portal-web.service).

    gunicorn --config deploy/gunicorn.conf.py portal.wsgi

gunicorn listens on the loopback only; nginx (deploy/nginx/portal.conf) on the same machine
terminates TLS and appends the client's address to X-Forwarded-For, so the portal runs with
TRUSTED_PROXY_COUNT=1 and gunicorn trusts the forwarded headers of the loopback only. Every
value can be changed in /etc/portal/portal.env (the GUNICORN_* lines of
deploy/portal.env.example).
"""

import multiprocessing
import os


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
# Sync workers: every request is short (long exports and figures run in Celery), and nginx
# buffers slow clients' uploads and downloads, so a worker is never held by a slow phone.
worker_class = "sync"
workers = env_int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
# A request that takes longer than this is killed (the worker restarts): the largest page,
# an export of 5,000 rows, takes a few seconds.
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Recycle workers now and then, so that a slow leak never grows; the jitter keeps them from
# restarting all at once.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# The workers' heartbeat files on tmpfs (systemd's RuntimeDirectory), not on a disk that
# may stall.
worker_tmp_dir = "/run/portal" if os.path.isdir("/run/portal") else None

# Only nginx on this machine may set X-Forwarded-Proto (the portal's SECURE_PROXY_SSL_HEADER).
# The client's address itself is read by portal.ratelimit.client_ip from X-Forwarded-For,
# trusting TRUSTED_PROXY_COUNT hops: keep both at "nginx on the loopback, one hop".
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"

# Logs to standard output and error: journald keeps them (journalctl -u portal-web).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"
# %(h)s is always nginx (127.0.0.1): the client is X-Real-IP, the address nginx saw, which
# is the same entry of X-Forwarded-For that TRUSTED_PROXY_COUNT=1 makes the portal use.
access_log_format = (
    '%({x-real-ip}i)s - %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" '
    'xff="%({x-forwarded-for}i)s"'
)

# gunicornc's control socket in systemd's RuntimeDirectory, not in the service's home.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or "/run/portal/gunicorn.ctl"
proc_name = "portal-web"
