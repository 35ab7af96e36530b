"""The gunicorn settings file: the worker type it asks for is the one gunicorn runs."""

from __future__ import annotations

import importlib

import pytest
from gunicorn.config import Config

import community.web.gunicorn_conf


def _settings(monkeypatch, **env: str) -> Config:
    for name in ("GUNICORN_WORKER_CLASS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    module = importlib.reload(community.web.gunicorn_conf)
    config = Config()
    for name in ("worker_class", "threads", "workers"):
        config.set(name, getattr(module, name))
    return config


@pytest.fixture(autouse=True)
def _restore():
    yield
    importlib.reload(community.web.gunicorn_conf)


def test_sync_workers_by_default_and_gunicorn_keeps_them_sync(monkeypatch):
    config = _settings(monkeypatch, GUNICORN_THREADS="4")
    # gunicorn would run gthread for a sync worker with more than one thread.
    assert config.worker_class_str == "sync"
    assert config.threads == 1


def test_threaded_workers_on_request(monkeypatch):
    config = _settings(monkeypatch, GUNICORN_WORKER_CLASS="gthread")
    assert config.worker_class_str == "gthread"
    assert config.threads == 2


def test_each_worker_freezes_the_loaded_app_out_of_full_collections():
    import gc

    gc.unfreeze()
    try:
        community.web.gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000  # the modules, models and app just loaded
    finally:
        gc.unfreeze()
