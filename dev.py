#!/usr/bin/env python3
"""Two commands for a fresh machine with only Python 3.11+: ``python3 dev.py demo`` and ``python3 dev.py test``.

A third, ``python3 dev.py typecheck``, runs mypy over ``forum/`` and ``plugin_api/`` (CI runs it before the tests).
A fourth, ``python3 dev.py translations``, extracts the forum's words into ``forum/translations/forum.pot``,
brings every locale's ``forum.po`` up to date, and compiles them (see the README's "Translations").

Each makes its own virtualenv in ``.venv``, installs the package into it (again only when
setup.cfg or pyproject.toml changed), then runs the demo portal or the whole test suite.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
#: The functions the forum marks its words with, as ``pybabel extract`` keywords (``_`` and ``ngettext`` are built in).
BABEL_KEYWORDS = (
    "_l",
    "lazy_gettext",
    "lazy_ngettext:1,2",
    "later",
    "later_plural:1,2",
    "for_the_desk",
    "plural_words:1,2",
)


def extract_command(output: Path) -> list[str]:
    """``pybabel extract`` with the forum's keywords, writing the catalogue template to ``output``."""
    keywords = [arg for word in BABEL_KEYWORDS for arg in ("-k", word)]
    return [
        str(BIN / "pybabel"),
        "extract",
        "-F",
        "babel.cfg",
        *keywords,
        "--project",
        "forum",
        "--copyright-holder",
        "the forum's authors",
        "--omit-header",
        "-o",
        str(output),
        ".",
    ]


def translations() -> int:
    """Extract, update every locale without guessing (no fuzzy matches), and compile."""
    pot = ROOT / "forum" / "translations" / "forum.pot"
    steps = [
        extract_command(pot),
        [
            str(BIN / "pybabel"),
            "update",
            "--ignore-obsolete",
            "--no-fuzzy-matching",
            "-w",
            "120",
            "-D",
            "forum",
            "-i",
            str(pot),
            "-d",
            "forum/translations",
        ],
        [str(BIN / "pybabel"), "compile", "--statistics", "-D", "forum", "-d", "forum/translations"],
    ]
    for step in steps:
        if subprocess.call(step, cwd=ROOT) != 0:
            return 1
    return 0


def ensure_env(extra: str) -> None:
    """Create the virtualenv and install the package with ``extra``, skipping what is already done."""
    if sys.version_info < (3, 11):  # noqa: UP036  (this file must run on old Pythons to say so)
        sys.exit("Please use Python 3.11 or newer (you have {}.{}).".format(*sys.version_info[:2]))
    if not PYTHON.exists():
        print("Creating a virtualenv in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        subprocess.run([PYTHON, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    digest = hashlib.sha256()
    for name in ("setup.cfg", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    stamp = VENV / f".installed-{extra}-{digest.hexdigest()[:16]}"
    if not stamp.exists():
        print(f"Installing the forum and its [{extra}] dependencies ...", flush=True)
        subprocess.run([PYTHON, "-m", "pip", "install", "-q", "-e", f".[{extra}]"], check=True, cwd=ROOT)
        stamp.touch()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "typecheck", "translations"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "demo":
        ensure_env("demo")
        return subprocess.call([PYTHON, "-m", "examples.portal", *rest], cwd=ROOT)
    ensure_env("test")
    if command == "translations":
        return translations()
    if command == "typecheck":
        return subprocess.call([PYTHON, "-m", "mypy", *rest], cwd=ROOT)
    workers = [] if any(a.startswith("-n") for a in rest) else ["-n", "2"]
    return subprocess.call([PYTHON, "-m", "pytest", *workers, *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
