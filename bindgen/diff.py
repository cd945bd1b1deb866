"""API differences between two models, classified breaking or additive.

`compare(old, new)` walks every kind of declaration the model knows (functions, enums and
their members, structs and their fields, callback types, handles, exported variables) and
records one `Change` per difference. Renames are detected, not guessed from names alone: an
enum (or struct) that disappears while another with the same shape (same member values /
same field layout) and a similar name appears is reported once as `renamed`, and the old
name is mapped to the new one before signatures that mention it are compared, so a renamed
type does not make every function and field that uses it look changed.

Classification, from the point of view of a program or binding built against OLD:
- breaking: it no longer compiles or no longer calls the right thing (anything removed or
  renamed, a signature, layout, size or value that changed, a function that became variadic);
- additive: existing code keeps working (anything added, a parameter renamed, padding used).

Oddities of either side (a function declared twice, a misspelled name fixed by a rename)
are listed as notes, never raised.
"""
from __future__ import annotations

import copy
import difflib
import json
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable, Optional, Sequence, TypeVar

from . import model as m

BREAKING = "breaking"
ADDITIVE = "additive"

# Order of sections in reports.
KINDS = ("function", "callback", "enum", "enum_member", "struct", "field", "handle", "variable")
_TITLES = {
    "function": "Functions", "callback": "Callback types", "enum": "Enums", "enum_member": "Enum members",
    "struct": "Structs", "field": "Struct fields", "handle": "Handles", "variable": "Variables",
}
# A rename needs names at least this similar (difflib ratio), besides an identical shape:
# two unrelated enums with members 0, 1, 2 must not be paired.
RENAME_SIMILARITY = 0.75


@dataclass
class Change:
    kind: str  # one of KINDS
    name: str  # C name; for a struct field "struct.field"
    change: str  # "added", "removed", "changed", "renamed"
    impact: str  # BREAKING or ADDITIVE
    detail: str = ""
    old_name: Optional[str] = None  # for "renamed": the name in OLD
    parent: Optional[str] = None  # enum of a member, struct of a field (its name in NEW when it exists there)


@dataclass
class Report:
    old_version: str | None
    new_version: str | None
    changes: list[Change] = field(default_factory=list)
    # Quirks of either side and what the renames look like (e.g. a spelling fix); informational.
    notes: list[str] = field(default_factory=list)
    library: Optional[str] = None

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.impact == BREAKING]

    @property
    def additive(self) -> list[Change]:
        return [c for c in self.changes if c.impact == ADDITIVE]

    def names(self, kind: str, change: str) -> list[str]:
        """Names of the changes of one kind and sort, e.g. `names("function", "added")`."""
        return [c.name for c in self.changes if c.kind == kind and c.change == change]


# -- spelling with renames applied --

def _renamed_type(t: m.CType, renames: dict[str, str]) -> m.CType:
    if not renames:
        return t
    t = copy.deepcopy(t)
    for node in t.walk():
        if node.name in renames:
            node.name = renames[node.name]
    return t


def _spell(t: m.CType, renames: dict[str, str], declarator: str = "") -> str:
    return _renamed_type(t, renames).c_spelling(declarator)


def _sig(fn: m.Function, renames: Optional[dict[str, str]] = None) -> str:
    r = renames or {}
    params = ", ".join(_spell(p.type, r, p.name) for p in fn.params)
    if fn.variadic:
        params = f"{params}, ..." if params else "..."
    return f"{_spell(fn.returns, r)} {fn.name}({params or 'void'})"


def _callback_sig(cb: m.Callback, renames: Optional[dict[str, str]] = None) -> str:
    r = renames or {}
    params = ", ".join(_spell(p.type, r, p.name) for p in cb.params) or "void"
    return f"typedef {_spell(cb.returns, r)} (*{cb.name})({params})"


