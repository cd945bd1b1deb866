"""Version history of a library from its committed snapshots, and what a runtime needs to know
which version it has loaded.

`merge(apis)` walks the snapshots oldest to newest (with diff.compare between neighbours) and
records, for every function, enum, enum member, struct, field, handle, callback type and
variable, the first version that has it, following renames (a renamed enum member keeps the
version its value first appeared in). Upstream oddities met on the way are kept as
`VersionQuirk`s (a function declared twice, a misspelled name later fixed, a signature changed
under the same name) and never stop the merge.

`annotate(api, library)` fills `since` in the model. For a function it is the first version
whose signature is the one this model declares: a binding generated from this model calls that
signature, so a library before it must be refused (2025.1's `ov_genai_llm_pipeline_create` has
the same name but not the same parameters as 2025.2's).

`probe_table(api, library)` is the data generated code embeds to find out at run time which
version it has loaded, and `detect()` is the reference for the algorithm the bindings repeat
(python/genai_interop_runtime/versions.py, bindgen/templates/csharp/ApiVersion.g.cs.j2; tests/test_versions_runtime.py
checks that they agree).
`prepare(api, library)` is what the driver calls before rendering: both at once, from one history.

1. For each known version, the functions first declared there that every later version still
   declares ("probes"). A version is present when all its probes resolve (dlsym /
   NativeLibrary.TryGetExport on the loaded library).
2. The installed version is at least the newest version with probes that are all present
   (`floor`). Later versions with no probes of their own (nothing added, e.g. 2025.2) can't be
   told apart by symbols; the library's `version_query` (the OpenVINO core version, which GenAI
   releases match) picks among them, and without it the oldest candidate is assumed: a call is
   refused rather than made with a signature the library might not have.
3. No version present: the library is older than the oldest snapshot (or not this library),
   which is reported at load.

A call to a function whose `since` is newer than the detected version raises a "needs
<title> >= X" error instead of failing in the loader or, worse, running with the wrong ABI.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from typing import Callable, Optional, Sequence

from . import diff
from . import library as libmod
from . import model as m
from . import snapshot


@dataclass
class VersionQuirk:
    kind: str  # "duplicate_declaration", "misspelled_name", "signature_changed", "value_changed", "removed"
    name: str
    versions: list[str]  # versions showing it
    detail: str


@dataclass
class History:
    library: str
    versions: list[str]
    functions: dict[str, str] = field(default_factory=dict)  # name -> first version declaring the name
    signatures: dict[str, str] = field(default_factory=dict)  # name -> first version with its newest signature
    enums: dict[str, str] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)  # enum member -> first version with its value
    structs: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)  # "struct.field"
    handles: dict[str, str] = field(default_factory=dict)
    callbacks: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    removed: dict[str, str] = field(default_factory=dict)  # function -> version that no longer declares it
    renamed: dict[str, tuple[str, str]] = field(default_factory=dict)  # new name -> (old name, version)
    declared: dict[str, list[str]] = field(default_factory=dict)  # version -> function names it declares
    quirks: list[VersionQuirk] = field(default_factory=list)
    steps: list[diff.Report] = field(default_factory=list)  # neighbour diffs, oldest first

    def probes(self) -> list[list[str]]:
        """Per version: functions first declared there and still declared by every later version."""
        out: list[list[str]] = []
        for i, v in enumerate(self.versions):
            later = [set(self.declared[w]) for w in self.versions[i:]]
            out.append(sorted(n for n in self.declared[v]
                              if self.functions.get(n) == v and all(n in s for s in later)))
        return out


def _check_versions(apis: Sequence[m.API]) -> list[m.API]:
    for a in apis:
        if not a.version:
            raise ValueError("versions: every model merged needs a version (parse with --api-version)")
    ordered = sorted(apis, key=lambda a: snapshot.version_key(a.version or ""))
    seen: set[str] = set()
    for a in ordered:
        assert a.version is not None
        if a.version in seen:
            raise ValueError(f"versions: version {a.version} given twice")
        seen.add(a.version)
    libs = {a.library for a in ordered}
    if len(libs) > 1:
        raise ValueError(f"versions: models of different libraries: {sorted(libs)}")
    return ordered


def merge(apis: Sequence[m.API]) -> History:
    """The history of one library over the given models (any order; each needs a distinct version)."""
    ordered = _check_versions(apis)
    if not ordered:
        raise ValueError("versions: nothing to merge")
    hist = History(ordered[0].library, [a.version or "" for a in ordered])
    first = ordered[0]
    v0 = first.version or ""
    for f in first.functions:
        hist.functions[f.name] = hist.signatures[f.name] = v0
    for e in first.enums:
        hist.enums[e.name] = v0
        for mem in e.members:
            hist.members.setdefault(mem.name, v0)
    for s in first.structs:
        hist.structs[s.name] = v0
        for fl in s.fields:
            hist.fields[f"{s.name}.{fl.name}"] = v0
    for h in first.handles:
        hist.handles[h.name] = v0
    for c in first.callbacks:
        hist.callbacks[c.name] = v0
    for var in first.variables:
        hist.variables[var.name] = v0
    for a in ordered:
        hist.declared[a.version or ""] = [f.name for f in a.functions]

    for old, new in zip(ordered, ordered[1:]):
        report = diff.compare(old, new)
        hist.steps.append(report)
        _apply(hist, report, new)
    hist.quirks[:0] = _model_quirks(ordered)
    return hist


_SINCE_BY_KIND = {"enum": "enums", "struct": "structs", "handle": "handles", "callback": "callbacks",
                  "variable": "variables", "field": "fields", "enum_member": "members"}


def _apply(hist: History, report: diff.Report, new: m.API) -> None:
    v = new.version or ""
    for c in report.changes:
        if c.kind == "function":
            if c.change == "added":
                hist.functions.setdefault(c.name, v)  # a re-added function keeps its first version
                hist.signatures[c.name] = v
                hist.removed.pop(c.name, None)
            elif c.change == "removed":
                hist.removed[c.name] = v
                hist.quirks.append(VersionQuirk("removed", c.name, [v], f"function no longer declared from {v}"))
            elif c.change == "changed" and c.impact == diff.BREAKING:
                hist.signatures[c.name] = v
                hist.quirks.append(VersionQuirk("signature_changed", c.name, [v],
                                                f"same name, new signature from {v}: {c.detail}"))
            continue
        table = getattr(hist, _SINCE_BY_KIND[c.kind])
        if c.change == "added":
            table.setdefault(c.name, v)
        elif c.change == "renamed" and c.old_name:
            # The thing existed before under its old name: its version carries over.
            table[c.name] = table.get(c.old_name, v)
            hist.renamed[c.name] = (c.old_name, v)
            fix = diff.spelling_fix(c.old_name, c.name)
            if fix and c.kind != "enum_member":
                older = [w for w in hist.versions if snapshot.version_key(w) < snapshot.version_key(v)]
                hist.quirks.append(VersionQuirk("misspelled_name", c.old_name, older,
                                                f"{c.kind} misspelled ({fix}) until renamed to {c.name} in {v}"))
        elif c.change == "changed" and c.kind == "enum_member":
            hist.quirks.append(VersionQuirk("value_changed", c.name, [v], c.detail))
    # An enum, struct or handle that appears with members/fields counts them as new too.
    for e in new.enums:
        hist.enums.setdefault(e.name, v)
        for mem in e.members:
            hist.members.setdefault(mem.name, v)
    for s in new.structs:
        hist.structs.setdefault(s.name, v)
        for fl in s.fields:
            hist.fields.setdefault(f"{s.name}.{fl.name}", v)
    for h in new.handles:
        hist.handles.setdefault(h.name, v)
    for cb in new.callbacks:
        hist.callbacks.setdefault(cb.name, v)
    for var in new.variables:
        hist.variables.setdefault(var.name, v)


def _model_quirks(ordered: Sequence[m.API]) -> list[VersionQuirk]:
    """Quirks the parser recorded per version, one entry per (kind, name) with every version showing it."""
    grouped: dict[tuple[str, str], VersionQuirk] = {}
    for a in ordered:
        for q in a.quirks:
            key = (q.kind, q.name)
            if key in grouped:
                grouped[key].versions.append(a.version or "")
            else:
                grouped[key] = VersionQuirk(q.kind, q.name, [a.version or ""], q.detail)
    return [grouped[k] for k in sorted(grouped)]


# -- committed snapshots --

UNRELEASED = "unreleased"  # label of a model with no version, newer than every snapshot


def history(library: libmod.Library, api: Optional[m.API] = None) -> History:
    """History over the committed snapshots of `library`, ending with `api` when given.

    Snapshots newer than `api` are left out (its functions are "since" what it and the older
    snapshots say); a model with no version counts as newer than every snapshot.
    """
    apis = [snapshot.load(p) for p in snapshot.list_embedded(library.name)]
    if api is not None:
        if api.library != library.name:
            raise ValueError(f"versions: model of {api.library!r} given with library {library.name!r}")
        if api.version:
            key = snapshot.version_key(api.version)
            apis = [a for a in apis if snapshot.version_key(a.version or "") < key]
            apis.append(api)
        else:
            labelled = m.API(**{**vars(api), "version": _unreleased_after(apis)})
            apis.append(labelled)
    if not apis:
        raise ValueError(f"versions: no committed snapshot for library {library.name!r}")
    return merge(apis)


def _unreleased_after(apis: Sequence[m.API]) -> str:
    # A version key greater than every snapshot's, recognisable as a label.
    top = max((snapshot.version_key(a.version or "") for a in apis), default=(0,))
    return ".".join(str(x) for x in (top[0] + 1000,) + top[1:]) + f".{UNRELEASED}"


def _clean(v: Optional[str]) -> Optional[str]:
    return None if v is None or v.endswith(UNRELEASED) else v


def annotate(api: m.API, library: libmod.Library) -> m.API:
    """Fill `since` on functions, variables, enum members and struct fields of `api` (in place; returned).

    A function's `since` is the first version with the signature `api` declares (see module doc).
    Idempotent; deterministic for the committed snapshots.
    """
    return _annotate(api, history(library, api))


def _annotate(api: m.API, hist: History) -> m.API:
    for f in api.functions:
        f.since = _clean(hist.signatures.get(f.name))
    for var in api.variables:
        var.since = _clean(hist.variables.get(var.name))
    for e in api.enums:
        for mem in e.members:
            mem.since = _clean(hist.members.get(mem.name))
    for s in api.structs:
        for fl in s.fields:
            fl.since = _clean(hist.fields.get(f"{s.name}.{fl.name}"))
    return api


# -- what generated code embeds --

@dataclass
class ProbeTable:
    """Data for the runtime version check of generated bindings (see module doc)."""

    library: str
    title: str  # "OpenVINO GenAI": the name in "needs OpenVINO GenAI >= X"
    versions: list[str]  # known versions, oldest first
    probes: list[list[str]]  # per version: functions that prove it is present
    since: dict[str, int]  # function of the model -> index into versions of its `since`
    version_query: dict[str, str]  # library description's {function, free}, may be empty

    @property
    def oldest(self) -> str:
        return self.versions[0]

    @property
    def newest(self) -> str:
        return self.versions[-1]

    def since_version(self, function: str) -> str:
        return self.versions[self.since[function]]


def probe_table(api: m.API, library: libmod.Library) -> ProbeTable:
    return _probe_table(api, library, history(library, api))


def prepare(api: m.API, library: libmod.Library) -> ProbeTable:
    """The driver's version step before rendering (cli generate/regenerate/check): the history
    over the committed snapshots is computed once, `since` is filled in `api` (as `annotate`)
    and the probe table every emitter renders from is returned. Emitters read no snapshot."""
    hist = history(library, api)
    _annotate(api, hist)
    return _probe_table(api, library, hist)


def _probe_table(api: m.API, library: libmod.Library, hist: History) -> ProbeTable:
    versions = [_clean(v) or UNRELEASED for v in hist.versions]
    probes = hist.probes()
    if versions[-1] == UNRELEASED and len(versions) > 1:
        # Nothing can prove an unreleased version: bindings treat its additions as newest-known.
        # (A library with no snapshot at all keeps it as its one version.)
        versions, probes = versions[:-1], probes[:-1]
    index = {v: i for i, v in enumerate(versions)}
    since = {}
    for f in api.functions:
        v = _clean(hist.signatures.get(f.name))
        since[f.name] = index[v] if v in index else len(versions) - 1
    return ProbeTable(library.name, library.title, versions, probes, since, dict(library.version_query))


@dataclass
class Detection:
    """What `detect` found out about a loaded library."""

    index: int  # into ProbeTable.versions; -1: older than the oldest known version
    version: Optional[str]  # versions[index], None when older than the oldest
    candidates: list[str]  # versions the symbols can't tell apart (index is one of them)
    core_version: Optional[str]  # what version_query said, if asked
    missing: list[str] = field(default_factory=list)  # oldest version's probes not found (when index == -1)

    @property
    def exact(self) -> bool:
        return len(self.candidates) == 1


_RELEASE = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def release_key(version: str) -> Optional[tuple[int, int, int]]:
    """(year, minor, patch) from "2026.3.0.0" or an OpenVINO build number "2026.3.0-19215-abc"."""
    match = _RELEASE.match(version.strip())
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def detect(table: ProbeTable, has_symbol: Callable[[str], bool],
           query_version: Optional[Callable[[], Optional[str]]] = None) -> Detection:
    """The installed version, from which symbols resolve and, when symbols can't tell, the version query."""
    present = [all(has_symbol(n) for n in probes) for probes in table.probes]
    floor = max((i for i, ok in enumerate(present) if ok and table.probes[i]), default=-1)
    if floor < 0:
        missing = [n for n in table.probes[0] if not has_symbol(n)] if table.probes else []
        return Detection(-1, None, [], None, missing)
    ceiling = floor
    while ceiling + 1 < len(table.versions) and not table.probes[ceiling + 1]:
        ceiling += 1
    candidates = table.versions[floor:ceiling + 1]
    core = None
    index = floor
    if ceiling > floor and query_version is not None:
        core = query_version()
        core_key = release_key(core) if core else None
        if core_key is not None:
            for i in range(floor, ceiling + 1):
                key = release_key(table.versions[i])
                if key is not None and key <= core_key:
                    index = i
            candidates = [table.versions[index]]
    return Detection(index, table.versions[index], candidates, core)


