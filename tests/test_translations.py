"""params.yaml ``translations``: a briefings entry's page in another language, from the same forecast (issue 19)."""
import pytest
import yaml

from conftest import ROOT
from pipeline.__main__ import main
from pipeline.common.errors import InputError
from pipeline.presentation.briefing import runner

BRIEFINGS = "briefings:\n  china-2026-08: {region: china, as_of: '2026-08', previous_as_of: '2026-06', lang: zh}\n"


def _params(tmp_path, translation: str):
    path = tmp_path / "params.yaml"
    path.write_text(BRIEFINGS + "translations:\n  china-2026-08-en: " + translation + "\n", encoding="utf-8")
    return path


def test_the_params_translation_is_read():
    assert runner.translations()["china-2026-08-en"] == {"of": "china-2026-08", "region": "china", "as_of": "2026-08",
                                                         "previous_as_of": "2026-06", "lang": "en"}


@pytest.mark.parametrize("entry,message", [
    ("{of: china-2026-07, region: china, as_of: '2026-08', previous_as_of: '2026-06', lang: en}",
     "params.yaml: translations.china-2026-08-en: of: no briefings entry 'china-2026-07'"),
    ("{of: china-2026-08, region: china, as_of: '2026-08', previous_as_of: '2026-06', lang: zh}",
     "params.yaml: translations.china-2026-08-en: lang: 'zh' is already the language of briefings.china-2026-08"),
    ("{of: china-2026-08, region: china, as_of: '2026-08', previous_as_of: '2026-06', lang: fr}",
     "params.yaml: translations.china-2026-08-en: lang: 'fr' is not one of zh, en"),
    ("{of: china-2026-08, region: 全国, as_of: '2026-08', previous_as_of: '2026-06', lang: en}",
     "params.yaml: translations.china-2026-08-en: region must be 'china', as in briefings.china-2026-08"),
    ("{of: china-2026-08, region: china, as_of: '2026-07', previous_as_of: '2026-06', lang: en}",
     "params.yaml: translations.china-2026-08-en: as_of must be '2026-08', as in briefings.china-2026-08"),
    ("{of: china-2026-08, region: china, as_of: '2026-08', lang: en}",
     "params.yaml: translations.china-2026-08-en: previous_as_of must be '2026-06'"),
    ("{of: china-2026-08, region: china, as_of: '2026-08', lang: en, colour: red}",
     "params.yaml: translations.china-2026-08-en: unknown field 'colour'"),
    ("{region: china, as_of: '2026-08', lang: en}",
     "params.yaml: translations.china-2026-08-en needs of, region, as_of and lang"),
])
def test_a_bad_translation_is_one_line_naming_params_and_the_key(tmp_path, entry, message):
    with pytest.raises(InputError) as exc:
        runner.translations(_params(tmp_path, entry))
    assert str(exc.value).startswith(message) and "\n" not in str(exc.value)


def test_the_stage_refuses_an_unknown_key_in_one_line(capsys):
    assert main(["briefing", "--stage", "china-2026-09-en"]) == 2
    err = capsys.readouterr().err
    assert err == "briefing: params.yaml: no entry 'china-2026-09-en' under briefings or translations\n"


def test_translation_stage_writes_its_own_folder_and_reads_the_entrys_files():
    stage = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]["translation"]
    assert stage["foreach"] == "${translations}"
    do = stage["do"]
    outs = [o if isinstance(o, str) else next(iter(o)) for o in do["outs"]]
    assert outs == ["reports/${item.region}/${item.as_of}/${item.lang}/briefing.ipynb",
                    "reports/${item.region}/${item.as_of}/${item.lang}/briefing.html",
                    "reports/${item.region}/${item.as_of}/${item.lang}/headline.json"]
    assert "data/processed/cuts/${item.of}.csv" in do["deps"]
    assert {"briefings.${item.of}", "translations.${key}"} <= set(do["params"]) and "briefings" not in do["params"]