def _param_changes(old: Sequence[m.Param], new: Sequence[m.Param], renames: dict[str, str]) -> tuple[list[str], list[str]]:
    """(breaking details, additive details) between two parameter lists, aligned by type."""
    a = [_spell(p.type, renames) for p in old]
    b = [_spell(p.type, {}) for p in new]
    breaking: list[str] = []
    additive: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                if old[i].name != new[j].name:
                    additive.append(f"parameter {j + 1} renamed: {old[i].name} -> {new[j].name}")
        elif op == "insert":
            for j in range(j1, j2):
                breaking.append(f"parameter {j + 1} inserted: {_spell(new[j].type, {}, new[j].name)}")
        elif op == "delete":
            for i in range(i1, i2):
                breaking.append(f"parameter {i + 1} removed: {_spell(old[i].type, renames, old[i].name)}")
        else:  # replace
            for k in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + k, j1 + k
                if i < i2 and j < j2:
                    breaking.append(f"parameter {j + 1} type: {_spell(old[i].type, renames, old[i].name)}"
                                    f" -> {_spell(new[j].type, {}, new[j].name)}")
                elif j < j2:
                    breaking.append(f"parameter {j + 1} inserted: {_spell(new[j].type, {}, new[j].name)}")
                else:
                    breaking.append(f"parameter {i + 1} removed: {_spell(old[i].type, renames, old[i].name)}")
    return breaking, additive


# -- rename detection --

T = TypeVar("T")


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a.lower(), b=b.lower(), autojunk=False).ratio()


def _pair_renames(removed: Iterable[T], added: Iterable[T], name: Callable[[T], str],
                  shape: Callable[[T], object], same_parts: Optional[Callable[[T, T], bool]] = None) -> list[tuple[T, T]]:
    """Pairs (old, new) with an identical shape and related names, best match first, one-to-one.

    Names are related when similar enough, or when `same_parts` says their parts match (an enum
    whose members keep their names after the common prefix, e.g. ST_OK -> STATUS_OK).
    """
    candidates = []
    for o in removed:
        for n in added:
            if shape(o) == shape(n):
                score = _similarity(name(o), name(n))
                if same_parts is not None and same_parts(o, n):
                    score += 1.0
                if score >= RENAME_SIMILARITY:
                    candidates.append((score, name(o), name(n), o, n))
    pairs, used_old, used_new = [], set(), set()
    for _score, on, nn, o, n in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if on not in used_old and nn not in used_new:
            used_old.add(on)
            used_new.add(nn)
            pairs.append((o, n))
    return sorted(pairs, key=lambda p: name(p[1]))


def _member_suffixes(e: m.Enum) -> list[str]:
    """Member names without the prefix they all share (cut at an underscore)."""
    names = [mem.name for mem in e.members]
    if len(names) < 2:
        return names
    prefix = names[0]
    for n in names[1:]:
        while not n.startswith(prefix):
            prefix = prefix[:-1]
    cut = prefix.rfind("_") + 1
    return [n[cut:] for n in names]


def _same_member_suffixes(a: m.Enum, b: m.Enum) -> bool:
    return len(a.members) >= 2 and _member_suffixes(a) == _member_suffixes(b)


def _enum_shape(e: m.Enum) -> tuple:
    return (e.size, tuple(mem.value for mem in e.members))


def _struct_shape(s: m.Struct) -> tuple:
    return (s.size, s.align, tuple((f.offset, f.type.c_spelling()) for f in s.fields))


def spelling_fix(old: str, new: str) -> Optional[str]:
    """`'streamming' -> 'streaming'` when two names differ in one word only, else None."""
    a, b = old.lower().split("_"), new.lower().split("_")
    if len(a) != len(b):
        return None
    diffs = [(x, y) for x, y in zip(a, b) if x != y]
    if len(diffs) == 1 and _similarity(*diffs[0]) >= RENAME_SIMILARITY:
        return f"'{diffs[0][0]}' -> '{diffs[0][1]}'"
    return None


# -- the comparison --

def _by_name(items: Iterable[T]) -> dict[str, T]:
    return {getattr(i, "name"): i for i in items}


