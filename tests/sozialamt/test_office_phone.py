"""The office's phone number on every page: read once, again after an admin edit."""

import pytest
from django.urls import reverse

from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def test_the_phone_on_the_pages_costs_no_query_until_a_location_is_edited(client, location):
    location.phone = "0251 492-0"
    location.save()
    page = reverse("accessibility")
    assert "0251 492-0" in client.get(page).content.decode()
    assert count_queries(lambda: client.get(page)) == 0
    location.phone = "0251 492-5000"
    location.save()
    answer = client.get(page).content.decode()
    assert "0251 492-5000" in answer and "0251 492-0<" not in answer
    location.delete()
    assert "0251 492-5000" not in client.get(page).content.decode()
