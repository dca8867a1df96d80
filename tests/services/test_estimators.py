"""The vision estimator against a local stand-in server on 127.0.0.1, never a real one (L6)."""

import base64
import json
import socket
import time
from decimal import Decimal

import pytest

from powdercoat.services.estimators import (
    AreaSuggestion,
    EstimatorError,
    vision_estimate,
    vision_estimator_configured,
)

IMAGE = b"\x89PNG\r\n\x1a\n not really a picture"


@pytest.fixture(autouse=True)
def _direct(no_proxy):
    """Every test here talks to 127.0.0.1 only, whatever proxy the environment names."""


def _estimate(**overrides):
    arguments = {
        "image": IMAGE,
        "content_type": "image/png",
        "shape": "wheel",
        "dimensions": {"diameter": "17", "width": "8"},
        "description": "Alloy wheel, gloss black",
    }
    arguments.update(overrides)
    return vision_estimate(**arguments)


def test_good_answer_becomes_a_suggestion_and_sends_key_shape_and_photo(stand_in):
    """A good answer is returned as Decimals; the server got the key, shape and photo."""
    suggestion = _estimate()

    assert suggestion == AreaSuggestion(
        area_sqft=Decimal("6.50"), labor_hours=Decimal("0.75"), note="Spoked wheel, 5 spokes."
    )
    [request] = stand_in.received
    assert request["headers"]["Authorization"] == "Bearer test-key-123"
    assert request["headers"]["Content-Type"] == "application/json"
    body = request["body"]
    assert body["shape"] == "wheel"
    assert base64.b64decode(body["image_base64"]) == IMAGE
    assert body["content_type"] == "image/png"
    assert body["dimensions_in"] == {"diameter": "17", "width": "8"}
    assert body["description"] == "Alloy wheel, gloss black"


def test_no_authorization_header_without_a_key(stand_in, settings):
    """With no key set the request carries no Authorization header at all."""
    settings.VISION_ESTIMATOR_KEY = ""
    _estimate()
    assert "Authorization" not in stand_in.received[0]["headers"]


def test_labor_hours_may_be_null(stand_in):
    """An answer without labour hours gives a suggestion with labor_hours None."""
    stand_in.body = json.dumps({"surface_area_sqft": 3, "labor_hours": None, "note": ""}).encode()
    suggestion = _estimate()
    assert suggestion.area_sqft == Decimal("3.00")
    assert suggestion.labor_hours is None


def test_server_error_is_reported_with_its_status(stand_in):
    """HTTP 500 becomes an EstimatorError naming the status."""
    stand_in.status = 500
    stand_in.body = b'{"error": "model crashed"}'
    with pytest.raises(EstimatorError, match=r"answered with an error \(HTTP 500\)"):
        _estimate()


def test_redirect_is_not_followed(stand_in):
    """A redirect is an error, not a second request somewhere else."""
    stand_in.status = 302
    with pytest.raises(EstimatorError, match=r"HTTP 302"):
        _estimate()
    assert len(stand_in.received) == 1


def test_invalid_json_is_unreadable(stand_in):
    """A body that is not JSON becomes an EstimatorError about an unreadable answer."""
    stand_in.body = b"<html>Bad gateway</html>"
    with pytest.raises(EstimatorError, match="gave an answer we could not read"):
        _estimate()


@pytest.mark.parametrize(
    "answer",
    [
        {"labor_hours": 1, "note": "no area"},
        {"surface_area_sqft": -2, "labor_hours": None, "note": ""},
        {"surface_area_sqft": 0, "labor_hours": None, "note": ""},
        {"surface_area_sqft": "6.5", "labor_hours": None, "note": ""},
        {"surface_area_sqft": 6.5, "labor_hours": -1, "note": ""},
        [6.5],
    ],
)
def test_missing_or_negative_area_is_unreadable(stand_in, answer):
    """JSON without a usable positive area (or with negative hours) is refused."""
    stand_in.body = json.dumps(answer).encode()
    with pytest.raises(EstimatorError, match="gave an answer we could not read"):
        _estimate()


def test_slow_server_times_out(stand_in, settings):
    """A server slower than the timeout gives an EstimatorError about time, promptly."""
    settings.VISION_ESTIMATOR_TIMEOUT = 0.5
    stand_in.delay = 5
    started = time.monotonic()
    with pytest.raises(EstimatorError, match=r"did not answer in 0\.5 seconds"):
        _estimate()
    assert time.monotonic() - started < 3


def test_nothing_listening_is_reported(settings):
    """A closed port on 127.0.0.1 gives an EstimatorError, not a socket error."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.VISION_ESTIMATOR_URL = f"http://127.0.0.1:{port}/estimate"
    settings.VISION_ESTIMATOR_TIMEOUT = 2
    with pytest.raises(EstimatorError, match="could not be reached"):
        _estimate()


@pytest.mark.parametrize(
    "url", ["not a url", "file:///etc/passwd", "ftp://127.0.0.1/x", "http://[::1"]
)
def test_address_that_is_not_http_is_refused(settings, url):
    """Only an http(s) address is asked; anything else is an EstimatorError, unopened."""
    settings.VISION_ESTIMATOR_URL = url
    with pytest.raises(EstimatorError, match=r"is not http\(s\)"):
        _estimate()


def test_not_configured_is_off_and_refuses(settings):
    """With no URL the estimator reports itself off and vision_estimate refuses."""
    settings.VISION_ESTIMATOR_URL = ""
    assert vision_estimator_configured() is False
    with pytest.raises(EstimatorError, match="not set up"):
        _estimate()


def test_configured_when_a_url_is_set(stand_in):
    """A URL in settings switches the estimator on."""
    assert vision_estimator_configured() is True