def compare(old: m.API, new: m.API) -> Report:
    if old.library != new.library:
        raise ValueError(f"cannot compare different libraries: {old.library!r} and {new.library!r}")
    report = Report(old.version, new.version, library=new.library)
    add = report.changes.append
    renames: dict[str, str] = {}  # old type name -> new type name

    # Enums first: their renames feed every later signature comparison.
    olde, newe = _by_name(old.enums), _by_name(new.enums)
    gone = [olde[n] for n in sorted(olde.keys() - newe.keys())]
    came = [newe[n] for n in sorted(newe.keys() - olde.keys())]
    enum_pairs = _pair_renames(gone, came, lambda e: e.name, _enum_shape, _same_member_suffixes)
    paired_old = {o.name for o, _ in enum_pairs}
    paired_new = {n.name for _, n in enum_pairs}
    for o, n in enum_pairs:
        renames[o.name] = n.name
        fix = spelling_fix(o.name, n.name)
        add(Change("enum", n.name, "renamed", BREAKING, "same size and member values" + (f"; spelling fix {fix}" if fix else ""),
                   old_name=o.name))
        for om, nm in zip(o.members, n.members):
            if om.name != nm.name:
                add(Change("enum_member", nm.name, "renamed", BREAKING, f"value {nm.value}", old_name=om.name, parent=n.name))
        if fix:
            report.notes.append(f"quirk fixed: enum {o.name} was misspelled ({fix}); renamed to {n.name}")
    for e in gone:
        if e.name not in paired_old:
            add(Change("enum", e.name, "removed", BREAKING, f"{len(e.members)} members"))
    for e in came:
        if e.name not in paired_new:
            add(Change("enum", e.name, "added", ADDITIVE, f"{len(e.members)} members"))
    for name in sorted(olde.keys() & newe.keys()):
        _compare_enum(olde[name], newe[name], add)

    # Structs: renames by identical layout, then field by field.
    olds, news = _by_name(old.structs), _by_name(new.structs)
    gone_s = [olds[n] for n in sorted(olds.keys() - news.keys())]
    came_s = [news[n] for n in sorted(news.keys() - olds.keys())]
    struct_pairs = _pair_renames(gone_s, came_s, lambda s: s.name, lambda s: _struct_shape(_renamed_struct(s, renames)))
    for old_s, new_s in struct_pairs:
        renames[old_s.name] = new_s.name
        add(Change("struct", new_s.name, "renamed", BREAKING, "same layout", old_name=old_s.name))
    for s in gone_s:
        if s.name not in {a.name for a, _ in struct_pairs}:
            add(Change("struct", s.name, "removed", BREAKING, f"{s.size} bytes"))
    for s in came_s:
        if s.name not in {b.name for _, b in struct_pairs}:
            add(Change("struct", s.name, "added", ADDITIVE, f"{s.size} bytes, {len(s.fields)} fields"))
    for name in sorted(olds.keys() & news.keys()):
        _compare_struct(olds[name], news[name], renames, add)

    # Handles: opaque, so only presence matters.
    oldh, newh = _by_name(old.handles), _by_name(new.handles)
    for name in sorted(oldh.keys() - newh.keys()):
        add(Change("handle", name, "removed", BREAKING))
    for name in sorted(newh.keys() - oldh.keys()):
        add(Change("handle", name, "added", ADDITIVE))

    # Callback types.
    oldc, newc = _by_name(old.callbacks), _by_name(new.callbacks)
    for name in sorted(oldc.keys() - newc.keys()):
        add(Change("callback", name, "removed", BREAKING, _callback_sig(oldc[name])))
    for name in sorted(newc.keys() - oldc.keys()):
        add(Change("callback", name, "added", ADDITIVE, _callback_sig(newc[name])))
    for name in sorted(oldc.keys() & newc.keys()):
        a, b = oldc[name], newc[name]
        brk, addv = _param_changes(a.params, b.params, renames)
        if _spell(a.returns, renames) != _spell(b.returns, {}):
            brk.insert(0, f"return: {_spell(a.returns, renames)} -> {_spell(b.returns, {})}")
        if brk or addv:
            add(Change("callback", name, "changed", BREAKING if brk else ADDITIVE,
                       "; ".join(brk + addv) + f" (now: {_callback_sig(b)})"))

    # Functions.
    oldf, newf = _by_name(old.functions), _by_name(new.functions)
    for name in sorted(oldf.keys() - newf.keys()):
        add(Change("function", name, "removed", BREAKING, _sig(oldf[name])))
    for name in sorted(newf.keys() - oldf.keys()):
        add(Change("function", name, "added", ADDITIVE, _sig(newf[name])))
    for name in sorted(oldf.keys() & newf.keys()):
        _compare_function(oldf[name], newf[name], renames, add)

    # Exported variables.
    oldv, newv = _by_name(old.variables), _by_name(new.variables)
    for name in sorted(oldv.keys() - newv.keys()):
        add(Change("variable", name, "removed", BREAKING, _spell(oldv[name].type, {}, name)))
    for name in sorted(newv.keys() - oldv.keys()):
        add(Change("variable", name, "added", ADDITIVE, _spell(newv[name].type, {}, name)))
    for name in sorted(oldv.keys() & newv.keys()):
        a_t, b_t = _spell(oldv[name].type, renames, name), _spell(newv[name].type, {}, name)
        if a_t != b_t:
            add(Change("variable", name, "changed", BREAKING, f"{a_t} -> {b_t}"))

    report.notes[:0] = _quirk_notes(old, new)
    headers_added = sorted(set(new.headers) - set(old.headers))
    headers_removed = sorted(set(old.headers) - set(new.headers))
    if headers_added:
        report.notes.append("headers added: " + ", ".join(headers_added))
    if headers_removed:
        report.notes.append("headers removed: " + ", ".join(headers_removed))
    report.changes.sort(key=lambda c: (c.impact != BREAKING, KINDS.index(c.kind), c.change, c.name))
    return report


