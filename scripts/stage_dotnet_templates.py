#!/usr/bin/env python3
"""Writes the `dotnet new` template pack (templates/dotnet-new/) to a folder, with the template files that
are C# samples copied in from csharp/samples/ (listed in templates/dotnet-new/samples.toml): the samples
are their one copy in git. The samples' namespace becomes the template's source name; nothing else
changes. The same inputs give the same bytes.

    python3 scripts/stage_dotnet_templates.py build/dotnet-new
    dotnet new install build/dotnet-new/        # or: dotnet pack build/dotnet-new, then install the .nupkg

Exit status: 0 done, 2 bad input (the message says what and where).
"""
from __future__ import annotations

import json
import shutil
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACK = REPO / "templates" / "dotnet-new"
SAMPLES = REPO / "csharp" / "samples"
SAMPLE_NAMESPACE = "namespace OpenVINO.GenAI.Samples\n"
PACK_PROJECT = "OpenVINO.GenAI.Templates.csproj"  # in the pack, so in every staging of it


class StageError(Exception):
    pass


def sample_files(pack: Path = PACK) -> list[dict[str, str]]:
    """The entries of samples.toml: template, path (in the template), sample (under csharp/samples/)."""
    listing = pack / "samples.toml"
    with listing.open("rb") as f:
        entries = tomllib.load(f).get("file", [])
    for entry in entries:
        missing = {"template", "path", "sample"} - set(entry)
        if missing:
            raise StageError(f"{listing}: an entry lacks {', '.join(sorted(missing))}: {entry}")
    return entries


def stage(out: Path, pack: Path = PACK, samples: Path = SAMPLES) -> Path:
    """Writes the pack to `out` (replacing an earlier staging; any other non-empty folder is refused) and returns it."""
    entries = sample_files(pack)
    for entry in entries:
        kept = pack / "content" / entry["template"] / entry["path"]
        if kept.exists():
            raise StageError(f"{kept}: a copy of csharp/samples/{entry['sample']} is in the template: remove it "
                             "(the sample is the one copy; staging copies it in)")
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not (out / PACK_PROJECT).is_file():
        # Replaced only when it is an earlier staging: a mistyped OUT (home, a project folder) is never deleted.
        raise StageError(f"{out}: exists and is not a staged template pack (no {PACK_PROJECT}); not replaced: "
                         "remove it or name a new folder")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(pack, out, ignore=shutil.ignore_patterns("bin", "obj", "samples.toml"))
    for entry in entries:
        sample = samples / entry["sample"]
        if not sample.is_file():
            raise StageError(f"{pack / 'samples.toml'}: sample {sample} does not exist")
        text = sample.read_text(encoding="utf-8")
        if text.count(SAMPLE_NAMESPACE) != 1:
            raise StageError(f"{sample}: expected one line `{SAMPLE_NAMESPACE.strip()}` to give the template's namespace")
        spec_file = pack / "content" / entry["template"] / ".template.config" / "template.json"
        if not spec_file.is_file():
            raise StageError(f"{pack / 'samples.toml'}: no template {entry['template']} ({spec_file} is missing)")
        source_name = json.loads(spec_file.read_text(encoding="utf-8"))["sourceName"]
        dest = out / "content" / entry["template"] / entry["path"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        with dest.open("w", encoding="utf-8", newline="\n") as f:
            f.write(text.replace(SAMPLE_NAMESPACE, f"namespace {source_name}\n"))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: stage_dotnet_templates.py OUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0]).resolve()
    if out == PACK.resolve() or PACK.resolve().is_relative_to(out) or out.is_relative_to(PACK.resolve()):
        print(f"stage_dotnet_templates.py: {out}: must be outside {PACK}", file=sys.stderr)
        return 2
    try:
        stage(out)
    except (StageError, OSError, tomllib.TOMLDecodeError, json.JSONDecodeError, KeyError) as exc:
        print(f"stage_dotnet_templates.py: {exc}", file=sys.stderr)
        return 2
    print(f"staged the dotnet new template pack in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
