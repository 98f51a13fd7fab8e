"""Run directory: atomic writes, manifest entries, skipping, failure handling and locking."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import yaml

import gendexhand
from gendexhand.errors import ConfigError
from gendexhand.store.code import code_fingerprint
from gendexhand.store.rundir import RunDir, sha256_bytes, sha256_file


class BoomError(Exception):
    pass


def _temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if ".tmp-" in p.name]


def _run_stage(
    run: RunDir,
    inputs: Mapping[str, Path | str | bytes],
    settings: Mapping[str, object],
    calls: list[int],
) -> bool:
    """A toy stage: concatenates its inputs into out/a.txt and out/b.json. Returns ``skip``."""
    with run.stage("toy", inputs, settings) as st:
        if not st.skip:
            calls.append(1)
            st.write_text("out/a.txt", f"scale={settings['scale']}\n")
            st.write_json("out/b.json", {"n": len(calls)})
    return st.skip


def test_skip_and_every_rerun_trigger(tmp_path: Path) -> None:
    run = RunDir(tmp_path / "run")
    src = tmp_path / "scene.yaml"
    src.write_text("a: 1\n")
    calls: list[int] = []

    def go(prompt: str = "p", scale: float = 1.0) -> bool:
        return _run_stage(run, {"scene": src, "prompt": prompt}, {"scale": scale}, calls)

    assert go() is False and len(calls) == 1
    assert go() is True and len(calls) == 1  # identical: skipped
    assert run.is_current("toy", {"scene": src, "prompt": "p"}, {"scale": 1.0})

    src.write_text("a: 2\n")  # input file content changed
    assert go() is False and len(calls) == 2
    assert go() is True

    assert go(prompt="q") is False and len(calls) == 3  # string input changed
    assert go(prompt="q") is True

    assert go(prompt="q", scale=2.0) is False and len(calls) == 4  # settings changed
    assert go(prompt="q", scale=2.0) is True

    run.path("out/a.txt").unlink()  # output deleted
    assert go(prompt="q", scale=2.0) is False and len(calls) == 5
    assert go(prompt="q", scale=2.0) is True

    run.path("out/b.json").write_text('{"n": 99}\n')  # output edited by hand
    assert go(prompt="q", scale=2.0) is False and len(calls) == 6
    assert go(prompt="q", scale=2.0) is True
    assert not _temp_files(run.root)


def test_input_names_and_kinds(tmp_path: Path) -> None:
    run = RunDir(tmp_path)
    folder = tmp_path / "assets"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "m.obj").write_text("v 0 0 0\n")
    calls: list[int] = []
    inputs: dict[str, Path | str | bytes] = {"dir": folder, "raw": b"\x00\x01"}
    assert _run_stage(run, inputs, {"scale": 1}, calls) is False
    assert _run_stage(run, inputs, {"scale": 1}, calls) is True
    (folder / "sub" / "extra.obj").write_text("v 1 0 0\n")  # a file added below a folder input
    assert _run_stage(run, inputs, {"scale": 1}, calls) is False
    assert _run_stage(run, {**inputs, "raw": b"\x00\x02"}, {"scale": 1}, calls) is False
    # a renamed input (same hash) is a different input set
    assert _run_stage(run, {"dir": folder, "bytes": b"\x00\x02"}, {"scale": 1}, calls) is False
    with pytest.raises(ConfigError, match="input 'x' not found"):
        run.stage("toy", {"x": tmp_path / "missing.yaml"}, {})
    with pytest.raises(ConfigError, match="JSON-serialisable"):
        run.stage("toy", {}, {"bad": object()})
    with pytest.raises(ConfigError, match="JSON-serialisable"):
        run.stage("toy", {}, {"bad": float("nan")})


def test_manifest_entry_format(tmp_path: Path) -> None:
    run = RunDir(tmp_path)
    src = tmp_path / "in.txt"
    src.write_bytes(b"hello")
    with run.stage("tasks/t1/scene", {"src": src, "model": "m1"}, {"seed": 3, "k": (1, 2)}) as st:
        st.write_yaml("tasks/t1/scene.yaml", {"b": 1, "a": [1, 2]})
    data = json.loads(run.path("manifest.json").read_text())
    assert data["format"] == 1 and data == run.manifest()
    entry = data["artifacts"]["tasks/t1/scene"]
    assert entry["inputs"] == {"src": sha256_bytes(b"hello"), "model": sha256_bytes(b"m1")}
    assert entry["settings"] == {"k": [1, 2], "seed": 3}
    assert entry["settings_sha256"] == sha256_bytes(b'{"k":[1,2],"seed":3}')
    scene = run.path("tasks/t1/scene.yaml")
    assert entry["outputs"] == {"tasks/t1/scene.yaml": sha256_file(scene)}
    assert scene.read_text() == "b: 1\na:\n- 1\n- 2\n"  # key order kept
    assert entry["finished"].endswith("+00:00") and entry["seconds"] >= 0
    assert entry["gendexhand"] == gendexhand.__version__
    assert entry["code"] == code_fingerprint() and len(entry["code"]) == 64
    assert set(entry) == {
        "code",
        "inputs",
        "settings",
        "settings_sha256",
        "outputs",
        "finished",
        "seconds",
        "gendexhand",
    }


def test_writers(tmp_path: Path) -> None:
    run = RunDir(tmp_path / "deep" / "run")
    run.write_json("a/b/c.json", {"z": 1, "a": "é"})
    assert run.path("a/b/c.json").read_text(encoding="utf-8") == '{\n  "a": "é",\n  "z": 1\n}\n'
    run.write_yaml("x.yaml", {"z": 1, "a": 2})
    assert yaml.safe_load(run.path("x.yaml").read_text()) == {"z": 1, "a": 2}
    assert run.path("x.yaml").read_text().startswith("z: 1")
    run.write_bytes("b.bin", b"\x00\xff")
    assert run.path("b.bin").read_bytes() == b"\x00\xff"
    run.write_text("./t//u.txt", "x")
    assert run.path("t/u.txt").read_text() == "x"
    # writing(): an external writer gets a temp name with the real suffix last
    with run.writing("img/view.png") as tmp:
        assert tmp.parent == run.path("img") and tmp.name.startswith(".view.tmp-")
        assert tmp.suffix == ".png"
        tmp.write_bytes(b"png")
    assert run.path("img/view.png").read_bytes() == b"png"
    with pytest.raises(FileNotFoundError), run.writing("img/none.png"):
        pass
    assert not run.path("img/none.png").exists()
    assert not _temp_files(run.root)


def test_exception_leaves_no_entry_and_removes_old_one(tmp_path: Path) -> None:
    run = RunDir(tmp_path)
    calls: list[int] = []
    _run_stage(run, {"p": "x"}, {"scale": 1}, calls)
    _run_stage(run, {"p": "other"}, {"scale": 1}, calls)  # replaces entry "toy"
    with run.stage("keep", {}, {}) as st:
        st.write_text("keep.txt", "k")
    assert set(run.manifest()["artifacts"]) == {"toy", "keep"}

    with pytest.raises(BoomError), run.stage("toy", {"p": "y"}, {"scale": 1}) as st:
        st.write_text("out/a.txt", "half")
        raise BoomError
    assert set(run.manifest()["artifacts"]) == {"keep"}  # old "toy" entry removed
    assert not _temp_files(run.root)

    # a failure in a stage that had never finished writes nothing either
    with pytest.raises(BoomError), run.stage("new", {}, {}):
        raise BoomError
    assert set(run.manifest()["artifacts"]) == {"keep"}

    # a declared output that was never written fails the stage
    with pytest.raises(FileNotFoundError, match="declared output"), run.stage("keep", {}, {}) as st:
        st.output("never.txt")
    assert run.manifest()["artifacts"] == {}


def test_killed_writer_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = RunDir(tmp_path)
    with run.stage("toy", {}, {"v": 1}) as st:
        st.write_text("out/a.txt", "old complete content\n")
    old = run.manifest()["artifacts"]["toy"]
    target = run.path("out/a.txt")
    real_replace = os.replace

    def killed_at_rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == target:
            # The temp file is complete on disk here; the process "dies" before the rename.
            assert Path(src).read_text() == "new content, much longer than the old one\n"
            raise BoomError("killed before rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", killed_at_rename)
    with pytest.raises(BoomError), run.stage("toy", {}, {"v": 2}) as st:
        assert not st.skip
        st.write_text("out/a.txt", "new content, much longer than the old one\n")
    monkeypatch.undo()

    assert target.read_text() == "old complete content\n"  # old file intact at its name
    assert not _temp_files(run.root)  # no partial file anywhere
    assert "toy" not in run.manifest()["artifacts"]
    assert sha256_file(target) == old["outputs"]["out/a.txt"]


def test_path_escapes_are_rejected(tmp_path: Path) -> None:
    run = RunDir(tmp_path / "run")
    for bad in ["", ".", "/etc/passwd", "../x", "a/../../x", "a/../b"]:
        with pytest.raises(ConfigError):
            run.path(bad)
    with pytest.raises(ConfigError):
        run.write_text("../escape.txt", "x")
    assert not (tmp_path / "escape.txt").exists()
    (run.root / "link").symlink_to(tmp_path)  # a symlink pointing outside the run
    with pytest.raises(ConfigError, match="outside"):
        run.path("link/x.txt")
    with run.stage("s", {}, {}) as st, pytest.raises(ConfigError, match="reserved"):
        st.output("manifest.json")
    assert run.path("a/b.txt") == run.root / "a" / "b.txt"


def test_corrupt_manifest_is_a_config_error(tmp_path: Path) -> None:
    run = RunDir(tmp_path)
    run.path("manifest.json").write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        run.manifest()
    run.path("manifest.json").write_text('{"format": 2, "artifacts": {}}')
    with pytest.raises(ConfigError, match="format"):
        run.is_current("x", {}, {})


def test_two_rundirs_on_one_folder_keep_both_entries(tmp_path: Path) -> None:
    a, b = RunDir(tmp_path), RunDir(tmp_path)
    with a.stage("first", {}, {}) as sa:
        with b.stage("second", {}, {}) as sb:
            sb.write_text("second.txt", "2")
        sa.write_text("first.txt", "1")  # "first" finishes after "second" was recorded
    assert set(a.manifest()["artifacts"]) == {"first", "second"}
    assert b.is_current("first", {}, {}) and a.is_current("second", {}, {})


def test_stage_cannot_be_entered_twice(tmp_path: Path) -> None:
    run = RunDir(tmp_path)
    st = run.stage("s", {}, {})
    with st:
        pass
    with pytest.raises(RuntimeError, match="already entered"), st:
        pass


def test_skipped_stage_leaves_entry_untouched(tmp_path: Path) -> None:
    run = RunDir(tmp_path)
    with run.stage("s", {}, {}) as st:
        st.write_text("o.txt", "x")
    before = run.path("manifest.json").read_bytes()
    with run.stage("s", {}, {}) as st:
        assert st.skip
    assert run.path("manifest.json").read_bytes() == before


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from gendexhand.store.rundir import RunDir

    run = RunDir(Path(sys.argv[1]))
    for i in range(int(sys.argv[3])):
        with run.stage(f"{sys.argv[2]}-{i}", {}, {"i": i}) as st:
            st.write_text(f"{sys.argv[2]}/{i}.txt", str(i))
    """
)


