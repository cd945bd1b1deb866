"""Docs as data for the runtimes' own public types (bindgen/libraries/docs/runtime.toml): the types a binding's
user meets that come from the hand-written runtimes (Python `genai_interop_runtime`, C# `OpenVINO.Interop`): the
stream of a `stream()` / `Stream()`, `MeanStdPair`, the error classes, what every class owning a native object
inherits. One text for both languages: C# declarations `/// <include/>` the rendered
csharp/OpenVINO.Interop/Generated/RuntimeDocs.g.xml, Python classes are `@documented` from the rendered
genai_interop_runtime/_docs.py. Checked here: every public member of those classes in either language has an entry
(with its parameters), no entry is stale, every runtime class the GenAI package exports has one, and the same
words reach C#'s compiled XML docs and Python's help()."""
from __future__ import annotations

import importlib
import inspect
import pydoc
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Optional

import pytest

from bindgen import docs
from bindgen.emit import runtime_docs
from test_docs import (INCLUDE, include_problems, _cs_member, _cs_params, _declaration, _doc_blocks, _plain_words, _xml_plain_words,
                       python_docstrings_in_code)

REPO = Path(__file__).resolve().parents[1]
RUNTIME_CS = REPO / "csharp" / "OpenVINO.Interop"
PY_MODULES = ["errors", "handles", "results", "callbacks", "values"]
DOCS_FILE = "Generated/RuntimeDocs.g.xml"
# Python dunders a user calls through syntax (`with`, `for`, `str()`, ...): documented like public members.
USER_DUNDERS = {"__init__", "__enter__", "__exit__", "__iter__", "__next__", "__str__", "__eq__", "__len__",
                "__bool__", "__getitem__", "__add__"}
# .NET members whose docs are .NET's own (`<inheritdoc/>`): overrides of object's and IEquatable's.
INHERITED = {"Equals", "GetHashCode"}
# Runtime classes the GenAI package exports that are Python's own plumbing, with no C# twin (so no second text to
# agree with): their docstrings stay in code.
PYTHON_PLUMBING = {"Native": "the loaded library (cffi's ffi/lib, mode, version): what `load()` returns",
                   "SupportsCPointer": "a typing Protocol for objects with a `c_pointer`"}


def _docs() -> docs.Docs:
    return runtime_docs.load("runtime")


def _python_class(name: str) -> Optional[type]:
    for module in PY_MODULES:
        cls = vars(importlib.import_module(f"genai_interop_runtime.{module}")).get(name)
        if inspect.isclass(cls):
            return cls
    return None


def _python_members(cls: type) -> dict[str, Optional[list[str]]]:
    """Public members a class defines itself: name -> the parameters a caller passes (None: an attribute)."""
    out: dict[str, Optional[list[str]]] = {}
    for name, value in vars(cls).items():
        if name.startswith("_") and name not in USER_DUNDERS:
            continue
        func = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
        if inspect.isfunction(func):
            params = list(inspect.signature(func).parameters)
            out[name] = params if isinstance(value, staticmethod) else params[1:]  # without self / cls
        elif isinstance(value, property):
            out[name] = []
        elif name in getattr(cls, "_fields", ()):  # a named tuple's field
            out[name] = None
    init = vars(cls).get("__init__")
    if inspect.isfunction(init):
        for attr in re.findall(r"self\.([a-z]\w*)(?:: [^=\n]+)? = ", inspect.getsource(init)):
            out.setdefault(attr, None)
    return out


def _cs_file(cname: str, cdoc: docs.ClassDoc) -> Path:
    return RUNTIME_CS / f"{runtime_docs.csharp_class(cname, cdoc)}.cs"


