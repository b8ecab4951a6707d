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


def test_a_pxd_is_part_of_the_digest_of_its_module(tmp_path):
    """An augmenting .pxd edited (or removed) after the build makes the copy stale, as an edited .py does."""
    src = _package(tmp_path)
    (src / "mod.pxd").write_text("cdef class Point:\n    cdef public object x\n")
    binary = _fake_copy(tmp_path / "build", "cy_pkg", "mod", compiled.module_digest(src / "mod.py"))
    stamp = binary.with_name("mod.sha256")
    assert fresh(src / "mod.py", binary, stamp)
    assert compiled.module_digest(src / "mod.py") != source_digest(src / "mod.py")
    (src / "mod.pxd").write_text("cdef class Point:\n    cdef public object x, y\n")
    assert not fresh(src / "mod.py", binary, stamp)
    assert stale("cy_pkg", src, tmp_path / "build") == ["mod"]
    (src / "mod.pxd").unlink()
    assert not fresh(src / "mod.py", binary, stamp)


def test_a_module_without_pxd_keeps_the_digest_of_its_source(tmp_path):
    src = _package(tmp_path)
    (src / "other.py").write_text("x = 1\n")
    (src / "other.pxd").write_text("cdef class Point:\n    cdef public object x\n")
    assert compiled.module_digest(src / "mod.py") == source_digest(src / "mod.py")


def test_the_typed_modules_load_compiled_together_or_not_at_all(tmp_path):
    """Compiled code that reads an extension type as a C struct must never meet the Python class of
    an edited module: one stale typed module sends every typed module to its source."""
    src = _package(tmp_path)
    (src / "mod.pxd").write_text("cdef class Point:\n    cdef public object x\n")
    (src / "user.py").write_text("from cy_pkg.mod import Point\n")
    (src / "user.pxd").write_text("from cy_pkg.mod cimport Point\n")
    (src / "plain.py").write_text("y = 2\n")
    build = tmp_path / "build"
    for name in ("mod", "user", "plain"):
        _fake_copy(build, "cy_pkg", name, compiled.module_digest(src / (name + ".py")))
    finder = CompiledFinder("cy_pkg", src, build)
    assert compiled.typed_modules(src) == ["mod", "user"]
    assert all(finder.find_spec("cy_pkg." + name) is not None for name in ("mod", "user", "plain"))
    (src / "mod.py").write_text("class Point:\n    __slots__ = ('x',)\n")          # edited: mod is stale
    assert finder.find_spec("cy_pkg.mod") is None
    assert finder.find_spec("cy_pkg.user") is None                                   # fresh, but typed
    assert finder.find_spec("cy_pkg.plain") is not None                              # untyped: unaffected


@pytest.mark.slow
def test_a_real_build_with_a_pxd_makes_an_extension_type_and_a_pxd_edit_falls_back(tmp_path):
    """The .pxd turns the plain class with slots into a Cython extension type (typed attributes,
    no instance dict), which computes what the source does; once the .pxd is edited the source is
    imported, its plain class again."""
    pytest.importorskip("Cython")
    body = ("class Point:\n    __slots__ = ('x', 'y')\n\n    def __init__(self, x, y=0):\n"
            "        self.x = x\n        self.y = y\n\n\ndef total(points):\n    s = 0\n"
            "    for p in points:\n        s += p.x * p.y\n    return s\n")
    src = _package(tmp_path, "cy_pkg_pxd", body)
    (src / "mod.pxd").write_text("import cython\n\ncdef class Point:\n    cdef public object x, y\n\n"
                                 "@cython.locals(p=Point)\ncpdef total(points)\n")
    build = tmp_path / "build"
    try:
        assert compiled.build_package("cy_pkg_pxd", src, build) == ["mod"]
    except Exception as exc:                                  # no C compiler on this machine
        pytest.skip(f"cannot compile here: {exc}")
    sys.path.insert(0, str(src.parent))
    finder = CompiledFinder("cy_pkg_pxd", src, build)
    sys.meta_path.insert(0, finder)
    try:
        mod = importlib.import_module("cy_pkg_pxd.mod")
        assert mod.__spec__.origin.endswith(SUFFIX)
        assert type(mod.Point.x).__name__ == "getset_descriptor"           # a typed field, not a slot
        assert mod.total([mod.Point(2, 3), mod.Point(4, y=5)]) == 26
        (src / "mod.pxd").write_text("cdef class Point:\n    cdef public object x, y, z\n")
        for name in ("cy_pkg_pxd.mod", "cy_pkg_pxd"):
            sys.modules.pop(name, None)
        mod = importlib.import_module("cy_pkg_pxd.mod")
        assert not mod.__spec__.origin.endswith(SUFFIX)
        assert type(mod.Point.x).__name__ == "member_descriptor"
        assert mod.total([mod.Point(2, 3), mod.Point(4, y=5)]) == 26
    finally:
        sys.meta_path.remove(finder)
        sys.path.remove(str(src.parent))
        for name in ("cy_pkg_pxd.mod", "cy_pkg_pxd"):
            sys.modules.pop(name, None)