class NeedsNewerLibrary(NotImplementedError):
    """Reference for the generated error: a function newer than the loaded library."""


def require(table: ProbeTable, found: Detection, function: str) -> None:
    need = table.since[function]
    if found.index < need:
        raise NeedsNewerLibrary(needs_message(table, found, function))


def needs_message(table: ProbeTable, found: Detection, function: str) -> str:
    have = found.version if found.exact or found.version is None else " or ".join(found.candidates)
    have = have or f"older than {table.oldest}"
    return f"{function} needs {table.title} >= {table.since_version(function)}; the loaded library is {have}"


def runtime_context(api: m.API, library: libmod.Library, table: ProbeTable) -> dict[str, object]:
    """Variables for the run-time version templates (bindgen/templates/csharp/ApiVersion.g.cs.j2,
    bindgen/templates/cffi/_versions.py.j2), from the table the driver passed (see `prepare`): an
    emitter renders them with its own environment plus whatever it adds (e.g. `namespace`)."""
    return {
        "library": api.library,
        "source": api.version or "unversioned headers",
        "title": table.title,
        "native_library": library.native_library,
        "versions": table.versions,
        "oldest": table.oldest,
        "newest": table.newest,
        "probes": table.probes,
        "since": sorted(table.since.items()),
        "query": dict(table.version_query),
    }


