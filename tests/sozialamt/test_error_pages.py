"""Error pages in the site's layout, and requests Django's own handlers would turn into a 500."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_the_404_page_is_german_in_the_site_layout_and_reads_no_database(client, settings):
    settings.OFFICE_PHONE = "0251 492-0"
    responses = []
    queries = count_queries(lambda: responses.append(client.get("/gibt-es-nicht/")))
    response = responses[0]
    assert response.status_code == 404
    page = response.content.decode()
    assert 'lang="de"' in page and "Diese Seite gibt es nicht" in page and "0251 492-0" in page
    assert "/static/css/site.css" in page and "Not Found" not in page  # the site's layout
    assert queries == 0


def test_the_404_page_speaks_english_when_asked(client):
    response = client.get("/gibt-es-nicht/", headers={"Accept-Language": "en"})
    assert "This page does not exist" in response.content.decode()


def test_a_multipart_post_without_boundary_to_an_unknown_url_is_a_404_not_a_500():
    # A browser-like client: CSRF checks on, a CSRF cookie; Django's default 404 view would
    # check the token and so parse the malformed body.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = "a" * 32
    response = client.generic("POST", "/x", b"x=1", content_type="multipart/form-data")
    assert response.status_code == 404


def test_a_client_sent_x_forwarded_proto_is_not_believed_without_a_trusted_proxy(client, settings, location):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301 and response["Location"].startswith("https://")


@pytest.mark.parametrize(("proxies", "header"), [("0", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")])
def test_x_forwarded_proto_is_read_only_behind_trusted_proxies(proxies, header):
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "TRUSTED_PROXIES": proxies},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == header, result.stderr
