"""The run directory: atomic artifact writes and a manifest that lets unchanged stages be skipped.

Every pipeline stage writes its artifacts into one run directory (its layout is in
:mod:`gendexhand.store.paths`, its contract in the repository's ``docs/run-directory.md``). A stage
is a function from files to files: any stage can be rerun alone, a crashed run resumes by
skipping complete work, and a hand-edited file reruns only what depends on it. This module gives
three guarantees:

**Atomic files.** Every writer here writes to a temporary file in the target's own folder, flushes
and fsyncs it, ``os.replace``-s it onto the target name and fsyncs the folder. A reader, or a later
run after a crash or ``kill -9``, sees either the previous complete file or the new complete file
at the target name, never a partial one. On an exception the temporary file is deleted; only a
process killed mid-write can leave one behind (named ``.<stem>.tmp-<pid><suffix>``, so it is
hidden, never mistaken for the artifact, and safe to delete once that process is gone).

**A manifest of what each artifact was made from.** ``manifest.json`` at the run root holds
``{"format": 1, "artifacts": {<artifact>: <entry>}}`` with one entry per artifact (a stage
result, named by the caller, e.g. ``"tasks/t1/scene"``)::

    {"inputs": {name: sha256}, "settings": {...}, "settings_sha256": sha256,
     "outputs": {rel_path: sha256}, "finished": "2026-11-27T10:00:00+00:00",
     "seconds": 1.25, "gendexhand": "0.1.0", "code": sha256}

An entry is written only when its stage finished without an exception, after all its outputs
were written, so an entry always describes complete outputs. Every read-modify-write of the
manifest holds an exclusive ``fcntl.flock`` on ``<root>/.lock``, so processes finishing stages of
the same run concurrently do not lose each other's entries.

**Skipping.** A stage is *current* (and ``Stage.skip`` is true) exactly when the manifest has an
entry for its artifact with the same input hashes (same names, same hashes), the same settings
hash, and every output recorded in the entry still exists with its recorded sha256. A hand-edited
input or output, a deleted output or a changed setting therefore reruns the stage. The package
version and the code's fingerprint (:func:`~gendexhand.store.code.code_fingerprint`) are recorded
but do not take part in the decision; a stage that should rerun after a code change takes the
fingerprint as an input.

Inputs are hashed as follows: a :class:`~pathlib.Path` to a file by its content, a ``Path`` to a
folder by the sorted relative paths and contents of every file below it, a ``str`` by its UTF-8
bytes and ``bytes`` as they are. A ``str`` is a *value*, never a path: pass ``Path(p)`` to hash a
file. Settings are hashed as canonical JSON (sorted keys, no whitespace, no NaN).

Usage::

    run = RunDir(Path("runs/r1"))
    with run.stage("tasks/t1/scene", inputs={"proposal": run.path("tasks/t1/proposal.yaml")},
                   settings={"model": "gpt-x", "seed": 0}) as st:
        if not st.skip:
            st.write_yaml("tasks/t1/scene.yaml", make_scene(...))
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any

import yaml

from gendexhand import __version__
from gendexhand.errors import ConfigError
from gendexhand.store.code import code_fingerprint

__all__ = [
    "LOCK_NAME",
    "MANIFEST_FORMAT",
    "MANIFEST_NAME",
    "RunDir",
    "Stage",
    "sha256_bytes",
    "sha256_file",
]

MANIFEST_NAME = "manifest.json"
LOCK_NAME = ".lock"
MANIFEST_FORMAT = 1
_RESERVED = frozenset({MANIFEST_NAME, LOCK_NAME})
_CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    """Return the hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of the content of the file at ``path`` (read in 1 MiB chunks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sha256_tree(folder: Path) -> str:
    """Hash of a folder: sorted ``relative/posix/path NUL sha256 LF`` lines of all files below."""
    digest = hashlib.sha256()
    files = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    for rel in sorted(files):
        digest.update(f"{rel}\0{sha256_file(files[rel])}\n".encode())
    return digest.hexdigest()


def _canonical_json(obj: object, what: str) -> str:
    try:
        return json.dumps(
            obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{what} must be JSON-serialisable (no NaN/inf): {exc}") from exc


def _temp_name(target: Path) -> Path:
    """``dir/.<stem>.tmp-<pid><suffix>``: hidden, same folder, and the real suffix kept last.

    Keeping the suffix last matters for writers that look at it (``PIL.Image.save`` picks the
    format from it, ``numpy.save`` appends ``.npy`` when it is missing).
    """
    return target.with_name(f".{target.stem}.tmp-{os.getpid()}{target.suffix}")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class RunDir:
    """One run directory. ``RunDir(root)`` creates ``root`` (and its parents) if needed.

    All ``rel`` arguments are relative POSIX-style paths inside the run (see :meth:`path`).
    """

    def __init__(self, root: Path) -> None:
        self.root: Path = Path(root).resolve()
        if self.root.exists() and not self.root.is_dir():
            raise ConfigError(f"{root}: is a file; a run directory must be a folder")
        self.root.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"RunDir({str(self.root)!r})"

    # -- paths -------------------------------------------------------------------------------

    def path(self, rel: str) -> Path:
        """Return the absolute path of ``rel`` inside the run.

        Raises :class:`ConfigError` when ``rel`` is empty, absolute, contains a ``..`` component,
        or resolves (through symlinks) outside the run root.
        """
        return self.root / self._key(rel)

    def _key(self, rel: str) -> str:
        """Normalised relative key of ``rel`` (``a/./b`` and ``a//b`` become ``a/b``)."""
        pure = PurePosixPath(rel)
        if not rel or pure.is_absolute():
            raise ConfigError(f"run path {rel!r} must be a non-empty relative path")
        if ".." in pure.parts:
            raise ConfigError(f"run path {rel!r} must not contain '..'")
        key = pure.as_posix()
        if key == ".":
            raise ConfigError(f"run path {rel!r} must name something inside the run")
        resolved = (self.root / key).resolve()
        if not resolved.is_relative_to(self.root):
            raise ConfigError(f"run path {rel!r} resolves outside the run directory {self.root}")
        return key

    # -- atomic writers ----------------------------------------------------------------------

    @contextlib.contextmanager
    def writing(self, rel: str) -> Iterator[Path]:
        """Yield a temporary path to write ``rel`` through, for writers that need a file name.

        The caller writes the complete file at the yielded path (e.g. ``h5py.File(tmp, "w")``,
        ``image.save(tmp)``) and closes it inside the block. On normal exit the file is fsynced
        and renamed onto ``rel``; on an exception it is deleted and ``rel`` is left untouched.
        Parent folders are created. Raises ``FileNotFoundError`` if nothing was written.
        """
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _temp_name(target)
        try:
            yield tmp
            if not tmp.is_file():
                raise FileNotFoundError(f"nothing was written to the temporary file for {rel!r}")
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except OSError as exc:  # a full disk, a file-size limit, a read-only folder…
            if exc.filename is not None or not exc.errno:
                raise
            raise OSError(exc.errno, exc.strerror, str(target)) from None
        finally:
            tmp.unlink(missing_ok=True)
        _fsync_dir(target.parent)

    def write_bytes(self, rel: str, data: bytes) -> Path:
        """Atomically write ``data`` to ``rel``; return its absolute path."""
        with self.writing(rel) as tmp, open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
        return self.path(rel)

    def write_text(self, rel: str, text: str) -> Path:
        """Atomically write ``text`` (UTF-8, newlines as given) to ``rel``."""
        return self.write_bytes(rel, text.encode("utf-8"))

    def write_json(self, rel: str, obj: object) -> Path:
        """Atomically write ``obj`` as JSON: sorted keys, indent 2, UTF-8, trailing newline."""
        text = json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        return self.write_text(rel, text)

    def write_yaml(self, rel: str, obj: object) -> Path:
        """Atomically write ``obj`` with ``yaml.safe_dump`` (key order kept, unicode as is)."""
        text = yaml.safe_dump(obj, sort_keys=False, allow_unicode=True)
        return self.write_text(rel, text)

    # -- manifest ----------------------------------------------------------------------------

    def manifest(self) -> dict[str, Any]:
        """Return the manifest as stored now (``{"format": 1, "artifacts": {}}`` if none yet).

        Raises :class:`ConfigError` if ``manifest.json`` is not valid JSON of format 1.
        """
        path = self.root / MANIFEST_NAME
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"format": MANIFEST_FORMAT, "artifacts": {}}
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: not valid JSON: {exc}") from exc
        if (
            not isinstance(data, dict)
            or data.get("format") != MANIFEST_FORMAT
            or not isinstance(data.get("artifacts"), dict)
        ):
            raise ConfigError(
                f"{path}: expected {{'format': {MANIFEST_FORMAT}, 'artifacts': {{...}}}}"
            )
        return data

    def is_current(
        self,
        artifact: str,
        inputs: Mapping[str, Path | str | bytes],
        settings: Mapping[str, object],
    ) -> bool:
        """True when ``artifact`` would be skipped with these inputs and settings.

        See the module docstring for the exact rule. Raises :class:`ConfigError` if an input
        path does not exist or the settings are not JSON-serialisable.
        """
        input_hashes = _hash_inputs(artifact, inputs)
        _, settings_sha = _hash_settings(artifact, settings)
        return self._entry_current(artifact, input_hashes, settings_sha)

    def stage(
        self,
        artifact: str,
        inputs: Mapping[str, Path | str | bytes],
        settings: Mapping[str, object],
    ) -> Stage:
        """Return the :class:`Stage` context manager for ``artifact``.

        Inputs and settings are hashed here, when ``stage()`` is called, so the entry records
        the inputs as they were when the stage started, and ``skip`` is known before entering.
        """
        return Stage(self, artifact, inputs, settings)

    def _entry_current(
        self, artifact: str, input_hashes: dict[str, str], settings_sha: str
    ) -> bool:
        entry = self.manifest()["artifacts"].get(artifact)
        if not isinstance(entry, dict):
            return False
        if entry.get("inputs") != input_hashes or entry.get("settings_sha256") != settings_sha:
            return False
        outputs = entry.get("outputs")
        if not isinstance(outputs, dict):
            return False
        for rel, sha in outputs.items():
            path = self.path(rel)
            if not path.exists() or _hash_path(path) != sha:
                return False
        return True

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive ``flock`` on ``<root>/.lock`` (blocking; not re-entrant)."""
        fd = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the only descriptor releases the lock

    def _update_artifacts(self, change: Callable[[dict[str, Any]], bool]) -> None:
        """Under the lock: re-read the manifest, apply ``change``, write it if it reports True."""
        with self._locked():
            data = self.manifest()
            if change(data["artifacts"]):
                self.write_json(MANIFEST_NAME, data)


class Stage:
    """Context manager for one run of a stage; get it from :meth:`RunDir.stage`.

    ``skip`` is true when the artifact is current (module docstring). The body should do its
    work only ``if not stage.skip`` and write every output through this object's writers, or
    declare files it wrote otherwise with :meth:`output`.

    On normal exit the manifest entry is replaced by one recording the inputs and settings
    hashed when the stage was created and the sha256 of every declared output as it is on disk
    at exit; a declared output that does not exist then raises ``FileNotFoundError`` (and the
    entry is removed). If ``skip`` was true and nothing was declared, the manifest is left as
    it is. On any exception (``KeyboardInterrupt`` included) no entry is written, any previous
    entry for the artifact is removed (its outputs may be half replaced), and the exception
    propagates.
    """

    def __init__(
        self,
        run: RunDir,
        artifact: str,
        inputs: Mapping[str, Path | str | bytes],
        settings: Mapping[str, object],
    ) -> None:
        if not artifact:
            raise ConfigError("a stage's artifact name must not be empty")
        self.run = run
        self.artifact = artifact
        self.input_hashes = _hash_inputs(artifact, inputs)
        self.settings, self.settings_sha256 = _hash_settings(artifact, settings)
        self.skip: bool = run._entry_current(artifact, self.input_hashes, self.settings_sha256)
        self._outputs: dict[str, None] = {}  # ordered set of declared output keys
        self._start: float | None = None

    def __repr__(self) -> str:
        return f"Stage({self.artifact!r}, skip={self.skip})"

    # -- outputs -----------------------------------------------------------------------------

    def output(self, rel: str) -> Path:
        """Declare ``rel`` an output of this stage (hashed at exit); return its absolute path.

        Use it for files written by other means; those are atomic only if written through
        :meth:`writing`. Declaring the same path twice is harmless.
        """
        key = self.run._key(rel)
        if key in _RESERVED:
            raise ConfigError(f"{key!r} is reserved by the run directory")
        self._outputs[key] = None
        return self.run.root / key

    @contextlib.contextmanager
    def writing(self, rel: str) -> Iterator[Path]:
        """:meth:`RunDir.writing` that also declares ``rel`` an output."""
        self.output(rel)
        with self.run.writing(rel) as tmp:
            yield tmp

    def write_bytes(self, rel: str, data: bytes) -> Path:
        """:meth:`RunDir.write_bytes` that also declares ``rel`` an output."""
        self.output(rel)
        return self.run.write_bytes(rel, data)

    def write_text(self, rel: str, text: str) -> Path:
        """:meth:`RunDir.write_text` that also declares ``rel`` an output."""
        self.output(rel)
        return self.run.write_text(rel, text)

    def write_json(self, rel: str, obj: object) -> Path:
        """:meth:`RunDir.write_json` that also declares ``rel`` an output."""
        self.output(rel)
        return self.run.write_json(rel, obj)

    def write_yaml(self, rel: str, obj: object) -> Path:
        """:meth:`RunDir.write_yaml` that also declares ``rel`` an output."""
        self.output(rel)
        return self.run.write_yaml(rel, obj)

    # -- context manager ---------------------------------------------------------------------

    def __enter__(self) -> Stage:
        if self._start is not None:
            raise RuntimeError(f"stage {self.artifact!r} was already entered; call stage() again")
        self._start = time.monotonic()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            self._forget_after(exc)  # the exception propagates: None means "not handled"
            return
        if self.skip and not self._outputs:
            return
        try:
            self._record()
        except BaseException as err:
            self._forget_after(err)
            raise

    def _record(self) -> None:
        outputs: dict[str, str] = {}
        for key in self._outputs:
            path = self.run.root / key
            if not path.exists():
                raise FileNotFoundError(
                    f"stage {self.artifact!r} declared output {key!r} but it does not exist"
                )
            outputs[key] = _hash_path(path)
        assert self._start is not None
        entry = {
            "inputs": self.input_hashes,
            "settings": self.settings,
            "settings_sha256": self.settings_sha256,
            "outputs": outputs,
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(time.monotonic() - self._start, 3),
            "gendexhand": __version__,
            "code": code_fingerprint(),
        }

        def put(artifacts: dict[str, Any]) -> bool:
            artifacts[self.artifact] = entry
            return True

        self.run._update_artifacts(put)

    def _forget_after(self, exc: BaseException) -> None:
        """Remove the artifact's entry; if that fails, note it on ``exc`` (which is kept)."""

        def drop(artifacts: dict[str, Any]) -> bool:
            return artifacts.pop(self.artifact, None) is not None

        try:
            self.run._update_artifacts(drop)
        except Exception as cleanup:
            exc.add_note(f"also failed to remove the manifest entry {self.artifact!r}: {cleanup}")


def _hash_path(path: Path) -> str:
    return _sha256_tree(path) if path.is_dir() else sha256_file(path)


def _hash_inputs(artifact: str, inputs: Mapping[str, Path | str | bytes]) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for name, value in inputs.items():
        if isinstance(value, Path):
            if not value.exists():
                raise ConfigError(f"stage {artifact!r}: input {name!r} not found: {value}")
            hashes[name] = _hash_path(value)
        elif isinstance(value, str):
            hashes[name] = sha256_bytes(value.encode("utf-8"))
        elif isinstance(value, bytes):
            hashes[name] = sha256_bytes(value)
        else:
            raise ConfigError(
                f"stage {artifact!r}: input {name!r} must be a Path, str or bytes, "
                f"got {type(value).__name__}"
            )
    return hashes


def _hash_settings(artifact: str, settings: Mapping[str, object]) -> tuple[Any, str]:
    """Return (settings as stored: a JSON round trip, sha256 of their canonical JSON)."""
    text = _canonical_json(dict(settings), f"stage {artifact!r}: settings")
    return json.loads(text), sha256_bytes(text.encode("utf-8"))