def test_concurrent_processes_lose_no_entries(tmp_path: Path) -> None:
    procs, per = 6, 15
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), f"p{k}", str(per)])
        for k in range(procs)
    ]
    assert all(c.wait(timeout=60) == 0 for c in children)
    artifacts = RunDir(tmp_path).manifest()["artifacts"]
    assert set(artifacts) == {f"p{k}-{i}" for k in range(procs) for i in range(per)}
    assert not _temp_files(tmp_path)


def test_a_full_disk_is_one_error_line_and_leaves_no_temp_file(tmp_path: Path) -> None:
    """A file-size limit (RLIMIT_FSIZE; it stops root too) stands in for a full disk: the command
    fails with one line naming the file, exit 2, and leaves no temporary file. Budget: ~8 s."""
    import os
    import resource
    import subprocess
    import sys

    from gendexhand.examples import task_plans

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (500, 500))

    run = tmp_path / "run"
    cmd = [sys.executable, "-m", "gendexhand.cli.main", "execute", str(task_plans()["pick_bottle"]),
           "--episodes", "1", "--run", str(run)]  # fmt: skip
    done = subprocess.run(cmd, preexec_fn=limit, capture_output=True, text=True,
                          env={**os.environ}, timeout=120)  # fmt: skip
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "File too large" in last and str(run) in last, last
    assert not [p for p in run.rglob("*") if ".tmp-" in p.name]


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nothing can be written to, made for real: a read-only tmpfs mounted for the test
    when running as root (root ignores ``chmod``), else a folder without write permission."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_output_folder_is_one_error_line(read_only_dir: Path) -> None:
    """Budget: ~6 s (a subprocess that loads the plan and builds its scene once)."""
    from gendexhand.examples import task_plans

    run = read_only_dir / "run"
    cmd = [sys.executable, "-m", "gendexhand.cli.main", "execute", str(task_plans()["pick_bottle"]),
           "--episodes", "1", "--run", str(run)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ}, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert str(run) in lines[0] and ("Read-only" in lines[0] or "ermission" in lines[0])
    with pytest.raises(OSError):
        RunDir(run)
