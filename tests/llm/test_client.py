"""The LLM client against the real openai and anthropic SDKs and a scripted local server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from gendexhand.errors import ConfigError
from gendexhand.llm import (
    Budget,
    BudgetExhaustedError,
    Image,
    LLMClient,
    Message,
    Request,
    make_provider,
    parse_spec,
)
from gendexhand.llm.cassette import write_cassette
from gendexhand.store.paths import LLM_EXCHANGES
from gendexhand.store.rundir import RunDir

from .server import ScriptedServer, anthropic_text, anthropic_tool, error, openai_text

SECRET = "sk-test-DO-NOT-LEAK-1234567890"


class Pick(BaseModel):
    model_config = ConfigDict(extra="forbid")
    object: str
    height: float = Field(ge=0.0, le=1.0)


def _request(text: str = "Which object, how high?", candidate: int = 0) -> Request:
    return Request("test_pick@1", (Message("system", "Answer as asked."), Message("user", text)),
                   candidate=candidate)  # fmt: skip


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    with ScriptedServer() as s:
        yield s


def _client(
    server: ScriptedServer, run: Path | None, kind: str = "openai", **kw: object
) -> LLMClient:
    opts = f"{kind}:test-model,base_url={server.url}" + ("/v1" if kind == "openai" else "")
    extra = str(kw.pop("spec_extra", ""))
    provider = make_provider(parse_spec(opts + extra), timeout=float(kw.pop("timeout", 5.0)))
    return LLMClient(provider, RunDir(run) if run else None, backoff=0.0, **kw)  # type: ignore[arg-type]


def test_a_good_structured_answer_is_parsed_recorded_and_cached(
    server: ScriptedServer, tmp_path: Path
) -> None:
    server.queue(openai_text('{"object": "apple", "height": 0.1}'))
    client = _client(server, tmp_path)
    answer = client.ask(_request(), Pick, "pick")
    assert answer.ok and answer.value == Pick(object="apple", height=0.1)
    sent = server.requests[0]["json"]
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"]["properties"]["height"]["maximum"] == 1
    again = _client(server, tmp_path).ask(_request(), Pick, "pick")  # a rerun: from the cache
    assert again.value == answer.value and len(server.requests) == 1
    rows = (tmp_path / LLM_EXCHANGES).read_text().splitlines()
    assert len(rows) == 1 and json.loads(rows[0])["completion"]["input_tokens"] == 100


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("object: [apple\nheight: 0.1", "not valid YAML"),  # malformed YAML
        ('{"object": "apple", "hei', "not valid YAML"),  # truncated JSON
        ('{"object": "apple", "height": 7}', "less than or equal to 1"),  # breaks the schema
        ('{"object": "apple", "height": 0.1, "speed": 2}', "unknown field"),
    ],
)
def test_a_bad_answer_goes_back_with_its_error_and_is_repaired(
    server: ScriptedServer, tmp_path: Path, bad: str, reason: str
) -> None:
    server.queue(openai_text(bad), openai_text('{"object": "apple", "height": 0.2}'))
    answer = _client(server, tmp_path).ask(_request(), Pick)
    assert answer.ok and answer.attempts == 2 and answer.value.height == 0.2  # type: ignore[union-attr]
    second = server.requests[1]["json"]["messages"]
    assert second[-2] == {"role": "assistant", "content": bad}
    assert reason in second[-1]["content"]


def test_an_answer_that_never_becomes_valid_is_a_recorded_failure(
    server: ScriptedServer, tmp_path: Path
) -> None:
    server.queue(*[openai_text("no idea") for _ in range(3)])
    answer = _client(server, tmp_path, max_repairs=2).ask(_request(), Pick)
    assert not answer.ok and answer.attempts == 3 and len(server.requests) == 3
    assert answer.failure is not None and "no valid answer after 3 attempts" in answer.failure


def test_rate_limits_and_server_errors_are_retried_then_reported(
    server: ScriptedServer, tmp_path: Path
) -> None:
    server.queue(error(429), error(503), openai_text('{"object": "cup", "height": 0.3}'))
    answer = _client(server, tmp_path).ask(_request(), Pick)
    assert answer.ok and len(server.requests) == 3
    assert len((tmp_path / LLM_EXCHANGES).read_text().splitlines()) == 1
    server.queue(*[error(500) for _ in range(4)])
    failed = _client(server, tmp_path, retries=3).ask(_request("another question"), Pick)
    assert not failed.ok and "500" in (failed.failure or "") and len(server.requests) == 7


def test_a_timeout_is_retried_and_then_a_failure(server: ScriptedServer, tmp_path: Path) -> None:
    """Budget: ~2 s (two timed-out calls of 0.3 s)."""
    from .server import Scripted

    server.queue(Scripted(delay=1.0, body={}), Scripted(delay=1.0, body={}))
    answer = _client(server, tmp_path, retries=1, timeout=0.3).ask(_request(), Pick)
    assert not answer.ok and "Timeout" in (answer.failure or "")


def test_a_spent_budget_stops_the_stage(server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(openai_text('{"object": "a", "height": 0.1}'))
    client = _client(server, tmp_path, budget=Budget(calls=1))
    assert client.ask(_request("first"), Pick).ok
    with pytest.raises(BudgetExhaustedError, match="1 of 1 calls"):
        client.ask(_request("second"), Pick)
    assert len(server.requests) == 1


def test_anthropic_uses_a_forced_tool_and_sends_images(
    server: ScriptedServer, tmp_path: Path
) -> None:
    server.queue(anthropic_tool({"object": "mug", "height": 0.05}, name="pick"))
    image = Image(b"\x89PNG fake", key="scene-hash-1")
    req = Request("test_pick@1", (Message("system", "Be brief."),
                                  Message("user", "Look.", images=(image,))))  # fmt: skip
    answer = _client(server, tmp_path, kind="anthropic").ask(req, Pick, "pick")
    assert answer.ok and answer.value == Pick(object="mug", height=0.05)
    sent = server.requests[0]["json"]
    assert sent["tool_choice"] == {"type": "tool", "name": "pick"} and sent["system"] == "Be brief."
    assert sent["messages"][0]["content"][0]["type"] == "image"
    row = json.loads((tmp_path / LLM_EXCHANGES).read_text())
    assert row["messages"][1]["images"] == ["scene-hash-1"]  # keyed by inputs, not pixels


def test_without_structured_output_a_fenced_block_is_read(
    server: ScriptedServer, tmp_path: Path
) -> None:
    server.queue(openai_text("Here it is:\n```yaml\nobject: bowl\nheight: 0.4\n```\nDone."))
    client = _client(server, tmp_path, spec_extra=",structured=no")
    assert client.ask(_request(), Pick).value == Pick(object="bowl", height=0.4)
    assert "response_format" not in server.requests[0]["json"]
    server.queue(anthropic_text('```json\n{"object": "can", "height": 0.5}\n```'))
    assert _client(server, tmp_path, kind="anthropic").ask(_request("x"), Pick).ok


def test_a_replay_reproduces_the_run_byte_for_byte(server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(openai_text("nope"), openai_text('{"object": "a", "height": 0.1}'),
                 openai_text('{"object": "b", "height": 0.2}'))  # fmt: skip
    live = tmp_path / "live"
    client = _client(server, live)
    first = [client.ask(_request("q1"), Pick), client.ask(_request("q2"), Pick)]
    cassette = tmp_path / "run.cassette.json"
    assert write_cassette(live, cassette) == 3
    replayed = tmp_path / "replayed"
    rclient = LLMClient(make_provider(parse_spec(f"replay:{cassette}")), RunDir(replayed))
    again = [rclient.ask(_request("q1"), Pick), rclient.ask(_request("q2"), Pick)]
    assert [a.value for a in again] == [a.value for a in first]
    assert (replayed / LLM_EXCHANGES).read_bytes() == (live / LLM_EXCHANGES).read_bytes()
    with pytest.raises(ConfigError, match="was not recorded; the closest recorded one is"):
        rclient.ask(_request("q3, never asked"), Pick)


def test_no_key_reaches_the_run_directory_or_a_message(
    server: ScriptedServer, tmp_path: Path
) -> None:
    server.queue(openai_text('{"object": "a", "height": 0.1}'),
                 error(401, f"Incorrect API key provided: {SECRET}"))  # fmt: skip
    client = _client(server, tmp_path)
    client.ask(_request(), Pick)
    failed = client.ask(_request("again"), Pick)
    assert server.requests[0]["headers"]["authorization"] == f"Bearer {SECRET}"
    assert (
        not failed.ok and SECRET not in (failed.failure or "") and "***" in (failed.failure or "")
    )
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(errors="replace"), path


def test_dry_run_counts_calls_and_cost_without_sending(server: ScriptedServer) -> None:
    from gendexhand.llm.providers import parse_spec as spec

    client = LLMClient(make_provider(spec(f"openai:gpt-4o,base_url={server.url}/v1")),
                       dry_run=True)  # fmt: skip
    for k in range(3):
        assert client.ask(_request(f"q{k}"), Pick).failure == "dry run: nothing was sent"
    assert client.planned_calls == 3 and client.planned_cost is not None
    assert client.planned_cost > 0 and server.requests == []
    unknown = _client(server, None, dry_run=True)
    unknown.ask(_request(), Pick)
    assert unknown.planned_cost is None  # a model not in the price table: cost unknown


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("gpt4", "unknown provider"),
        ("openai:", "needs a model"),
        ("openai:m,colour=red", "option 'colour=red'"),
        ("replay:/nonexistent.json", "cannot read the cassette"),
    ],
)
def test_bad_provider_specs_are_clear_errors(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make_provider(parse_spec(spec))


def test_the_cassette_command(server: ScriptedServer, tmp_path: Path) -> None:
    from gendexhand.cli.main import main

    server.queue(openai_text('{"object": "a", "height": 0.1}'))
    _client(server, tmp_path / "run").ask(_request(), Pick)
    assert main(["cassette", str(tmp_path / "run"), str(tmp_path / "c.json")]) == 0
    assert main(["cassette", str(tmp_path / "empty"), str(tmp_path / "d.json")]) == 2
