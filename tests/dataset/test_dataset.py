"""The episode dataset: format, reader, exact replay, resumable collection, images."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import pytest

import gendexhand.dataset as gd
from gendexhand.dataset import format as fm
from gendexhand.dataset.replay import replay
from gendexhand.errors import ConfigError
from gendexhand.examples import task_plans
from gendexhand.stages.collect import collect

PLAN = task_plans()["pick_bottle"]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two collected pick_bottle episodes. Budget: ~6 s."""
    run = tmp_path_factory.mktemp("run")
    res = collect(PLAN, run, "episodes", successes=2, seed=0)
    assert res.successes == 2 and not res.skipped
    return run


def test_an_episode_file_holds_the_documented_fields(dataset: Path) -> None:
    folder = dataset / "episodes"
    files = sorted(folder.glob(fm.EPISODE_GLOB))
    assert [f.name for f in files] == ["episode_0000000.h5", "episode_0000001.h5"]
    with h5py.File(files[0]) as f:
        for field in fm.FIELDS:
            if "<" not in field.path:
                assert field.path in f, field.path
        assert f.attrs[fm.A_VERSION] == fm.FORMAT_VERSION
    ep = gd.load(folder)[0]
    t = ep.n_steps
    assert ep.states.shape[0] == t + 1 and ep.actions.shape == (t, len(ep.actuator_names))
    assert ep.robot_qpos.shape == (t + 1, len(ep.robot_joint_names))
    assert ep.object_pos.shape == (t + 1, 1, 3) and ep.object_names == ["bottle"]
    assert np.array_equal(ep.initial_state, ep.states[0])
    assert ep.subtasks == ["reach", "approach", "close", "lift"]
    assert list(np.unique(ep.subtask)) == [0, 1, 2, 3]  # every subtask left its steps
    assert ep.success and ep.seed == 0 and ep.mass.shape == (1,) and ep.friction.shape == (1, 3)
    assert ep.metadata["software"]["mujoco"] and ep.metadata["assets"]["bottle"]
    assert "bottle" in ep.scene_yaml and "subtasks" in ep.plan_yaml


def test_replay_is_exact_in_both_modes(dataset: Path) -> None:
    ep = gd.load(dataset / "episodes")[1]
    for mode in ("actions", "states"):
        report = replay(ep, mode)  # type: ignore[arg-type]
        assert report.model_matches and report.steps == ep.n_steps
        assert report.max_state_deviation == 0.0, report


def test_index_card_counts_and_an_unchanged_rerun_is_skipped(dataset: Path) -> None:
    folder = dataset / "episodes"
    index = json.loads((folder / fm.DATASET_INDEX).read_text())
    assert [e["seed"] for e in index["episodes"]] == [0, 1]
    counts = json.loads((folder / fm.COLLECT_SUMMARY).read_text())
    steps = sum(e["steps"] for e in index["episodes"])
    assert counts["successes"] == 2 and counts["control_steps"] >= steps
    card = (folder / fm.DATASET_CARD).read_text()
    assert "| `steps/action` | float64 | (T, nu) |" in card and "Apache-2.0" in card
    assert not list(folder.glob(".*tmp*"))
    again = collect(PLAN, dataset, "episodes", successes=2, seed=0)
    assert again.skipped and again.successes == 2


def test_a_rerun_after_a_lost_log_line_adopts_the_file_instead_of_simulating(
    dataset: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A kill between renaming an episode file and logging it leaves an orphan; the rerun takes
    it over, removes the temporary files a kill leaves, and simulates only what is missing."""
    import shutil

    import gendexhand.stages.collect as stage

    run = tmp_path / "run"
    shutil.copytree(dataset, run)
    log = run / "episodes" / "attempts.jsonl"
    lines = log.read_text().splitlines()
    log.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:10])  # the last line cut short
    (run / "episodes" / ".episode_0000002.tmp-99.h5").write_bytes(b"half")
    ran: list[int] = []
    real = stage._one

    def counted(args: tuple[Path, int, Path | None]) -> stage._Outcome:
        ran.append(args[1])
        return real(args)

    monkeypatch.setattr(stage, "_one", counted)
    res = collect(PLAN, run, "episodes", successes=3, seed=0)
    assert res.resumed == 2 and res.successes == 3
    assert 0 not in ran and 1 not in ran and ran[0] == 2
    assert not list((run / "episodes").glob(".*tmp*"))
    seeds = [json.loads(x)["seed"] for x in log.read_text().splitlines()[1:]]
    assert len(seeds) == len(set(seeds))


def test_the_reader_checks_the_format_version(dataset: Path, tmp_path: Path) -> None:
    src = dataset / "episodes" / "episode_0000000.h5"
    for version, ok in (("1.7", True), ("2.0", False), ("x", False)):
        copy = tmp_path / f"e{version}.h5"
        copy.write_bytes(src.read_bytes())
        with h5py.File(copy, "a") as f:
            f.attrs[fm.A_VERSION] = version
        if ok:
            assert gd.read_episode(copy).version == version  # a later minor version reads
        else:
            with pytest.raises(ConfigError, match=r"newer gendexhand|not a version"):
                gd.read_episode(copy)
    broken = tmp_path / "broken.h5"
    broken.write_bytes(src.read_bytes()[:5000])
    with pytest.raises(ConfigError, match="not a readable episode file"):
        gd.read_episode(broken)
    with pytest.raises(ConfigError, match="episode 5 does not exist"):
        gd.load(dataset / "episodes")[5]


def test_reward_terms_are_recorded_where_a_policy_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Budget: ~8 s (one apple_into_bowl episode with a stand-in policy)."""
    import gendexhand.plan.controllers.rl as rl
    from gendexhand.dataset.record import EpisodeRecorder
    from gendexhand.plan.chain import run_episode
    from gendexhand.plan.load import load_plan

    monkeypatch.setattr(rl, "load_policy", lambda folder: lambda obs: np.ones(5))
    (tmp_path / "grasp").mkdir()
    (tmp_path / "grasp" / "policy.zip").write_bytes(b"")
    plan, base = load_plan(task_plans(learned=True)["apple_into_bowl_rl"])
    recorder = EpisodeRecorder()
    result = run_episode(plan, base, 0, skills=tmp_path, recorder=recorder)
    data = recorder.data(0, result.success)
    grasp = data.subtask == 2
    assert data.rewards and grasp.any()
    for values in data.rewards.values():
        assert np.isfinite(values[grasp]).all() and np.isnan(values[~grasp]).all()
    assert data.actions.shape[0] == result.steps == len(data.states) - 1


def test_images_are_rendered_from_the_recorded_states(tmp_path: Path) -> None:
    """Budget: ~10 s (one episode, one small view)."""
    collect(PLAN, tmp_path, "episodes", successes=1, seed=0, views=["top"], image_size=(32, 24))
    ep = gd.load(tmp_path / "episodes")[0]
    assert ep.images["top"].shape == (ep.n_steps + 1, 24, 32, 3)
    assert ep.images["top"].dtype == np.uint8 and ep.images["top"].std() > 0
    with pytest.raises(ConfigError, match="unknown view 'sky'"):
        collect(PLAN, tmp_path, "episodes", successes=1, views=["sky"])
