"""Reading the environment in config/settings.py: yes/no variables take known words only."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool


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