def csharp_problems(d: docs.Docs, files: Optional[dict[str, Path]] = None) -> tuple[list[str], dict[str, list[str]]]:
    """Each public declaration of the C# files of the documented classes: its docs are one include of the rendered
    file naming its entry (the class's key; the member's C# name derived from the key) and selecting exactly its
    parameters, plus <typeparam>s; or <inheritdoc/> for a .NET override. Returns (problems, key -> where used)."""
    problems: list[str] = []
    used: dict[str, list[str]] = {}
    by_cs = {runtime_docs.csharp_class(k, c): k for k, c in d.classes.items() if c.in_language("csharp")}
    for cname, cdoc in d.classes.items():
        if not cdoc.in_language("csharp"):
            continue
        path = (files or {}).get(cname, _cs_file(cname, cdoc))
        if not path.is_file():
            problems.append(f"[{cname}]: no C# file {path.name} for its C# type")
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for line_no, doc, decl in _doc_blocks(path):
            if not decl.startswith("public"):
                continue  # protected and private members keep their docs in code
            start = next(i for i in range(line_no - 1, len(lines)) if lines[i].strip() == decl)
            decl = _declaration(lines, start)
            where = f"{path.name}:{line_no} ({decl[:70]})"
            cs_cls = re.findall(r"\b(?:class|struct) (\w+)", "\n".join(lines[:start + 1]))[-1]
            member = _cs_member(decl, cs_cls)
            own = [line for line in doc.strip().splitlines() if not line.strip().startswith("<typeparam ")]
            if member in INHERITED and own == ["<inheritdoc/>"]:
                continue
            include = INCLUDE.match("\n".join(own).strip())
            if include is None or len(own) != 1:
                problems.append(f"{where}: its docs are not one <include> of the runtime's docs data "
                                f"(bindgen/libraries/docs/runtime.toml)")
                continue
            if include["file"] != DOCS_FILE:
                problems.append(f"{where}: includes {include['file']}")
            key = include["key"]
            owner, _, mkey = key.partition(".")
            if by_cs.get(cs_cls) != owner:
                problems.append(f"{where}: includes [{key}], but {cs_cls} is documented by [{by_cs.get(cs_cls)}]")
                continue
            if member is None:
                if mkey:
                    problems.append(f"{where}: a type including a member's entry [{key}]")
                else:
                    used.setdefault(key, []).append(where)
                continue
            entry = d.classes[owner].members.get(mkey)
            if entry is None or not entry.in_language("csharp"):
                problems.append(f"{where}: no docs entry [{key}] for C#")
                continue
            problems += include_problems(where, key, mkey, entry, member, include["params"], decl)
            used.setdefault(key, []).append(where)
    return problems, used


def python_problems(d: docs.Docs) -> tuple[list[str], set[str]]:
    """Each public member of the documented Python classes has an entry for Python with its parameters; returns
    (problems, the keys seen)."""
    problems: list[str] = []
    seen: set[str] = set()
    for cname, cdoc in d.classes.items():
        if not cdoc.in_language("python"):
            continue
        cls = _python_class(cname)
        if cls is None:
            problems.append(f"[{cname}]: no such class in genai_interop_runtime ({', '.join(PY_MODULES)})")
            continue
        seen.add(cname)
        for mname, params in _python_members(cls).items():
            entry = cdoc.members.get(mname)
            if entry is None or not entry.in_language("python"):
                problems.append(f"Python {cname}.{mname}: no docs entry for Python")
                continue
            seen.add(f"{cname}.{mname}")
            if params is not None and set(params) != set(entry.params_in("python")):
                problems.append(f"Python {cname}.{mname}: parameters {params}, documented {sorted(entry.params_in('python'))}")
    return problems, seen


def test_every_public_member_of_the_runtime_types_has_an_entry_in_both_languages() -> None:
    d = _docs()
    problems, used = csharp_problems(d)
    py_problems, seen = python_problems(d)
    problems += py_problems
    for cname, cdoc in d.classes.items():
        keyed: list[tuple[str, Any]] = [(cname, cdoc)] + [(f"{cname}.{k}", m) for k, m in cdoc.members.items()]
        for key, entry in keyed:
            if cdoc.in_language("csharp") and entry.in_language("csharp") and key not in used:
                problems.append(f"stale for C#: [{key}] (no C# declaration includes it)")
            if cdoc.in_language("python") and entry.in_language("python") and key not in seen:
                problems.append(f"stale for Python: [{key}] (no Python member has it)")
    assert problems == [], "\n".join(problems)
    # Not vacuous: what the issue names is among what was checked, in both languages.
    for key in ("Handle.close", "Handle.closed", "Stream.results", "Stream.__iter__", "MeanStdPair.mean",
                "NativeStatusError.status", "InvalidValueError.rule", "UnknownValueError", "StaleValueError",
                "NoTokenLimitError", "NeedsNewerLibrary.required"):
        assert key in used and key in seen, key
    assert "Handle.__enter__" in seen and "Stream.perf_metrics" in used and len(used) > 30


