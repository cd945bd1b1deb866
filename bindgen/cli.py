"""Command line: `python -m bindgen` / `bindgen`.

  parse HEADERS... -o api.json      header set -> snapshot
  generate --lang L [INPUT...] -o D render bindings (INPUT: snapshot or header set; default: embedded snapshot)
  generate --lang L --docs runtime -o D   render the runtimes' docs data (bindgen/libraries/docs/runtime.toml)
  regenerate                        re-render every committed target listed in bindgen/generated.toml
  check                             fail when committed generated code differs from a fresh render
  diff OLD NEW                      API differences between two snapshots or header sets

Exit status: 0 success, 1 a check/diff found differences that matter, 2 bad input.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

from . import conventions as conv
from . import library as libmod
from . import model as m
from . import snapshot
from . import versions
from .binding import BindingError
from .emit import EmitError, renderer
from .parser import ParseError, parse, resolve_header_set

REPO_ROOT = Path(__file__).resolve().parent.parent


class UsageError(Exception):
    pass


def load_api(inputs: Sequence[str], library: libmod.Library, include_dirs: Sequence[str] = (),
             version: Optional[str] = None) -> m.API:
    """A model from a snapshot (.json), a header set (directories and/or .h files), or the embedded snapshot."""
    if not inputs:
        return snapshot.load(snapshot.embedded(library.name, version))
    if len(inputs) == 1 and inputs[0].endswith(".json"):
        path = Path(inputs[0])
        if not path.is_file():
            raise UsageError(f"{path}: no such snapshot")
        try:
            return snapshot.load(path)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not a valid snapshot: not JSON: {exc.msg}") from exc
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path}: not a valid snapshot: not UTF-8 text (byte {exc.start})") from exc
        except ValueError as exc:
            raise UsageError(f"{path}: not a valid snapshot: {exc}") from exc
    headers = resolve_header_set([Path(i) for i in inputs], library, [Path(d) for d in include_dirs])
    return parse(headers, library, version)


def write_files(files: dict[str, str], out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir}: exists and is not a directory (-o names the output directory)")
    for rel, text in sorted(files.items()):
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def cmd_parse(args: argparse.Namespace) -> int:
    lib = libmod.load(args.library)
    api = load_api(args.inputs, lib, args.include, args.api_version)
    text = snapshot.dumps(api)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="\n")
        for q in api.quirks:
            print(f"note: {q.kind}: {q.name}: {q.detail}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def render_api(api: m.API, lang: str, library: libmod.Library) -> dict[str, str]:
    """The driver: conventions and version data (history over the committed snapshots, computed
    once here) are the emitter's whole input; emitters read nothing else."""
    conventions = conv.infer(api, library)
    table = versions.prepare(api, library)
    return renderer(lang)(api, conventions, table)


def cmd_generate(args: argparse.Namespace) -> int:
    if args.docs:
        # The runtimes' docs data alone (bindgen/libraries/docs/<name>.toml): no library, no snapshot.
        if args.inputs:
            raise UsageError("--docs renders docs data alone: give no snapshot or headers")
        from .emit import runtime_docs
        docs_files = runtime_docs.render(args.docs, args.lang)
        write_files(docs_files, Path(args.output))
        print(f"wrote {len(docs_files)} files to {args.output}", file=sys.stderr)
        return 0
    lib = libmod.load(args.library)
    api = load_api(args.inputs, lib, args.include, args.api_version)
    files = render_api(api, args.lang, lib)
    write_files(files, Path(args.output))
    print(f"wrote {len(files)} files to {args.output}", file=sys.stderr)
    return 0


def cmd_regenerate(args: argparse.Namespace) -> int:
    from . import targets

    for target in targets.load():
        files = targets.render(target)
        targets.write(target, files)
        print(f"{target.describe()}: {len(files)} files", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from . import targets

    stale = 0
    for target in targets.load():
        problems = targets.compare(target, targets.render(target))
        for p in problems:
            print(f"stale: {p}", file=sys.stderr)
        stale += len(problems)
    if stale:
        print(f"{stale} generated file(s) differ from what the committed snapshots render; "
              f"run `python -m bindgen regenerate` and commit the result", file=sys.stderr)
        return 1
    print("generated code is up to date", file=sys.stderr)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from . import diff

    lib = libmod.load(args.library)
    old = load_api([args.old], lib, args.include)
    new = load_api([args.new], lib, args.include)
    # A header set carries no version: name each side by what was given on the command line.
    old.version = old.version or args.old
    new.version = new.version or args.new
    report = diff.compare(old, new)
    out = diff.to_json(report) if args.format == "json" else diff.to_markdown(report)
    if args.output:
        Path(args.output).write_text(out, encoding="utf-8", newline="\n")
    else:
        sys.stdout.write(out)
    return 1 if args.fail_on_breaking and report.breaking else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bindgen", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--library", default="genai", help="library description: genai, core, or a .toml path")
        sp.add_argument("-I", "--include", action="append", default=[], metavar="DIR", help="extra include directory")
        sp.add_argument("--api-version", default=None, help="version recorded in the model (e.g. 2026.3.0.0)")

    sp = sub.add_parser("parse", help="parse headers into a snapshot")
    sp.add_argument("inputs", nargs="+", help="header directories or .h files")
    sp.add_argument("-o", "--output", help="snapshot file (default: stdout)")
    common(sp)
    sp.set_defaults(func=cmd_parse)

    sp = sub.add_parser("generate", help="render bindings")
    sp.add_argument("inputs", nargs="*", help="a snapshot .json, or header directories/files (default: embedded snapshot)")
    sp.add_argument("--lang", required=True, help="csharp, cffi or c-header")
    sp.add_argument("-o", "--output", required=True, help="output directory")
    sp.add_argument("--docs", default="", metavar="NAME",
                    help="render the hand-written runtimes' docs data bindgen/libraries/docs/NAME.toml (e.g. runtime)")
    common(sp)
    sp.set_defaults(func=cmd_generate)

    sp = sub.add_parser("regenerate", help="re-render every committed generated target")
    sp.set_defaults(func=cmd_regenerate)

    sp = sub.add_parser("check", help="fail when committed generated code is stale")
    sp.set_defaults(func=cmd_check)

    sp = sub.add_parser("diff", help="API differences between two snapshots or header sets")
    sp.add_argument("old")
    sp.add_argument("new")
    sp.add_argument("--format", choices=["md", "json"], default="md")
    sp.add_argument("-o", "--output")
    sp.add_argument("--fail-on-breaking", action="store_true", help="exit 1 when a breaking change is found")
    common(sp)
    sp.set_defaults(func=cmd_diff)
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ParseError as exc:
        for msg in exc.messages:
            print(msg, file=sys.stderr)
        return 2
    except (conv.ConventionError, BindingError, EmitError, UsageError, ValueError, OSError) as exc:
        # OSError: an output path that is a directory or an existing file, no permission, ...
        print(f"bindgen: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
