"""Renders the docs of the runtimes' own public types (bindgen/libraries/docs/runtime.toml).

The runtimes (Python `genai_interop_runtime`, C# `OpenVINO.Interop`) are hand-written, one copy per language,
and every binding's user meets some of their types: the stream a `stream()` / `Stream()` returns, `MeanStdPair`,
the error classes, the members every handle class inherits (`close` / `Dispose`, ...). What those say is data,
one text for both languages, as for the bindings' hand-written classes (bindgen/docs.py): entries keyed by the
Python name, `csharp_name` where C# names a class or member otherwise, `only` for what one language alone has.
This renders the entries into the XML file the C# runtime's `/// <include/>`s select from and the table the
Python runtime's `@documented` classes take their docstrings from. Every emitted line lives in a template.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from .. import docs as docsmod
from . import environment, xmldoc
from .csharp import MARKER
from .csharp.classes import member_doc_view
from .csharp.views import HandDocView

DOCS_DIR = Path(__file__).resolve().parent.parent / "libraries" / "docs"
CSHARP_FILE = "RuntimeDocs.g.xml"
PYTHON_FILE = "_docs.py"


def load(name: str) -> docsmod.Docs:
    path = DOCS_DIR / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in DOCS_DIR.glob("*.toml")))
        raise docsmod.DocsError(f"{path}: no such docs data (known: {known})")
    return docsmod.load(path)


def csharp_class(cname: str, cdoc: docsmod.ClassDoc) -> str:
    """C#'s name of a runtime class (without type parameters): `Handle` -> `NativeObject`."""
    return cdoc.csharp_name or cname


def csharp_refs(d: docsmod.Docs, own: str = "") -> dict[str, str]:
    """Names docs text quotes in backticks (as Python spells them) -> how C# shows them (code, "c:..."): a class
    by its C# name, `Class.member` by C#'s, and, within class `own`, a bare member name by C#'s."""
    refs: dict[str, str] = {}
    for cname, cdoc in d.classes.items():
        cs = csharp_class(cname, cdoc)
        refs[cname] = f"c:{cs}"
        for key, m in cdoc.members.items():
            if m.in_language("csharp") and key != docsmod.CONSTRUCTOR:
                refs[f"{cname}.{key}"] = f"c:{cs}.{docsmod.csharp_member(key, m)}"
                if cname == own:
                    refs[key] = f"c:{docsmod.csharp_member(key, m)}"
    return refs


def csharp_views(d: docsmod.Docs) -> list[HandDocView]:
    views = []
    for cname, cdoc in d.classes.items():
        if not cdoc.in_language("csharp"):
            continue
        refs = csharp_refs(d, cname)
        views.append(HandDocView(cname, xmldoc(cdoc.doc, refs)))
        for key, m in cdoc.members.items():
            if not m.in_language("csharp"):
                continue
            views.append(member_doc_view(f"{cname}.{key}", m, refs))
    return views


def python_entries(d: docsmod.Docs) -> list[tuple[str, object, dict[str, str]]]:
    out: list[tuple[str, object, dict[str, str]]] = []
    for cname, cdoc in d.classes.items():
        if not cdoc.in_language("python"):
            continue
        out.append((cname, cdoc, {}))
        out += [(f"{cname}.{key}", m, m.params_in("python")) for key, m in cdoc.members.items() if m.in_language("python")]
    return out


def render(name: str, lang: str) -> dict[str, str]:
    """The files of docs data `name` for `lang` ("csharp": the XML file; "cffi": the Python table)."""
    d = load(name)
    source = SimpleNamespace(library=name)
    if lang == "csharp":
        env = environment("csharp")
        text = env.get_template("HandWrittenDocs.g.xml.j2").render(
            marker=MARKER, api=source, ns="the runtime OpenVINO.Interop", hand_docs=csharp_views(d),
            docs_file=CSHARP_FILE, example="Handle.close")
        return {CSHARP_FILE: text}
    if lang == "cffi":
        env = environment("cffi")
        env.filters["pystr"] = repr
        text = env.get_template("_docs.py.j2").render(api=source, package="genai_interop_runtime",
                                                      hand_docs=python_entries(d))
        return {PYTHON_FILE: text}
    raise ValueError(f"runtime docs: no renderer for lang {lang!r} (csharp, cffi)")