def test_every_runtime_class_the_genai_package_exports_is_documented_as_data() -> None:
    import openvino_genai_cffi as g
    d = _docs()
    exported = {name for name in g.__all__ if inspect.isclass(getattr(g, name))
                and getattr(g, name).__module__.startswith("genai_interop_runtime.")}
    assert {"Stream", "Handle", "MeanStdPair", "UnknownValueError"} <= exported
    assert exported - set(d.classes) == set(PYTHON_PLUMBING)
    for name in PYTHON_PLUMBING:  # documented in code
        assert (getattr(g, name).__doc__ or "").strip(), name


def test_documented_runtime_classes_write_no_docstrings_of_their_own() -> None:
    modules = [REPO / "python" / "genai_interop_runtime" / f"{m}.py" for m in PY_MODULES]
    written = [f"{m.name}: {w}" for m in modules for w in python_docstrings_in_code(m.read_text(encoding="utf-8"))]
    assert written == [], "their text belongs in bindgen/libraries/docs/runtime.toml:\n" + "\n".join(written)


def test_the_check_sees_a_missing_wrong_or_stale_entry(tmp_path: Path) -> None:
    d = _docs()
    source = (RUNTIME_CS / "NativeObject.cs").read_text(encoding="utf-8")
    dispose = "/// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name=\"Handle.close\"]/*'/>"
    assert dispose in source
    bad = tmp_path / "NativeObject.cs"
    for replacement, message in [
            (dispose.replace("Handle.close", "Handle.closes"), "no docs entry [Handle.closes]"),
            (dispose.replace("Handle.close", "Handle.closed"), "[Handle.closed] documents IsDisposed, not Dispose"),
            (dispose.replace("Handle.close", "Stream.close"), "includes [Stream.close], but NativeObject is documented by [Handle]"),
            ("/// <summary>Releases it.</summary>", "not one <include> of the runtime's docs data")]:
        bad.write_text(source.replace(dispose, replacement), encoding="utf-8")
        problems, _ = csharp_problems(d, {"Handle": bad})
        assert any(message in p and "Dispose()" in p for p in problems), problems
    # A Python member without an entry, and an entry naming no member.
    changed = docs.Docs(d.path, dict(d.classes))
    handle = d.classes["Handle"]
    members = {k: m for k, m in handle.members.items() if k != "c_pointer"}
    members["reopen"] = handle.members["closed"]
    changed.classes["Handle"] = docs.ClassDoc(handle.doc, members, csharp_name=handle.csharp_name)
    problems, seen = python_problems(changed)
    assert "Python Handle.c_pointer: no docs entry for Python" in problems and "Handle.reopen" not in seen


def _cs_id(name: str) -> str:
    """A compiled XML doc id without its kind, type-parameter counts and parameters."""
    return re.sub(r"`+\d+", "", name.split("(")[0].partition(":")[2])


def _cs_ids(d: docs.Docs, cname: str, mkey: str) -> set[str]:
    cdoc = d.classes[cname]
    cls = f"OpenVINO.Interop.{runtime_docs.csharp_class(cname, cdoc)}"
    if not mkey:
        return {cls}
    member = docs.csharp_member(mkey, cdoc.members[mkey])
    return {f"{cls}.{ {'<ctor>': '#ctor', 'this[]': 'Item'}.get(member, member)}"}


