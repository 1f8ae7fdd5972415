"""The learned event model: it loads, it trains the same way twice, it decides clear cases,
it steps aside for the rules' negatives, and ``keepwarm explain --text`` shows its reasons."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sources.events import classify
from sources.events.decisions import sentence_decisions, text_features
from sources.events.learned import (
    FeatureSpec,
    active_model,
    features,
    from_data,
    shipped_model,
    to_data,
    use_model,
)
from workers.app import App
from workers.cli import cli
from workers.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
JOB_CHANGE = "Marieke Jansen wordt per 1 maart de nieuwe directeur van Bakker Logistiek."
NOTHING = "Het weer is vandaag zonnig en warm."


@pytest.fixture
def model_on() -> Iterator[None]:
    use_model(True)
    yield
    use_model(False)


def test_the_shipped_model_loads_small_and_whole() -> None:
    model = shipped_model()
    assert model is not None
    assert model.labels == ("none", "job_change", "award", "company_news")
    assert len(model.intercepts) == 4
    assert all(len(w) == 4 for w in model.weights.values())
    assert (ROOT / "sources/rules/model.json").stat().st_size < 3_000_000
    assert from_data(to_data(model)) == model


def test_the_model_is_off_unless_the_setting_turns_it_on(tmp_path: Path) -> None:
    assert active_model() is None
    config = tmp_path / "keepwarm.env"
    config.write_text("EVENT_MODEL=on\n", encoding="utf-8")
    settings = Settings.from_env(
        {"KEEPWARM_CONFIG": str(config), "KEEPWARM_DATA_DIR": str(tmp_path)}
    )
    app = App.build(settings)  # a worker's process: the config file reaches detection
    try:
        assert active_model() is shipped_model()
    finally:
        app.close()
        use_model(False)
    assert active_model() is None


def test_features_are_words_pairs_letters_and_the_rules_findings() -> None:
    found = features("Jan wordt CFO", "nl", ["title", "win:job_change"], FeatureSpec())
    assert {"lang:nl", "w:wordt", "p:jan wordt", "c: cf", "c:cfo ", "r:title"} <= set(found)
    assert "r:win:job_change" not in found  # the rules' verdicts are not the model's to read
    assert "r:title" in text_features("Jan de Vries wordt CFO van Acme.", "nl", FeatureSpec())


@pytest.mark.usefixtures("model_on")
def test_a_clear_job_change_and_a_clear_non_event() -> None:
    model = shipped_model()
    assert model is not None
    assert [d.label for d in sentence_decisions(JOB_CHANGE, "nl", model)] == ["job_change"]
    assert [d.label for d in sentence_decisions(NOTHING, "nl", model)] == ["none"]
    event = classify(JOB_CHANGE, "nl")
    assert (event.label, event.person) == ("job_change", "Marieke Jansen")
    assert classify(NOTHING, "nl").label == "none"


@pytest.mark.usefixtures("model_on")
@pytest.mark.parametrize(
    "text",
    [
        "Lees hier het interview met de nieuwe CEO van Philips.",
        "Wie wordt de nieuwe burgemeester van Rotterdam?",
        "Kom jij ons team versterken als accountmanager?",
    ],
)
def test_a_negative_of_the_rules_still_rules_the_model_out(text: str) -> None:
    assert classify(text, "nl").label == "none"


def test_explain_shows_the_decision_and_the_weightiest_features(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["explain", "--text", f"{JOB_CHANGE} {NOTHING}", "--language", "nl"],
        env={"KEEPWARM_DATA_DIR": str(tmp_path), "KEEPWARM_EVENT_MODEL": "on"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "detection: label=job_change" in result.output
    assert "says job_change" in result.output and "says none" in result.output
    assert "r:title" in result.output and "w:directeur" in result.output


def _trainer():  # type: ignore[no-untyped-def]
    pytest.importorskip("sklearn")
    return importlib.import_module("bench.train_signals")


def test_training_is_deterministic_and_never_reads_the_held_out_half() -> None:
    trainer = _trainer()
    records = trainer.development_records()
    assert records and all(r.get("split", "tune") == "tune" for r in records)
    sample = records[::4]
    setting = trainer.Setting("words", 1.0, "balanced")
    first, _ = trainer.train(sample, [setting])
    second, _ = trainer.train(sample, [setting])
    assert to_data(first) == to_data(second)
    assert first.weights and set(first.curves) <= {"job_change", "award", "company_news"}
