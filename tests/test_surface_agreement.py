"""C# and Python expose the same classes and members, each named by its language's conventions:
both emitters render one binding model (bindgen/binding.py). Checked on the committed GenAI and
core snapshots and the fixture; the only difference allowed is a C# member the safe layer leaves
raw (listed with its reason in the class's RawOnly), which Python may still offer."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bindgen import conventions as conv
from bindgen import library as libmod
from bindgen import parser, snapshot
from bindgen.emit import cffi, csharp

ACME = Path(__file__).parent / "fixtures" / "acme"


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _conventions(which: str) -> conv.Conventions:
    if which == "acme":
        lib = libmod.load(str(ACME / "acme.toml"))
        return conv.infer(parser.parse(parser.resolve_header_set([ACME], lib), lib), lib)
    lib = libmod.load(which)
    return conv.infer(snapshot.load(snapshot.embedded(which, "2026.3.0.0" if which == "genai" else None)), lib)


def _csharp(c: conv.Conventions) -> tuple[dict[str, dict[str, tuple[str, str]]], dict[str, str]]:
    """handle -> {C function: (kind, snake_case name)}, and every raw-only function -> reason."""
    b = csharp.Builder(c.api, c)
    b.build_types()
    b.raw_functions()
    b.handle_views()
    b.foreign_views()
    members: dict[str, dict[str, tuple[str, str]]] = {}
    raw_only: dict[str, str] = {}
    kinds = {"ctor": "constructor", "factory": "factory", "method": "method", "callback_method": "method",
             "property": "property"}
    for cls in b.build_classes():
        raw_only.update(dict(cls.raw_only))
        out = members.setdefault(cls.c_handle or "", {})
        for mem in cls.members:
            kind = "static" if cls.static else kinds[mem.kind]
            name = "create" if mem.kind == "ctor" else _snake(mem.name)
            for call in (mem.call, mem.getter, mem.setter):
                if call is not None:
                    out[call.c_name] = (kind, name)
    return members, raw_only


def _python(c: conv.Conventions) -> dict[str, dict[str, tuple[str, str]]]:
    b = cffi.Builder(c.api, c)
    b.build_enums()
    b.build_structs()
    b.build_callbacks()
    members: dict[str, dict[str, tuple[str, str]]] = {}
    for cls in b.build_classes():
        out = members.setdefault(cls.c_name, {})
        if cls.init is not None:
            out[cls.init.c_name] = ("constructor", "create")
        for f in cls.creators:
            out[f.c_name] = ("factory", f.py)
        for p in cls.properties:
            for f in (p.getter, p.setter):
                if f is not None:
                    out[f.c_name] = ("property", p.py)
        for f in cls.methods:
            out[f.c_name] = ("method", f.py)
        for f in cls.methods:  # a method joining another is called through it (generate(history))
            for a in f.alternatives:
                out[a.c_name] = ("method", f.py)
    members[""] = {f.c_name: ("static", f.py) for f in b.statics()}
    return members


@pytest.mark.parametrize("which", ["genai", "core", "acme"])
def test_csharp_and_python_expose_the_same_members(which: str) -> None:
    c = _conventions(which)
    cs, raw_only = _csharp(c)
    py = _python(c)
    differences = []
    for handle in sorted(set(cs) | set(py)):
        a, b = cs.get(handle, {}), py.get(handle, {})
        for function in sorted(set(a) | set(b)):
            if function in raw_only and function not in a:
                continue  # C# binds it raw only (the reason is in RawOnly); Python may offer it
            got_cs, got_py = a.get(function), b.get(function)
            if got_cs is None or got_py is None or got_cs[0] != got_py[0] \
                    or got_cs[1].rstrip("_") != got_py[1].rstrip("_"):
                differences.append(f"{handle or 'statics'}: {function}: C# {got_cs}, Python {got_py}")
    assert differences == []


def test_the_agreement_check_sees_a_difference() -> None:
    # The comparison is not vacuous: the getter of a new object is a method pair in both, and the
    # array property a property in both (they used to differ).
    c = _conventions("genai")
    cs, _ = _csharp(c)
    py = _python(c)
    get = "ov_genai_llm_pipeline_get_generation_config"
    assert cs["ov_genai_llm_pipeline"][get] == py["ov_genai_llm_pipeline"][get] == ("method", "get_generation_config")
    stop = "ov_genai_generation_config_set_stop_strings"
    assert cs["ov_genai_generation_config"][stop] == py["ov_genai_generation_config"][stop] == ("property", "stop_strings")


def test_result_classes_agree() -> None:
    # Results and metrics ([conventions.results] / [conventions.metrics]): the same classes and fields in
    # both languages; Python reads a metric with get_<name>(), C# with the property <Name>.
    c = _conventions("genai")
    b = csharp.Builder(c.api, c)
    b.build_types()
    b.raw_functions()
    b.handle_views()
    b.foreign_views()
    b.build_classes()
    cs = {v.name: {f.key: _snake(f.name) for f in v.fields if f.how != "string"} for v in b.result_classes}
    p = cffi.Builder(c.api, c)
    p.build_enums()
    p.build_structs()
    p.build_callbacks()
    py = {v.py: {f.py: f.py for f in v.fields if f.how != "string"} for v in p.build_result_classes(p.build_classes())}
    assert cs == py
    assert set(cs) == {"DecodedResults", "VLMDecodedResults", "WhisperDecodedResults", "WhisperDecodedResultChunk",
                       "PerfMetrics"}
    assert cs["PerfMetrics"]["num_generated_tokens"] == "num_generated_tokens"
def test_value_classes_have_the_same_fields_in_both_languages() -> None:
    # GenerationConfig / WhisperGenerationConfig (binding model ValueClass): the same fields, each in its
    # language's spelling, and the same upstream defaults.
    c = _conventions("genai")
    cb = csharp.Builder(c.api, c)
    cb.build_types()
    cb.raw_functions()
    cb.handle_views()
    cb.foreign_views()
    cs_views = {v.c_handle: v for v in cb.value_class_views(cb.build_classes())}
    pb = cffi.Builder(c.api, c)
    pb.build_enums()
    pb.build_structs()
    pb.build_callbacks()
    pb.build_classes()
    py_views = {v.c_name: v for v in pb.value_class_views()}
    assert set(cs_views) == set(py_views) == {"ov_genai_generation_config", "ov_genai_whisper_generation_config"}
    for handle, py in py_views.items():
        cs = cs_views[handle]
        assert cs.name == py.py
        assert [_snake(f.prop) for f in cs.fields] == [f.py for f in py.fields]
        assert [f.name for f in cs.fields] == [f.py for f in py.fields]
        assert [r[0] for r in cs.rules] == [r[0] for r in py.rules]
        assert [_snake(p[0]) for p in cs.predicates] == [p[0] for p in py.predicates]
        assert [(_snake(s[0]), s[2]) for s in cs.setters] == [(s[0], s[1]) for s in py.setters]
    assert len(py_views["ov_genai_generation_config"].predicates) == 5
    assert [s[0] for s in py_views["ov_genai_generation_config"].setters] == ["set_eos_token_id"]


# Python's data model methods and the C# member each one is ([python] / [csharp] hand_values).
_DUNDERS = {"__init__": "<ctor>", "__len__": "Count", "__bool__": "IsEmpty", "__getitem__": "this[]",
            "__iter__": "GetEnumerator", "__eq__": "Equals", "__repr__": "ToString"}
# C# members without a Python twin of their own, and why.
_CSHARP_ONLY = {"GetHashCode": "goes with Equals in .NET (Python sets __hash__ = None: a mutable value)"}


def _csharp_public_members(source: str, cls: str) -> set[str]:
    """The public members of one hand-written C# class: names, `<ctor>` and `this[]`."""
    names = set()
    for line in source.splitlines():
        m = re.match(r"\s+public (?:override |static |sealed )*(?:(?P<ctor>" + cls + r")\(|[\w<>\[\], .?]+? (?P<name>this\[|\w+(?=\s*(?:\(|$|\{))))", line)
        if m and "class " not in line:
            names.add("<ctor>" if m.group("ctor") else "this[]" if m.group("name") == "this[" else m.group("name"))
    return names