def _compare_enum(o: m.Enum, n: m.Enum, add: Callable[[Change], None]) -> None:
    if o.size != n.size:
        add(Change("enum", n.name, "changed", BREAKING, f"size {o.size} -> {n.size} bytes"))
    if o.tag_only != n.tag_only:
        add(Change("enum", n.name, "changed", BREAKING,
                   "now declared without typedef (C code must say `enum X`)" if n.tag_only else "now has a typedef name"))
    om, nm = {x.name: x for x in o.members}, {x.name: x for x in n.members}
    gone = [om[k] for k in om if k not in nm]
    came = [nm[k] for k in nm if k not in om]
    # A member that disappears while a similarly named one with the same value appears: renamed.
    pairs = _pair_renames(gone, came, lambda x: x.name, lambda x: x.value)
    for a, b in pairs:
        add(Change("enum_member", b.name, "renamed", BREAKING, f"value {b.value}", old_name=a.name, parent=n.name))
    paired_old, paired_new = {a.name for a, _ in pairs}, {b.name for _, b in pairs}
    for x in gone:
        if x.name not in paired_old:
            add(Change("enum_member", x.name, "removed", BREAKING, f"value {x.value}", parent=n.name))
    for x in came:
        if x.name not in paired_new:
            add(Change("enum_member", x.name, "added", ADDITIVE, f"value {x.value}", parent=n.name))
    for k in om.keys() & nm.keys():
        if om[k].value != nm[k].value:
            add(Change("enum_member", k, "changed", BREAKING, f"value {om[k].value} -> {nm[k].value}", parent=n.name))


def _renamed_struct(s: m.Struct, renames: dict[str, str]) -> m.Struct:
    s = copy.copy(s)
    s.fields = [m.Field(f.name, _renamed_type(f.type, renames), f.offset) for f in s.fields]
    return s


