"""Start-up configuration: bad or missing values stop the process with a message naming them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "sozialamt.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_refuses_to_start():
    result = start(DEBUG="false", ALLOWED_HOSTS="sozialamt.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = start(DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


@pytest.mark.parametrize("url", ["nonsense", "mysqlx://nobody@nowhere/db", "postgres://:notaport/x"])
def test_a_bad_database_url_names_the_variable(url):
    result = start(DEBUG="true", DATABASE_URL=url)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_development_defaults_start_without_any_variable():
    result = start(DEBUG="true")
    assert result.returncode == 0, result.stderr


def celery_conf(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    code = "from sozialamt import celery_app as a; c = a.conf; print(c.broker_url, c.task_always_eager, c.task_acks_late, c.worker_prefetch_multiplier)"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "sozialamt.settings", "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_celery_uses_redis_as_broker_when_configured():
    assert celery_conf(REDIS_URL="redis://127.0.0.1:6379/3") == "redis://127.0.0.1:6379/3 False True 1"


def test_without_redis_tasks_run_in_process():
    assert celery_conf() == "memory:// True True 1"
