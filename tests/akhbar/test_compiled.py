"""Compiled copies (akhbar/compiled.py): used only when built from the source on disk."""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

import pytest

from akhbar import compiled
from akhbar.compiled import SUFFIX, CompiledFinder, fresh, source_digest, stale, use_compiled


def _package(tmp_path: Path, name: str = "cy_pkg", body: str = "def f(x):\n    return [x * 2, 'ok']\n"):
    src = tmp_path / "src" / name
    src.mkdir(parents=True)
    (src / "__init__.py").write_text("")
    (src / "mod.py").write_text(body)
    return src


def _fake_copy(build: Path, package: str, name: str, digest: str) -> Path:
    folder = build / package
    folder.mkdir(parents=True, exist_ok=True)
    (folder / (name + SUFFIX)).write_bytes(b"not a real extension")
    (folder / (name + ".sha256")).write_text(digest + "\n")
    return folder / (name + SUFFIX)


def test_a_copy_is_fresh_only_for_the_bytes_it_was_built_from(tmp_path):
    src = _package(tmp_path)
    binary = _fake_copy(tmp_path / "build", "cy_pkg", "mod", source_digest(src / "mod.py"))
    stamp = binary.with_name("mod.sha256")
    assert fresh(src / "mod.py", binary, stamp)
    (src / "mod.py").write_text("def f(x):\n    return [x * 3, 'ok']\n")      # edited after the build
    assert not fresh(src / "mod.py", binary, stamp)
    assert stale("cy_pkg", src, tmp_path / "build") == ["mod"]
    binary.unlink()
    assert not fresh(src / "mod.py", binary, stamp)


def test_the_finder_answers_only_for_fresh_direct_submodules(tmp_path):
    src = _package(tmp_path)
    build = tmp_path / "build"
    binary = _fake_copy(build, "cy_pkg", "mod", source_digest(src / "mod.py"))
    finder = CompiledFinder("cy_pkg", src, build)
    spec = finder.find_spec("cy_pkg.mod")
    assert spec is not None and spec.origin == str(binary)
    assert finder.find_spec("other.mod") is None
    assert finder.find_spec("cy_pkg.__init__") is None
    assert finder.find_spec("cy_pkg.missing") is None
    (src / "mod.py").write_text("def f(x):\n    return None\n")
    assert finder.find_spec("cy_pkg.mod") is None                               # stale: the source is imported


def test_no_build_no_finder(tmp_path):
    before = list(sys.meta_path)
    use_compiled("cy_pkg", tmp_path, tmp_path / "nothing-built")
    assert sys.meta_path == before


def test_the_events_modules_run_compiled_when_built():
    """After `make compile`, the events modules are their compiled copies, and their source is
    still what `inspect` (the stages' code versions) reads."""
    import tasks.events.words as words
    source = Path(words.__file__)
    if not fresh(source, *compiled._copy_of(compiled.BUILD_DIR, "tasks.events", "words")):
        pytest.skip("no fresh compiled copy of tasks.events.words in this environment (make compile)")
    assert words.__spec__.origin.endswith(SUFFIX)
    assert source.suffix == ".py"
    assert inspect.getsource(words) == source.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_real_build_runs_the_same_code_and_an_edit_falls_back_to_source(tmp_path):
    """Cython builds a small package; its module is imported compiled and computes what the
    source does; once the source is edited the source is imported (never the stale copy)."""
    pytest.importorskip("Cython")
    src = _package(tmp_path, "cy_pkg_real")
    build = tmp_path / "build"
    try:
        assert compiled.build_package("cy_pkg_real", src, build) == ["mod"]
    except Exception as exc:                                  # no C compiler on this machine
        pytest.skip(f"cannot compile here: {exc}")
    assert compiled.build_package("cy_pkg_real", src, build) == []                 # fresh: nothing to do
    sys.path.insert(0, str(src.parent))
    finder = CompiledFinder("cy_pkg_real", src, build)
    sys.meta_path.insert(0, finder)
    try:
        mod = importlib.import_module("cy_pkg_real.mod")
        assert mod.__spec__.origin.endswith(SUFFIX) and mod.f(21) == [42, "ok"]
        assert mod.__file__ == str(src / "mod.py")
        (src / "mod.py").write_text("def f(x):\n    return [x * 3, 'edited']\n")
        for name in ("cy_pkg_real.mod", "cy_pkg_real"):
            sys.modules.pop(name, None)
        mod = importlib.import_module("cy_pkg_real.mod")
        assert not mod.__spec__.origin.endswith(SUFFIX) and mod.f(2) == [6, "edited"]
    finally:
        sys.meta_path.remove(finder)
        sys.path.remove(str(src.parent))
        for name in ("cy_pkg_real.mod", "cy_pkg_real"):
            sys.modules.pop(name, None)
