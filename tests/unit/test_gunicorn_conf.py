"""deploy/gunicorn.conf.py: workers forked from a preloaded app get their own database pool, and the first
generation of workers (which starts together) reaches max_requests at different moments."""

import importlib.util
import sys
from types import SimpleNamespace

from peerreview.config import ROOT


def load_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", ROOT / "deploy" / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeEngine:
    def __init__(self):
        self.disposed = []

    def dispose(self, close=True):
        self.disposed.append(close)


def fork(conf, app, age, workers=5):
    server = SimpleNamespace(
        app=SimpleNamespace(wsgi=lambda: app), num_workers=workers, cfg=SimpleNamespace(max_requests=conf.max_requests)
    )
    worker = SimpleNamespace(age=age, max_requests=conf.max_requests)  # gunicorn adds the jitter before post_fork
    conf.post_fork(server, worker)
    return worker


def test_the_app_is_preloaded_and_a_forked_worker_drops_the_masters_connections_without_closing_them():
    conf = load_conf()
    engine = FakeEngine()
    fork(conf, SimpleNamespace(extensions={"peerreview.engine": engine}), age=1)
    assert conf.preload_app is True
    assert engine.disposed == [False]


def test_another_wsgi_app_under_the_same_settings_forks_without_an_engine():
    conf = load_conf()
    worker = fork(conf, object(), age=1)  # bench/bare_app.py: a Flask app without the peerreview engine
    assert worker.max_requests == conf.max_requests


def test_the_first_five_workers_get_limits_a_fifth_of_max_requests_apart_and_later_ones_only_jitter():
    conf = load_conf()
    limits = [fork(conf, object(), age=age).max_requests for age in range(1, 8)]
    step = conf.max_requests // 5
    assert limits[:5] == [conf.max_requests + n * step for n in range(5)]
    assert limits[5:] == [conf.max_requests, conf.max_requests]
    assert conf.max_requests_jitter >= conf.max_requests // 2


def test_a_worker_without_recycling_stays_without():
    conf = load_conf()
    server = SimpleNamespace(app=SimpleNamespace(wsgi=object), num_workers=5, cfg=SimpleNamespace(max_requests=0))
    worker = SimpleNamespace(age=3, max_requests=sys.maxsize)
    conf.post_fork(server, worker)
    assert worker.max_requests == sys.maxsize