def test_runtime_docs_reach_csharp_and_python_alike(tmp_path: Path) -> None:
    # One text, two languages: for each entry, the words of C#'s compiled XML docs (summary and each parameter)
    # and of Python's help() are the entry's own (code spans aside, which each language spells its own way).
    from support import dotnet
    root = ET.parse(dotnet.build_runtime(tmp_path).with_suffix(".xml")).getroot()
    assert "<include" not in ET.tostring(root, encoding="unicode")  # every include found its entry
    compiled = {m.get("name") or "": m for m in root.iter("member")}
    d = _docs()
    _, used = csharp_problems(d)
    both = 0
    for cname, cdoc in d.classes.items():
        cls = _python_class(cname) if cdoc.in_language("python") else None
        for mkey, entry in [("", cdoc)] + list(cdoc.members.items()):
            key = f"{cname}.{mkey}" if mkey else cname
            expected = _plain_words(entry.doc)
            in_cs = in_py = False
            if key in used:
                names = [n for n in compiled if _cs_id(n) in _cs_ids(d, cname, mkey)]
                assert names, key
                for n in names:
                    assert _xml_plain_words(compiled[n].find("summary")) == expected, (key, n)
                    for p in compiled[n].iter("param"):
                        pkey = next(k for k in entry.params if docs.csharp_param(k) == p.get("name"))
                        assert _xml_plain_words(p) == _plain_words(entry.params[pkey]), (key, n, pkey)
                in_cs = True
            if cls is not None and entry.in_language("python"):
                target = vars(cls).get(mkey, cls) if mkey else cls  # an attribute: listed in the class's docs
                if isinstance(target, (staticmethod, classmethod)):
                    target = target.__func__
                shown = " ".join(_plain_words(pydoc.render_doc(target, renderer=pydoc.plaintext)
                                              if inspect.isclass(target) or inspect.isfunction(target) else target.__doc__))
                assert " ".join(expected) in shown, (key, shown[:400])
                for pkey, ptext in (entry.params_in("python").items() if isinstance(entry, docs.MemberDoc) else ()):
                    assert " ".join([pkey] + _plain_words(ptext)) in shown, (key, pkey)
                in_py = True
            both += in_cs and in_py
    assert both > 20
    # What a GenAI user reads: help() on a pipeline shows the inherited close(); C#'s XML has NativeObject.Dispose.
    import openvino_genai_cffi as g
    shown = " ".join(pydoc.render_doc(g.LLMPipeline, renderer=pydoc.plaintext).split())
    assert " ".join(d.classes["Handle"].members["close"].doc.split()[:8]) in shown
    assert " ".join(_plain_words(d.classes["Handle"].members["close"].doc)) == " ".join(
        _xml_plain_words(compiled["M:OpenVINO.Interop.NativeObject.Dispose"].find("summary")))


@pytest.mark.parametrize("text, message", [
    ('[Handle]\ndoc = "x"\nonly = "java"\n', "only: expected one of csharp, python"),
    ('[Handle]\ndoc = "x"\ncsharp_name = 1\n', "csharp_name: expected str"),
])
def test_the_loader_refuses_bad_class_keys(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "runtime.toml"
    path.write_text(text)
    with pytest.raises(docs.DocsError, match=re.escape(message)):
        docs.load(path)


def test_a_value_class_validate_says_the_same_in_both_languages() -> None:
    # The runtime implements validate / Validate (ValueObject); the value classes re-declare it so that a user reads
    # the docs data's entry there, in both languages, and runtime names in it read as each language names them.
    import openvino_genai_cffi as g
    from support import dotnet
    compiled = {m.get("name"): m for m in ET.parse(dotnet.build_library().with_suffix(".xml")).getroot().iter("member")}
    d = docs.load(REPO / "bindgen" / "libraries" / "docs" / "genai.toml")
    for cname in ("GenerationConfig", "WhisperGenerationConfig"):
        entry = d.classes[cname].members["validate"]
        member = compiled[f"M:OpenVINO.GenAI.{cname}.Validate"]
        assert _xml_plain_words(member.find("summary")) == _plain_words(entry.doc), cname
        assert "InvalidValueException" in "".join(member.itertext())
        shown = " ".join(_plain_words(pydoc.render_doc(getattr(g, cname).validate, renderer=pydoc.plaintext)))
        assert " ".join(_plain_words(entry.doc)) in shown and " ".join(_plain_words(entry.raises)) in shown, cname
        assert "InvalidValueError" in (getattr(g, cname).validate.__doc__ or "")


def test_the_bindings_error_classes_say_what_the_runtime_says() -> None:
    # Each binding's own error classes (generated: Python's NativeStatusError, LibraryNotFoundError, NativeBuildError
    # of every package, C#'s GenAIException) render the runtime's entries: the same words as the runtime's classes.
    import openvino_cffi
    import openvino_genai_cffi as g
    from genai_interop_runtime import errors
    from support import dotnet
    d = _docs()
    compiled = {m.get("name"): m for m in ET.parse(dotnet.build_library().with_suffix(".xml")).getroot().iter("member")}
    status = d.classes["NativeStatusError"]
    assert _xml_plain_words(compiled["T:OpenVINO.GenAI.GenAIException"].find("summary")) == _plain_words(status.doc)
    for name in ("NativeStatusError", "LibraryNotFoundError", "NativeBuildError"):
        expected = " ".join(_plain_words(d.classes[name].doc))
        for cls in (getattr(g, name), getattr(openvino_cffi, name), getattr(errors, name)):
            assert expected in " ".join(_plain_words(cls.__doc__ or "")), (cls.__module__, name)
    shown = " ".join(_plain_words(g.StatusError.__mro__[1].__doc__ or ""))
    assert " ".join(["status_name"] + _plain_words(status.members["status_name"].doc)) in shown
