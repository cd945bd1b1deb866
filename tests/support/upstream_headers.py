"""Locating the real upstream GenAI C headers for golden tests (they are never committed).

Sources, in order:
  1. env GENAI_HEADERS_ROOT: a directory holding one header set per tag, `<root>/<tag>/...`
     (any layout `bindgen parse` accepts: an install's `runtime/include`, `src/c/include`, ...);
  2. a git mirror of openvinotoolkit/openvino.genai (env GENAI_GIT_DIR, default below): each tag's
     `src/c/include` is extracted with `git archive` into a temporary directory.
Tests skip, saying why, when neither is present (as in CI).
"""
from __future__ import annotations

import io
import os
import re
import subprocess
import tarfile
from pathlib import Path
from typing import Optional

DEFAULT_GIT_DIR = Path("/work/.mirror/openvinotoolkit+openvino.genai/repo")
# First and last tags the generator supports; golden tests parse every tag in between.
OLDEST_TAG = "2025.1.0.0"
NEWEST_TAG = "2026.3.0.0"
# Exported-function counts of the tags named in the issue (measured by hand, see NOTES.md).
KNOWN_EXPORT_COUNTS = {
    "2025.1.0.0": 56,
    "2025.2.0.0": 56,
    "2025.4.0.0": 126,
    "2026.0.0.0": 150,
    "2026.3.0.0": 153,
}
EXPORT_MACRO = "OPENVINO_GENAI_C_EXPORTS"
SKIP_REASON = (
    "the upstream OpenVINO GenAI C headers are not available (they are never committed): set "
    "GENAI_HEADERS_ROOT to a directory of <tag>/ header sets, or GENAI_GIT_DIR to a git clone of "
    f"openvinotoolkit/openvino.genai (default {DEFAULT_GIT_DIR})"
)


def version_key(tag: str) -> tuple[int, ...]:
    return tuple(int(x) for x in tag.split("."))


def _in_range(tag: str) -> bool:
    return re.fullmatch(r"\d+\.\d+\.\d+\.\d+", tag) is not None and \
        version_key(OLDEST_TAG) <= version_key(tag) <= version_key(NEWEST_TAG)


class UpstreamHeaders:
    """Header sets of the upstream tags, by tag; extraction happens on first use."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        root = os.environ.get("GENAI_HEADERS_ROOT")
        self.root = Path(root) if root else None
        git_dir = Path(os.environ.get("GENAI_GIT_DIR", DEFAULT_GIT_DIR))
        self.git_dir: Optional[Path] = git_dir if (git_dir / "HEAD").is_file() or (git_dir / ".git").exists() else None

    @property
    def available(self) -> bool:
        return bool(self.tags())

    def tags(self) -> list[str]:
        if self.root is not None and self.root.is_dir():
            found = [p.name for p in self.root.iterdir() if p.is_dir() and _in_range(p.name)]
        elif self.git_dir is not None:
            out = subprocess.run(["git", "--git-dir", str(self.git_dir), "tag", "--list"],
                                 check=True, capture_output=True, text=True).stdout
            found = [t for t in out.split() if _in_range(t)]
        else:
            found = []
        return sorted(found, key=version_key)

    def get(self, tag: str) -> Optional[Path]:
        """A directory `bindgen parse` accepts for this tag, or None when the tag is absent."""
        if self.root is not None and self.root.is_dir():
            path = self.root / tag
            return path if path.is_dir() else None
        if self.git_dir is None or tag not in self.tags():
            return None
        dest = self.scratch / tag
        if not (dest / "src" / "c" / "include").is_dir():
            archive = subprocess.run(["git", "--git-dir", str(self.git_dir), "archive", "--format=tar", tag,
                                      "src/c/include"], check=True, capture_output=True).stdout
            dest.mkdir(parents=True, exist_ok=True)
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(dest, filter="data")
        return dest


def genai_header_files(header_set: Path) -> list[Path]:
    """The `openvino/genai/c/*.h` files of a header set, wherever they sit under it."""
    return sorted(header_set.rglob("openvino/genai/c/*.h"))


_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_DIRECTIVE = re.compile(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", re.M)
_EXPORTED = re.compile(EXPORT_MACRO + r"\b[^;{}()]*?\b([A-Za-z_]\w*)\s*\(")


def exported_function_names(header_set: Path) -> set[str]:
    """Names of the functions declared with the export macro, found by text search alone.

    Independent of the parser on purpose: comments and preprocessor lines (the macro's own
    `#define`) are dropped, then every `EXPORT ... name(` is a declaration.
    """
    names: set[str] = set()
    for path in genai_header_files(header_set):
        text = _DIRECTIVE.sub("", _COMMENT.sub(" ", path.read_text(encoding="utf-8")))
        names.update(_EXPORTED.findall(text))
    return names
