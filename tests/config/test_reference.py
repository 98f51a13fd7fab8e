"""The generated input reference: every number bounded, and docs/input-limits.md current."""

from __future__ import annotations

from pathlib import Path

import pytest

from gendexhand.cli.main import build_parser, main
from gendexhand.cli.schema_cmd import input_limits_markdown
from gendexhand.config.reference import field_rows, json_schema
from gendexhand.config.scene import SceneConfig
from gendexhand.plan.schema import PlanConfig

DOC = Path(__file__).parents[2] / "docs" / "input-limits.md"
# Numbers whose range depends on something else, checked by a validator and said in the docs.
BOUNDED_ELSEWHERE = {"objects[].joints.<name>"}  # within the asset's joint range


@pytest.mark.parametrize("model", [SceneConfig, PlanConfig])
def test_every_number_has_a_finite_range(model: type) -> None:
    loose = [
        r.path
        for r in field_rows(model)
        if ("float" in r.type or "int" in r.type or "numbers" in r.type)
        and ("inf" in r.range or not r.range)
        and r.path not in BOUNDED_ELSEWHERE
    ]
    assert loose == []


def test_json_schema_uses_standard_keywords_only() -> None:
    text = str(json_schema(SceneConfig)) + str(json_schema(PlanConfig))
    for key in ("'ge'", "'le'", "'gt'", "'lt'"):
        assert key not in text
    elevation = json_schema(SceneConfig)["$defs"]["CameraConfig"]["properties"]["elevation"]
    assert (elevation["minimum"], elevation["maximum"]) == (-90, 90)  # the tighter bound wins


def test_docs_input_limits_is_current() -> None:
    assert DOC.read_text() == input_limits_markdown(build_parser()), (
        "run: gendexhand schema limits > " + str(DOC)
    )


def test_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "plan"]) == 0
    assert "| `subtasks[][kind=rl].rl.horizon` | int | [1, 10000] | 50 |" in capsys.readouterr().out
    assert main(["schema", "scene", "--json"]) == 0
    assert '"$defs"' in capsys.readouterr().out
