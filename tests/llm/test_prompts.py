"""Prompt templates (versioned, each beside its answer's schema) and `gendexhand llm check`."""

from __future__ import annotations

import pytest

from gendexhand.cli.main import main
from gendexhand.errors import ConfigError
from gendexhand.llm.client import parse_answer
from gendexhand.llm.prompts import answer_models, load_template, templates

from .server import ScriptedServer, anthropic_tool, openai_text


def test_every_template_loads_and_its_examples_are_valid_answers() -> None:
    found = templates()
    assert ("check", 1) in found
    models = answer_models()
    for name, version in found:
        t = load_template(name, version)
        assert "schema" in t.fields() and t.id in models, t.id
        assert t.examples(), f"{t.id} has no few-shot example"
        for example in t.examples():
            parse_answer(example, models[t.id], t.id)


def test_filling_is_strict() -> None:
    t = load_template("check", 1)
    model = answer_models()[t.id]
    request = t.request(model, {"a": "2", "b": "3"})
    assert "What is 2 + 3?" in request.messages[1].text
    assert '"sum"' in request.messages[0].text and request.template == "check@1"
    with pytest.raises(ConfigError, match=r"missing fields \['b'\]"):
        t.request(model, {"a": "2"})
    with pytest.raises(ConfigError, match=r"unknown \['c'\]"):
        t.request(model, {"a": "2", "b": "3", "c": "4"})
    with pytest.raises(ConfigError, match="no prompt template check@9"):
        load_template("check", 9)


def test_llm_check_with_each_provider(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert main(["llm", "check"]) == 0
    assert "--llm rules: ok" in capsys.readouterr().out
    with ScriptedServer() as s:
        red = {"status": "ok", "sum": 5, "colour": "Red"}
        s.queue(openai_text('{"status": "ok", "sum": 5, "colour": "none"}'),
                anthropic_tool(red, name="check"))  # fmt: skip
        argv = ["llm", "check", "--llm", f"openai:m,base_url={s.url}/v1",
                "--vlm", f"anthropic:m,base_url={s.url}"]  # fmt: skip
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "--llm openai:m: ok" in out and "--vlm anthropic:m: ok" in out
        assert s.requests[1]["json"]["messages"][0]["content"][0]["type"] == "image"
        s.queue(openai_text('{"status": "ok", "sum": 6, "colour": "none"}'))
        assert main(["llm", "check", "--llm", f"openai:m,base_url={s.url}/v1"]) == 1
