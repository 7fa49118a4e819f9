"""The language catalogue: complete for what the interface shows, and safe when a term is
missing."""

from __future__ import annotations

import pytest

from rainforest import i18n
from rainforest.i18n import zh
from rainforest.report._common import METRIC_INFO
from rainforest.scenario import load_scenario, preset_names


def test_every_metric_preset_and_lever_has_a_chinese_label():
    assert set(METRIC_INFO) <= set(zh.METRICS)
    assert set(preset_names()) <= set(zh.PRESETS)
    assert set(preset_names()) <= set(i18n.PRESETS_EN)
    region = next(iter(load_scenario("hangzhou").regions.values()))
    for group in ("culture", "policy"):
        for name in type(getattr(region, group)).model_fields:
            assert f"{group}.{name}" in zh.LEVERS, f"{group}.{name}"
    for sc_name in preset_names():
        for r in load_scenario(sc_name).regions:
            assert i18n.region_label(r, "zh") != r.replace("_", " ").capitalize(), r
    assert set(zh.MESSAGES) == set(i18n.MESSAGES_EN)


def test_labels_follow_the_language():
    assert i18n.metric_label("foundings", "en") == "Foundings"
    assert i18n.metric_label("foundings", "zh") == "新创企业"
    assert i18n.lever_label("regions.zhangjiang.policy.sandbox", "zh") == "监管沙盒"
    assert i18n.lever_label("regions.zhangjiang.policy.sandbox", "en") == "Regulatory sandbox"
    assert i18n.preset_label("caohejing", "zh") == "漕河泾"
    assert i18n.preset_label("caohejing", both=True) == "漕河泾 Caohejing, Shanghai"
    assert i18n.unit_label("million yuan", "zh") == "百万元"
    assert i18n.preset_group("yangtze-delta") == "network"
    # unknown terms fall back to readable English, never fail
    assert i18n.metric_label("no_such_metric", "zh") == "No such metric"
    assert i18n.t("no_such_key", "zh") == "no_such_key"


@pytest.mark.parametrize(("code", "lang"), [("zh-CN", "zh"), ("zh_Hans", "zh"), ("EN", "en")])
def test_language_codes_and_context(code, lang, monkeypatch):
    assert i18n.normalise(code) == lang
    monkeypatch.setenv(i18n.ENV_VAR, code)
    assert i18n.get_lang() == lang
    with i18n.use_lang("en" if lang == "zh" else "zh") as inner:
        assert inner != lang
        assert i18n.get_lang() == inner
    assert i18n.get_lang() == lang


def test_report_in_chinese(example_result, tmp_path):
    from rainforest.report import report

    zh_page = report(example_result, tmp_path / "zh.html", lang="zh").read_text(encoding="utf-8")
    en_page = report(example_result, tmp_path / "en.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in zh_page and '<html lang="en">' in en_page
    assert "新创企业" in zh_page and "新创企业" not in en_page
    assert "Noto Sans CJK SC" in zh_page  # a CJK font in the page's font stack
    assert i18n.get_lang() == "en"  # the report's language did not leak
