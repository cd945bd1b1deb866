"""API differences between two models, classified breaking or additive."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from . import model as m

BREAKING = "breaking"
ADDITIVE = "additive"


@dataclass
class Change:
    kind: str  # "function", "enum", "enum_member", "struct", "field", "callback", "handle"
    name: str
    change: str  # "added", "removed", "changed"
    impact: str  # BREAKING or ADDITIVE
    detail: str = ""


@dataclass
class Report:
    old_version: str | None
    new_version: str | None
    changes: list[Change] = field(default_factory=list)

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.impact == BREAKING]


def _sig(fn: m.Function) -> str:
    params = ", ".join(p.type.c_spelling() for p in fn.params) + (", ..." if fn.variadic else "")
    return f"{fn.returns.c_spelling()} {fn.name}({params})"


def compare(old: m.API, new: m.API) -> Report:
    report = Report(old.version, new.version)
    add = report.changes.append
    olds, news = {f.name: f for f in old.functions}, {f.name: f for f in new.functions}
    for name in sorted(olds.keys() - news.keys()):
        add(Change("function", name, "removed", BREAKING, _sig(olds[name])))
    for name in sorted(news.keys() - olds.keys()):
        add(Change("function", name, "added", ADDITIVE, _sig(news[name])))
    for name in sorted(olds.keys() & news.keys()):
        a, b = _sig(olds[name]), _sig(news[name])
        if a != b:
            add(Change("function", name, "changed", BREAKING, f"{a} -> {b}"))
    return report


def to_json(report: Report) -> str:
    data = {"old_version": report.old_version, "new_version": report.new_version,
            "breaking": len(report.breaking), "changes": [asdict(c) for c in report.changes]}
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def to_markdown(report: Report) -> str:
    lines = [f"# API diff {report.old_version} -> {report.new_version}", "",
             f"{len(report.changes)} changes, {len(report.breaking)} breaking.", ""]
    for c in report.changes:
        lines.append(f"- **{c.impact}** {c.kind} `{c.name}` {c.change}" + (f": `{c.detail}`" if c.detail else ""))
    return "\n".join(lines) + "\n"
