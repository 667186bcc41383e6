"""The string catalogues: same keys in every language, lookups fail loudly."""
import pytest

from pipeline.presentation import i18n


def _keys(node, prefix=""):
    if isinstance(node, dict):
        return {k for key, v in node.items() for k in _keys(v, f"{prefix}{key}.")}
    return {prefix.rstrip(".")}


def test_catalogues_have_the_same_keys():
    assert _keys(i18n.catalogue("zh")) == _keys(i18n.catalogue("en"))


def test_lookup_and_format():
    assert i18n.t("status.on_track", "zh") == "有望完成"
    assert i18n.t("vintage.first", "en") == "first release"


def test_missing_key_and_language_are_errors():
    with pytest.raises(KeyError, match="no string 'status.nope' in the en catalogue"):
        i18n.t("status.nope", "en")
    with pytest.raises(ValueError, match="lang must be one of zh, en, not 'fr'"):
        i18n.t("status.on_track", "fr")