# -- report: python -m bindgen.versions --

def to_json(hist: History) -> str:
    data = {
        "library": hist.library, "versions": hist.versions,
        "functions": {v: {"declared": len(hist.declared[v]),
                          "added": sorted(n for n, s in hist.functions.items() if s == v and n in hist.declared[v]),
                          "signature_changed": sorted(n for n, s in hist.signatures.items()
                                                      if s == v and hist.functions.get(n) != v)}
                      for v in hist.versions},
        "since": {"functions": hist.signatures, "first_declared": hist.functions, "enums": hist.enums,
                  "members": hist.members, "structs": hist.structs, "fields": hist.fields,
                  "handles": hist.handles, "callbacks": hist.callbacks, "variables": hist.variables},
        "renamed": {k: {"from": o, "in": v} for k, (o, v) in sorted(hist.renamed.items())},
        "removed": hist.removed,
        "probes": dict(zip(hist.versions, hist.probes())),
        "quirks": [asdict(q) for q in hist.quirks],
    }
    return json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def to_markdown(hist: History) -> str:
    lines = [f"# {hist.library} API versions", "",
             "| version | functions | added | new signature | probes |", "|---|---|---|---|---|"]
    for v, probes in zip(hist.versions, hist.probes()):
        added = sum(1 for n, s in hist.functions.items() if s == v and n in hist.declared[v])
        resig = sum(1 for n, s in hist.signatures.items() if s == v and hist.functions.get(n) != v)
        lines.append(f"| {v} | {len(hist.declared[v])} | {added if v != hist.versions[0] else '-'} | {resig} | {len(probes)} |")
    lines.append("")
    if hist.renamed:
        lines += ["## Renamed", ""]
        lines += [f"- `{o}` -> `{n}` in {v}" for n, (o, v) in sorted(hist.renamed.items())] + [""]
    if hist.quirks:
        lines += ["## Quirks", ""]
        lines += [f"- {q.kind} `{q.name}` ({', '.join(q.versions)}): {q.detail}" for q in hist.quirks] + [""]
    ambiguous = [v for v, p in zip(hist.versions, hist.probes()) if not p]
    if ambiguous:
        lines += ["## Told apart by the version query only", "",
                  f"- {', '.join(ambiguous)}: declare no function of their own", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bindgen.versions",
                                description="Version history of a library over its committed snapshots")
    p.add_argument("--library", default="genai")
    p.add_argument("--format", choices=["md", "json"], default="md")
    args = p.parse_args(argv)
    try:
        hist = history(libmod.load(args.library))
    except (ValueError, FileNotFoundError) as exc:
        print(f"bindgen.versions: error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(to_json(hist) if args.format == "json" else to_markdown(hist))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
