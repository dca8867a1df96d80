"""Reading the environment in config/settings.py: yes/no words, and the cache REDIS_URL names."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.settings import cache_settings, env_bool


@pytest.mark.parametrize("word", ["1", "true", "yes", "on", "TRUE", " Yes ", "On"])
def test_yes_words_mean_yes(word, monkeypatch):
    """1, true, yes and on, in any case and with stray spaces, turn a setting on."""
    monkeypatch.setenv("SHOP_FLAG", word)
    assert env_bool("SHOP_FLAG", default=False) is True


@pytest.mark.parametrize("word", ["0", "false", "no", "off", "", "  ", "FALSE", "Off"])
def test_no_words_and_empty_mean_no(word, monkeypatch):
    """0, false, no, off and an empty value turn a setting off, even where the default is on."""
    monkeypatch.setenv("SHOP_FLAG", word)
    assert env_bool("SHOP_FLAG", default=True) is False


@pytest.mark.parametrize("default", [True, False])
def test_an_unset_variable_takes_the_default(default, monkeypatch):
    """A variable that is not set at all gives the default."""
    monkeypatch.delenv("SHOP_FLAG", raising=False)
    assert env_bool("SHOP_FLAG", default=default) is default


@pytest.mark.parametrize("word", ["ture", "2", "y", "enabled", "-1"])
def test_any_other_word_stops_the_start_naming_the_variable(word, monkeypatch):
    """A typo is refused with the variable, what it held and the words that are understood."""
    monkeypatch.setenv("DJANGO_SSL_REDIRECT", word)
    with pytest.raises(ImproperlyConfigured) as refusal:
        env_bool("DJANGO_SSL_REDIRECT", default=True)
    message = str(refusal.value)
    assert message.startswith(f"DJANGO_SSL_REDIRECT={word!r} is neither yes nor no")
    for accepted in ("1, true, yes, on", "0, false, no, off"):
        assert accepted in message


# -- REDIS_URL ----------------------------------------------------------------------------------


def test_without_redis_url_each_process_keeps_its_own_cache():
    """No REDIS_URL: Django's in-memory cache, one per process."""
    assert cache_settings("") == {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/0",
        "rediss://:secret@cache.example.com:6380/2",
        "unix:///run/redis/redis.sock?db=1",
    ],
)
def test_a_redis_url_puts_the_cache_on_that_redis(url):
    """redis://, rediss:// (TLS) and unix:// (a socket) name Django's Redis cache at that address,
    under the shop's own key prefix, with timeouts so a stopped Redis cannot hang a worker."""
    default = cache_settings(url)["default"]
    assert default["BACKEND"] == "config.cache.FailOpenRedisCache"
    assert default["LOCATION"] == url
    assert default["KEY_PREFIX"] == "powdercoat"
    assert default["OPTIONS"] == {"socket_connect_timeout": 1, "socket_timeout": 1}


@pytest.mark.parametrize(
    "url", ["127.0.0.1:6379", "http://:secret@cache.example.com/0", "memcached://127.0.0.1"]
)
def test_an_address_that_is_not_redis_stops_the_start_without_repeating_it(url):
    """A missing or wrong scheme is refused with the schemes understood and an example; the
    value is not echoed, as it may hold the Redis password."""
    with pytest.raises(ImproperlyConfigured) as refusal:
        cache_settings(url)
    message = str(refusal.value)
    assert message == (
        "REDIS_URL must start with redis://, rediss:// or unix:// "
        "(e.g. redis://127.0.0.1:6379/0); the value given does not."
    )
    assert "secret" not in message


def test_a_redis_url_with_a_port_that_is_not_a_number_stops_the_start():
    """redis://host:abc/0 is refused at start-up, not at the first page that counts."""
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL could not be read: Port could not"):
        cache_settings("redis://cache.example.com:abc/0")


def test_the_settings_module_refuses_to_load_with_a_bad_redis_url():
    """Importing config.settings with REDIS_URL=memcached://... fails with the message."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "REDIS_URL": "memcached://127.0.0.1"}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: REDIS_URL must start with redis://" in result.stderr
