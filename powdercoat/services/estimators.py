"""The optional vision-model surface estimator: an HTTP endpoint asked about a photo (SPEC L6)."""

import base64
import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO

from django.conf import settings

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
# An answer is a few numbers and a sentence; anything far larger is not one.
MAX_ANSWER_BYTES = 1_000_000


@dataclass(frozen=True)
class AreaSuggestion:
    """What the estimator thinks: area per part, handling hours if it says, and its remark."""

    area_sqft: Decimal
    labor_hours: Decimal | None
    note: str


class EstimatorError(Exception):
    """The estimator is off or gave no usable answer; the message is for the person quoting."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # urllib would resend a redirected POST as a bodiless GET, possibly to another host;
    # a redirect is reported as the HTTP error it is instead.
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def vision_estimator_configured() -> bool:
    """Whether a vision endpoint is set (VISION_ESTIMATOR_URL); it is off by default."""
    return bool(getattr(settings, "VISION_ESTIMATOR_URL", ""))


def _timeout_seconds() -> float:
    try:
        timeout = float(getattr(settings, "VISION_ESTIMATOR_TIMEOUT", 10))
    except (TypeError, ValueError):
        timeout = 10.0
    return timeout if timeout > 0 else 10.0


def _build_request(
    *,
    url: str,
    image: bytes,
    content_type: str,
    shape: str,
    dimensions: Mapping[str, object],
    description: str,
) -> urllib.request.Request:
    body = json.dumps(
        {
            "image_base64": base64.b64encode(image).decode("ascii"),
            "content_type": content_type,
            "shape": shape,
            "dimensions_in": {str(key): str(value) for key, value in dimensions.items()},
            "description": description,
        }
    ).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    key = getattr(settings, "VISION_ESTIMATOR_KEY", "")
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return urllib.request.Request(url, data=body, headers=headers, method="POST")


def _number(value: object, *, name: str) -> Decimal:
    # JSON numbers only: a bool is an int to Python but not an area to anyone.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} is not a number: {value!r}")
    number = Decimal(str(value))
    if not number.is_finite() or number < 0:
        raise ValueError(f"{name} is not a usable number: {value!r}")
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _parse_answer(raw: bytes) -> AreaSuggestion:
    answer = json.loads(raw)
    if not isinstance(answer, dict):
        raise ValueError("the answer is not a JSON object")
    area = _number(answer.get("surface_area_sqft"), name="surface_area_sqft")
    if area <= 0:
        raise ValueError(f"surface_area_sqft is not above 0: {area}")
    hours = answer.get("labor_hours")
    note = answer.get("note") or ""
    if not isinstance(note, str):
        raise ValueError(f"note is not text: {note!r}")
    return AreaSuggestion(
        area_sqft=area,
        labor_hours=None if hours is None else _number(hours, name="labor_hours"),
        note=note.strip(),
    )


def vision_estimate(
    *, image: bytes, content_type: str, shape: str, dimensions: dict[str, str], description: str
) -> AreaSuggestion:
    """Ask the configured vision endpoint for a part's surface area; only a suggestion.

    POSTs the photo (base64) with the shape, inch dimensions and description as JSON, with the
    bearer key when one is set, and reads back surface_area_sqft, labor_hours and note. The
    timeout (VISION_ESTIMATOR_TIMEOUT seconds) applies to connecting and to each wait for data.
    Every failure, from being switched off to an unreadable answer, is an EstimatorError with
    a message for a person; nothing else is raised.
    """
    url = getattr(settings, "VISION_ESTIMATOR_URL", "")
    if not url:
        raise EstimatorError("The photo estimator is not set up (VISION_ESTIMATOR_URL is empty).")
    # urllib also opens file: and ftp: addresses; only a web endpoint is an estimator.
    try:
        scheme = urllib.parse.urlsplit(str(url)).scheme.lower()
    except ValueError:  # e.g. an unclosed [IPv6] bracket
        scheme = ""
    if scheme not in ("http", "https"):
        raise EstimatorError("The photo estimator address (VISION_ESTIMATOR_URL) is not http(s).")
    timeout = _timeout_seconds()
    too_slow = f"The photo estimator did not answer in {timeout:g} seconds."
    unreachable = "The photo estimator could not be reached."
    try:
        request = _build_request(
            url=url,
            image=image,
            content_type=content_type,
            shape=shape,
            dimensions=dimensions,
            description=description,
        )
    except (TypeError, ValueError, AttributeError) as exc:
        logger.warning("Vision estimator request not built: %s", exc)
        raise EstimatorError("The photo could not be sent to the photo estimator.") from exc
    try:
        with _opener.open(request, timeout=timeout) as response:
            raw = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as exc:
        logger.warning("Vision estimator answered HTTP %s", exc.code)
        exc.close()
        raise EstimatorError(
            f"The photo estimator answered with an error (HTTP {exc.code})."
        ) from exc
    except urllib.error.URLError as exc:
        logger.warning("Vision estimator unreachable: %s", exc.reason)
        if isinstance(exc.reason, TimeoutError):
            raise EstimatorError(too_slow) from exc
        raise EstimatorError(unreachable) from exc
    except TimeoutError as exc:
        logger.warning("Vision estimator timed out after %s s", timeout)
        raise EstimatorError(too_slow) from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        # A dropped connection, a garbled status line, or a URL urllib cannot use.
        logger.warning("Vision estimator failed: %r", exc)
        raise EstimatorError(unreachable) from exc
    try:
        if len(raw) > MAX_ANSWER_BYTES:
            raise ValueError("the answer is too large")
        return _parse_answer(raw)
    except (ValueError, InvalidOperation, RecursionError) as exc:
        logger.warning("Vision estimator answer unreadable: %s", exc)
        raise EstimatorError("The photo estimator gave an answer we could not read.") from exc
