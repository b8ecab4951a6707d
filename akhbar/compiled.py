"""Compiled copies of pure-Python modules (Cython), used only when built from the source on disk.

The events stage is pure Python whose time is interpreter overhead spread over thousands of small
rule functions (docs/performance.md, "Events: compiled modules"). Cython compiles the same `.py`
files, unchanged, to extension modules: about a fifth fewer instructions per pass, the same
output. The `.py` files stay the code: `make compile` (run by the install) builds the copies into
the environment (`sys.prefix/akhbar-compiled/`), each with the SHA-256 of the source it was built
from, and a package that calls `use_compiled` imports a module's copy only while that digest
matches its `.py` file. An edited module is imported from source until the next `make compile`;
no build, no compiler or no Cython just means pure Python, never a stale or different program.

A module may have an augmenting `.pxd` beside it (Cython's pure-Python mode: `cdef class`
declarations, typed locals); the `.py` stays plain Python. Such a typed module's digest also covers
every `.pxd` of its package (one may `cimport` another's extension types, whose C layout must match),
and the typed modules load compiled together or not at all (`typed_fresh`): compiled code that
reads a `Word` as a C struct must never meet the pure-Python `Word` of an edited module.

    python -m akhbar.compiled tasks.events      # (re)build the stale or missing copies of a package
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path

BUILD_DIR = Path(sys.prefix) / "akhbar-compiled"       # per environment: the copies fit its interpreter
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]   # e.g. '.cpython-311-x86_64-linux-gnu.so'
DIRECTIVES = {"language_level": 3, "binding": True,
              "annotation_typing": False,            # annotations stay hints: Python semantics, unchanged
              "nonecheck": True}                     # a None where a .pxd types an extension type: AttributeError, as in Python


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def module_digest(source: Path) -> str:
    """What a compiled copy of the module `source` (a `.py`) was built from: its bytes, and when it
    has a `.pxd` beside it, the name and bytes of every `.pxd` of the package too."""
    if not source.with_suffix(".pxd").is_file():
        return source_digest(source)
    digest = hashlib.sha256(source.read_bytes())
    for pxd in sorted(source.parent.glob("*.pxd")):
        digest.update(b"\0" + pxd.name.encode() + b"\0" + pxd.read_bytes())
    return digest.hexdigest()


def _copy_of(build: Path, package: str, name: str) -> tuple[Path, Path]:
    """(extension file, digest stamp) of module `name` of `package` under `build`."""
    folder = build.joinpath(*package.split("."))
    return folder / (name + SUFFIX), folder / (name + ".sha256")


def fresh(source: Path, binary: Path, stamp: Path) -> bool:
    """Whether `binary` was built from exactly the bytes of `source` and its declarations (its stamp
    holds their `module_digest`)."""
    try:
        return binary.is_file() and stamp.read_text().strip() == module_digest(source)
    except OSError:
        return False


class _SourceFileLoader(importlib.machinery.ExtensionFileLoader):
    """Loads the compiled copy, then points `__file__` at the `.py` it was built from, so
    `inspect.getsource` (code versions of cached stages, flows/partitions.py) reads the source."""

    def __init__(self, fullname: str, path: str, source: Path):
        super().__init__(fullname, path)
        self.source = source

    def exec_module(self, module) -> None:
        super().exec_module(module)
        module.__file__ = str(self.source)


class CompiledFinder(importlib.abc.MetaPathFinder):
    """Finds the fresh compiled copy of a direct submodule of `package` (else None: the source)."""

    def __init__(self, package: str, source_dir: Path, build: Path = BUILD_DIR):
        self.package, self.source_dir, self.build = package, Path(source_dir), build

    def find_spec(self, fullname: str, path=None, target=None):
        head, _, name = fullname.rpartition(".")
        if head != self.package or name == "__init__":
            return None
        source = self.source_dir / (name + ".py")
        binary, stamp = _copy_of(self.build, self.package, name)
        if not fresh(source, binary, stamp):
            return None
        if source.with_suffix(".pxd").is_file() and not typed_fresh(self.package, self.source_dir, self.build):
            return None
        loader = _SourceFileLoader(fullname, str(binary), source)
        return importlib.util.spec_from_file_location(fullname, binary, loader=loader)


def use_compiled(package: str, source_dir: str | Path, build: Path = BUILD_DIR) -> None:
    """Import `package`'s submodules from their fresh compiled copies (call it in the package's
    `__init__`, before importing them). Nothing happens when no copy was built."""
    if not build.joinpath(*package.split(".")).is_dir():
        return
    if not any(isinstance(f, CompiledFinder) and f.package == package for f in sys.meta_path):
        sys.meta_path.insert(0, CompiledFinder(package, Path(source_dir), build))


def modules_of(source_dir: Path) -> list[str]:
    """The package's module names (its `__init__` stays Python: it installs the finder)."""
    return sorted(p.stem for p in source_dir.glob("*.py") if p.stem != "__init__")


