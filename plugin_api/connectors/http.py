"""One way to call a desk over HTTP: no redirects, a timeout, and failures sorted into retry or reject."""

from __future__ import annotations

from typing import Any

import httpx

from ..desk import DeskRejected, DeskUnavailable

#: Statuses that mean "busy or broken for now": the request may be tried again.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def client(timeout: float, **options: Any) -> httpx.Client:
    """An HTTP client that never follows redirects (a redirect could carry credentials elsewhere)."""
    return httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, **options)


def call(
    http: httpx.Client, method: str, url: str, *, what: str, missing_ok: bool = False, **options: Any
) -> httpx.Response:
    """Send one request; raise DeskUnavailable or DeskRejected with a message fit for the admin page.

    Messages name the address's host and the status, never headers, so no credential or secret
    ends up in logs or on a page.
    """
    where = httpx.URL(url).host
    try:
        response = http.request(method, url, **options)
    except httpx.TimeoutException:
        raise DeskUnavailable(f"The desk at {where} took too long to answer while we {what}.") from None
    except httpx.HTTPError as error:
        raise DeskUnavailable(
            f"We could not reach the desk at {where} while we {what} ({type(error).__name__})."
        ) from None
    if response.is_success or (missing_ok and response.status_code == 404):
        return response
    detail = _detail(response)
    if response.status_code in RETRY_STATUSES:
        raise DeskUnavailable(f"The desk at {where} was busy while we {what} (HTTP {response.status_code}). {detail}")
    if response.is_redirect:
        raise DeskRejected(
            f"The desk at {where} sent us elsewhere while we {what} (HTTP {response.status_code}). "
            "Check the address in the settings: we do not follow redirects."
        )
    raise DeskRejected(f"The desk at {where} refused while we {what} (HTTP {response.status_code}). {detail}")


def _detail(response: httpx.Response) -> str:
    """The desk's own words about a failure, short."""
    text = response.text.strip()
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        text = str(data.get("message") or data.get("error") or data.get("detail") or text)
    elif isinstance(data, list) and data:
        text = "; ".join(str(item) for item in data[:3])
    return f"It said: {text[:300]}" if text else ""
