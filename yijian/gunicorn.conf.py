"""gunicorn's settings for yijian (`gunicorn -c yijian/gunicorn.conf.py yijian.wsgi`; scripts/serve --production).
Each can be overridden from the environment; README "Deployment" gives the why of each."""

import multiprocessing
import os

bind = os.environ.get("ADDRESS", "127.0.0.1:8000")
# Sync workers, one per core: a request here is CPU work (templates, the ORM, Python) with short waits on a nearby
# PostgreSQL, so more processes than cores only queue for the CPU and take memory; a slow client is nginx's to buffer.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"
# A request taking longer than this is killed and its worker replaced: PDFs are rendered by the task worker, not in
# requests, and the slowest page (a guide's first PDF) takes a few seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))  # a restart lets requests finish
keepalive = 5  # behind nginx, which keeps connections open to the upstream
# Replace a worker after this many requests (jittered so they do not all restart at once): caps slow memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
preload_app = True  # settings and apps loaded once before forking: less memory, and a broken setting fails at start
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")  # the proxy whose X-Forwarded-* to trust