def typed_modules(source_dir: Path) -> list[str]:
    """The modules with an augmenting `.pxd` (extension types, typed code)."""
    return [name for name in modules_of(source_dir) if (source_dir / (name + ".pxd")).is_file()]


def typed_fresh(package: str, source_dir: Path, build: Path = BUILD_DIR) -> bool:
    """Whether every typed module of the package has a fresh copy (else none of them is used)."""
    return all(fresh(source_dir / (name + ".py"), *_copy_of(build, package, name))
               for name in typed_modules(Path(source_dir)))


def stale(package: str, source_dir: Path, build: Path = BUILD_DIR) -> list[str]:
    """The modules whose compiled copy is missing or was built from other source."""
    return [name for name in modules_of(source_dir)
            if not fresh(source_dir / (name + ".py"), *_copy_of(build, package, name))]


def build_package(package: str, source_dir: Path, build: Path = BUILD_DIR, names: list[str] | None = None) -> list[str]:
    """Compile the stale modules of `package` (or `names`) with Cython into `build`; returns them.
    The sources (and every `.pxd` of the package) are copied to a scratch tree first, so nothing is
    written beside them."""
    from Cython.Build import cythonize                  # a build-time tool, imported only here
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    names = stale(package, source_dir, build) if names is None else names
    if not names:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        parts = package.split(".")
        for k in range(1, len(parts) + 1):             # the package's folders, each a package
            folder = Path(tmp).joinpath(*parts[:k])
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "__init__.py").touch()
        digests = {}
        for name in names:
            digests[name] = module_digest(source_dir / (name + ".py"))
            shutil.copyfile(source_dir / (name + ".py"), Path(tmp).joinpath(*parts, name + ".py"))
        for pxd in source_dir.glob("*.pxd"):            # declarations: their own module's and cimported ones
            shutil.copyfile(pxd, Path(tmp).joinpath(*parts, pxd.name))
        exts = [Extension(f"{package}.{name}", [str(Path(tmp).joinpath(*parts, name + ".py"))]) for name in names]
        cmd = build_ext(Distribution({"ext_modules": cythonize(exts, compiler_directives=DIRECTIVES, quiet=True,
                                                               include_path=[tmp])}))
        cmd.build_lib, cmd.build_temp, cmd.parallel = str(build), str(Path(tmp) / "obj"), 2
        cmd.ensure_finalized()
        cmd.run()
    for name, digest in digests.items():                # stamped last: a failed build leaves no fresh copy
        _copy_of(build, package, name)[1].write_text(digest + "\n")
    return names


def main(argv: list[str] | None = None) -> int:
    """`python -m akhbar.compiled PACKAGE...`: build the stale copies; exit 0 (and say so) when
    Cython or a C compiler is missing, since the pure-Python modules then simply run as they are."""
    for package in (argv if argv is not None else sys.argv[1:]):
        source_dir = Path(importlib.util.find_spec(package).submodule_search_locations[0])
        try:
            built = build_package(package, source_dir)
        except Exception as exc:                        # no Cython, no compiler: pure Python it is
            print(f"akhbar.compiled: {package} not compiled ({type(exc).__name__}: {exc}); "
                  "its modules run as Python", file=sys.stderr)
            continue
        print(f"akhbar.compiled: {package}: {len(built)} module(s) built, "
              f"{len(modules_of(source_dir)) - len(built)} already fresh", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