def test_hand_written_value_classes_have_the_same_members_in_both_languages() -> None:
    # ChatHistory is hand-written in each language ([python] hand_values, [csharp] hand_values: a plain value,
    # the native history made at call time): the same members, each spelt the language's way.
    import importlib

    lib = libmod.load("genai")
    assert set(lib.python.hand_values) == set(lib.csharp.hand_values) != set()
    for handle, spec in lib.python.hand_values.items():
        module, _, name = spec.partition(":")
        py_cls = getattr(importlib.import_module(f"{lib.python.package}.{module}"), name)
        cs_name = lib.csharp.hand_values[handle]
        source = (Path(__file__).resolve().parent.parent / "csharp" / lib.csharp.namespace / f"{cs_name}.cs").read_text()
        cs = _csharp_public_members(source, cs_name)
        py = {n for n in vars(py_cls) if not n.startswith("_")} | {d for d in _DUNDERS if d in vars(py_cls)}
        expected_cs = {_DUNDERS.get(n) or "".join(p.capitalize() for p in n.split("_")) for n in py} | set(_CSHARP_ONLY)
        assert cs == expected_cs, (f"{cs_name}: only in C#: {sorted(cs - expected_cs)}; "
                                   f"missing in C#: {sorted(expected_cs - cs)}")
        assert "IDisposable" not in source and "Dispose()" not in source.replace("old.Dispose()", "").replace(
            "made.Dispose()", ""), f"{cs_name} is a plain value: nothing to dispose"


def test_hand_written_helpers_have_the_same_members_in_both_languages() -> None:
    # The chat helper and the streamer base ([python] exports: ChatSession, StreamerBase) are hand-written in
    # each language too.
    import importlib
    import inspect

    lib = libmod.load("genai")
    assert lib.python.exports
    for spec in lib.python.exports:
        module, _, name = spec.partition(":")
        py_cls = getattr(importlib.import_module(f"{lib.python.package}.{module}"), name)
        source = (Path(__file__).resolve().parent.parent / "csharp" / lib.csharp.namespace / f"{name}.cs").read_text()
        cs = _csharp_public_members(source, name)
        init = vars(py_cls).get("__init__")  # (StreamerBase has none of its own)
        attributes = set(re.findall(r"self\.([a-z]\w*) = ", inspect.getsource(init))) if init else set()
        py = {n for n in vars(py_cls) if not n.startswith("_")} | attributes | {d for d in _DUNDERS if d in vars(py_cls)}
        expected_cs = {_DUNDERS.get(n) or "".join(p.capitalize() for p in n.split("_")) for n in py}
        assert cs == expected_cs, f"{name}: only in C#: {sorted(cs - expected_cs)}; missing in C#: {sorted(expected_cs - cs)}"


def test_the_hand_written_member_check_sees_a_difference() -> None:
    source = "    public sealed class X\n    {\n        public X()\n        public int Count\n        public void Pop(int i = -1)\n" \
             "        public IDictionary<string, object> this[int index]\n        public override string ToString()\n"
    assert _csharp_public_members(source, "X") == {"<ctor>", "Count", "Pop", "this[]", "ToString"}
