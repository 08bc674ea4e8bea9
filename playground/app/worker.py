"""The Celery worker of class mode: ``playground worker --redis-url URL`` runs it.

(Celery's own command works too: ``PLAYGROUND_REDIS_URL=URL celery -A playground.app.worker worker``.)
Building the Dash app registers each of its background callbacks as a task of ``celery``,
under the same names as in the web server, so the worker runs whatever the pages queue.
"""

from __future__ import annotations

from playground.app.main import create_app
from playground.app.server.classmode import celery_app, redis_url

if not redis_url():
    raise RuntimeError("class mode needs $PLAYGROUND_REDIS_URL (playground worker --redis-url URL sets it)")

dash_app = create_app()
celery = celery_app(redis_url())
