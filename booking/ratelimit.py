"""Per-client rate limits in the cache (Redis when configured): a counter per client and minute."""

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone


def client_id(request: HttpRequest) -> str:
    # REMOTE_ADDR: behind a proxy, the proxy must set it (e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "unknown")


def over_limit(request: HttpRequest, scope: str, per_minute: int) -> bool:
    """Counts this request; True when the client has sent more than `per_minute` in this minute."""
    minute = int(timezone.now().timestamp() // 60)
    key = f"booking:rl:{scope}:{client_id(request)}:{minute}"
    if cache.add(key, 1, timeout=90):
        return per_minute < 1
    try:
        return cache.incr(key) > per_minute
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=90)
        return False