def _compare_struct(o: m.Struct, n: m.Struct, renames: dict[str, str], add: Callable[[Change], None]) -> None:
    of, nf = {f.name: f for f in o.fields}, {f.name: f for f in n.fields}
    moved = False
    for k in of.keys() & nf.keys():
        a, b = of[k], nf[k]
        if a.offset != b.offset:
            moved = True
            add(Change("field", f"{n.name}.{k}", "changed", BREAKING, f"offset {a.offset} -> {b.offset}", parent=n.name))
        ta, tb = _spell(a.type, renames), _spell(b.type, {})
        if ta != tb:
            add(Change("field", f"{n.name}.{k}", "changed", BREAKING, f"type {ta} -> {tb}", parent=n.name))
    for k in of:
        if k not in nf:
            add(Change("field", f"{n.name}.{k}", "removed", BREAKING, _spell(of[k].type, renames, k), parent=n.name))
    # A new field is harmless only when it fills padding: same size, nothing else moved.
    fills_padding = o.size == n.size and not moved
    for k in nf:
        if k not in of:
            add(Change("field", f"{n.name}.{k}", "added", ADDITIVE if fills_padding else BREAKING,
                       f"{_spell(nf[k].type, {}, k)} at offset {nf[k].offset}", parent=n.name))
    if o.size != n.size:
        add(Change("struct", n.name, "changed", BREAKING, f"size {o.size} -> {n.size} bytes"))
    elif o.align != n.align:
        add(Change("struct", n.name, "changed", BREAKING, f"alignment {o.align} -> {n.align}"))


def _compare_function(o: m.Function, n: m.Function, renames: dict[str, str], add: Callable[[Change], None]) -> None:
    brk, addv = _param_changes(o.params, n.params, renames)
    ra, rb = _spell(o.returns, renames), _spell(n.returns, {})
    if ra != rb:
        brk.insert(0, f"return: {ra} -> {rb}")
    if o.variadic != n.variadic:
        brk.append("became variadic (...)" if n.variadic else "no longer variadic")
    if brk or addv:
        add(Change("function", n.name, "changed", BREAKING if brk else ADDITIVE,
                   "; ".join(brk + addv) + f" (was: {_sig(o)}; now: {_sig(n)})"))


def _quirk_notes(old: m.API, new: m.API) -> list[str]:
    notes = []
    key = lambda q: (q.kind, q.name)  # noqa: E731
    old_q, new_q = {key(q): q for q in old.quirks}, {key(q): q for q in new.quirks}
    for k in sorted(old_q.keys() & new_q.keys()):
        notes.append(f"quirk in both: {k[0]} {k[1]}: {new_q[k].detail}")
    for k in sorted(old_q.keys() - new_q.keys()):
        notes.append(f"quirk fixed: {k[0]} {k[1]} (in {old.version or 'OLD'}: {old_q[k].detail})")
    for k in sorted(new_q.keys() - old_q.keys()):
        notes.append(f"quirk new: {k[0]} {k[1]}: {new_q[k].detail}")
    return notes


# -- output --

def to_json(report: Report) -> str:
    data = {"library": report.library, "old_version": report.old_version, "new_version": report.new_version,
            "breaking": len(report.breaking), "additive": len(report.additive),
            "changes": [asdict(c) for c in report.changes], "notes": list(report.notes)}
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _line(c: Change) -> str:
    what = f"`{c.old_name}` -> `{c.name}`" if c.old_name else f"`{c.name}`"
    return f"- {c.change} {what}" + (f": {c.detail}" if c.detail else "")


def to_markdown(report: Report) -> str:
    lib = f"{report.library} " if report.library else ""
    lines = [f"# API diff {lib}{report.old_version or 'OLD'} -> {report.new_version or 'NEW'}", "",
             f"{len(report.changes)} changes: {len(report.breaking)} breaking, {len(report.additive)} additive.", ""]
    for impact, title in ((BREAKING, "Breaking changes"), (ADDITIVE, "Additive changes")):
        chosen = [c for c in report.changes if c.impact == impact]
        if not chosen:
            continue
        lines += [f"## {title}", ""]
        for kind in KINDS:
            of_kind = [c for c in chosen if c.kind == kind]
            if not of_kind:
                continue
            counts = ", ".join(f"{sum(1 for c in of_kind if c.change == ch)} {ch}"
                               for ch in ("added", "removed", "changed", "renamed") if any(c.change == ch for c in of_kind))
            lines += [f"### {_TITLES[kind]} ({counts})", ""]
            lines += [_line(c) for c in of_kind]
            lines.append("")
    if report.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in report.notes] + [""]
    if not report.changes:
        lines += ["No signature-level changes.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
