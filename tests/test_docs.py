"""Docs as data (bindgen/docs.py, bindgen/libraries/docs/genai.toml): every public member of the GenAI
bindings has an entry and no entry names a member that does not exist; the entries reach the C# XML
docs and the Python docstrings; the loader refuses what it cannot read. The hand-written public classes of
the GenAI bindings (ChatHistory, ChatSession, StreamerBase, JsonContainer's C# extras) take their text from
the same data in both languages: C# `/// <include/>`s of the rendered Generated/HandWrittenDocs.g.xml, Python
`@documented` from the rendered _docs.py; every member in either language has an entry, no entry is stale, and
the same words reach C#'s compiled XML docs and Python's help(). Other hand-written C# (the runtime
OpenVINO.Interop, OpenVINO.Core's partials) keeps its XML docs in code, except the runtime types a user meets, whose
docs are data too (tests/test_runtime_docs.py): the compiler requires them on every public member, and they must
say something real."""
from __future__ import annotations

import enum
import inspect
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Optional

import pytest

from bindgen import binding as bd
from bindgen import conventions as conv
from bindgen import docs
from bindgen import library as libmod
from bindgen import snapshot, versions

REPO = Path(__file__).resolve().parents[1]


def _binding() -> bd.Binding:
    lib = libmod.load("genai")
    api = snapshot.load(snapshot.embedded("genai", None))
    versions.prepare(api, lib)  # fills `since`, as the driver does
    return bd.bind(conv.infer(api, lib))


def _python_surface() -> dict[str, set[str]]:
    """Public members of the Python package's classes that the generated code does not define (hand-written
    mixins); members of the runtime's base classes are documented in the runtime itself."""
    import genai_interop_runtime.handles as rh
    import openvino_genai_cffi as pkg
    from openvino_genai_cffi import _bindings
    base = set(dir(rh.Handle))
    out: dict[str, set[str]] = {}
    for name, cls in vars(_bindings).items():
        if not inspect.isclass(cls) or not issubclass(cls, rh.Handle) or cls is rh.Handle or name.startswith("_"):
            continue  # an internal class: the native side of a value class or of a results class
        assert getattr(pkg, name) is cls
        for attr in dir(cls):
            if attr.startswith("_") or attr in base:
                continue
            if not any(attr in vars(k) for k in cls.__mro__ if k.__module__ == _bindings.__name__):
                out.setdefault(name, set()).add(attr)
    from openvino_genai_cffi import _enums
    for enum_cls in _enums.BY_C_NAME.values():  # enums: the class and every member
        assert getattr(pkg, enum_cls.__name__) is enum_cls
        out[enum_cls.__name__] = {m.name for m in enum_cls}
    return out


def test_every_public_member_has_docs_and_no_entry_is_stale() -> None:
    b = _binding()
    cov = docs.coverage(b, _python_surface())
    report = "\n".join(
        [f"no docs entry: {x}" for x in cov.missing] + [f"stale entry (names nothing): {x}" for x in cov.stale]
        + [f"parameter without docs: {x}" for x in cov.params_missing]
        + [f"stale parameter docs: {x}" for x in cov.params_stale])
    print(f"docs coverage: {cov.documented}/{cov.members} members")
    assert report == "", f"bindgen/libraries/docs/genai.toml is out of step with the bindings:\n{report}"
    assert cov.documented == cov.members > 100


def test_enum_docs_reach_both_languages() -> None:
    import openvino_genai_cffi as g
    assert "Go on generating." in (g.StreamingStatus.__doc__ or "")
    from support import dotnet
    root = ET.parse(dotnet.build_library().with_suffix(".xml")).getroot()
    text = {m.get("name"): " ".join("".join(m.itertext()).split()) for m in root.iter("member")}
    assert text["F:OpenVINO.GenAI.StreamingStatus.Stop"].startswith("Stop now and keep what was generated")
    assert "OV_GENAI_STREAMING_STATUS_STOP" in text["F:OpenVINO.GenAI.StreamingStatus.Stop"]


def test_coverage_sees_missing_and_stale_entries(tmp_path: Path) -> None:
    # Not vacuous: an entry dropped and one for a member that does not exist are both reported.
    lib = libmod.load("genai")
    text = Path(lib.docs).read_text()
    text = text.replace("[LLMPipeline.finish_chat]", "[LLMPipeline.finish_chats]")
    text = text.replace('params.inputs = "The prompt."', 'params.prompt = "The prompt."')
    changed = tmp_path / "genai.toml"
    changed.write_text(text)
    b = _binding()
    b.docs = docs.load(changed)
    cov = docs.coverage(b)
    assert "LLMPipeline.finish_chat" in cov.missing
    assert "LLMPipeline.finish_chats" in cov.stale
    assert "LLMPipeline.generate(inputs)" in cov.params_missing
    assert "LLMPipeline.generate(prompt)" in cov.params_stale


@pytest.mark.parametrize("text, message", [
    ('[LLMPipeline]\ndoc = "x"\nsumary = "y"\n', "unknown key 'sumary'"),
    ('[LLMPipeline]\ndoc = "x"\n[LLMPipeline.generate]\ndoc = "x"\ndefualt = "1"\n', "unknown keys ['defualt']"),
    ('[LLMPipeline]\ndoc = "x"\n[LLMPipeline.generate]\nreturns = "x"\n', "[LLMPipeline.generate]: missing key 'doc'"),
    ('[LLMPipeline]\ndoc = "x"\n[LLMPipeline.generate]\ndoc = 3\n', "doc: expected str"),
    ('[LLMPipeline]\ndoc = "x"\n[LLMPipeline.generate]\ndoc = "x"\nparams = { inputs = 1 }\n', "params.inputs"),
    ('[LLMPipeline]\ndoc = " "\n', "doc is empty"),
    ('[LLMPipeline]\ndoc = "x"\n[LLMPipeline.generate]\ndoc = "x"\nchoices = []\n', "choices: expected a list"),
    ('[ChatHistory]\ndoc = "x"\n[ChatHistory.pop]\ndoc = "x"\nonly = "java"\n', "only: expected one of csharp, python"),
    ('[ChatHistory]\ndoc = "x"\n[ChatHistory.pop]\ndoc = "x"\nparam_only = { index = "csharp" }\n', "param_only.index"),
    ('[ChatHistory]\ndoc = "x"\n[ChatHistory.pop]\ndoc = "x"\nparams.index = "y"\nparam_only = { index = "go" }\n',
     "param_only.index"),
    ('[ChatHistory]\ndoc = "x"\n[ChatHistory.copy]\ndoc = "x"\ncsharp_name = 3\n', "csharp_name: expected str"),
    ('[LLMPipeline\n', "genai.toml"),
])
def test_the_loader_refuses_what_it_cannot_read(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "genai.toml"
    path.write_text(text)
    with pytest.raises(docs.DocsError) as err:
        docs.load(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_a_library_naming_a_missing_docs_file_is_refused(tmp_path: Path) -> None:
    src = (REPO / "bindgen" / "libraries" / "genai.toml").read_text()
    path = tmp_path / "genai.toml"
    path.write_text(src.replace('docs = "docs/genai.toml"', 'docs = "docs/nothing.toml"'))
    with pytest.raises(ValueError, match="docs: 'docs/nothing.toml': no such file"):
        libmod.load(str(path))


def _summary(entry: docs.MemberDoc | docs.ClassDoc) -> str:
    """The start of its text, up to the first quoted name (which each language spells or links its own way)."""
    return " ".join(entry.doc.split()).split("`")[0].split("{")[0][:60].strip()


def test_python_docstrings_say_what_the_docs_say() -> None:
    import openvino_genai_cffi as g
    from genai_interop_runtime.values import ValueObject
    d = docs.load(Path(libmod.load("genai").docs))
    checked = 0
    # Methods joining another (generate_with_history): Python shows them through that one (generate(history)).
    joined = {mem.name for cls_ in _binding().owned() for mem in cls_.members if mem.joins}
    joined |= {mem.stream for cls_ in _binding().owned() for mem in cls_.members if mem.joins and mem.stream}
    for cname, cdoc in d.classes.items():
        cls = getattr(g, cname)
        assert _summary(cdoc) in " ".join((cls.__doc__ or "").split()), cname
        if isinstance(cls, enum.EnumMeta):
            continue  # members are values (no docstrings): test_enum_docs_reach_both_languages
        if cdoc.hand_written:
            continue  # a hand-written class (ChatHistory, ...): test_hand_written_docs_reach_csharp_and_python_alike
        for mname, entry in cdoc.members.items():
            if not entry.in_language("python"):
                continue  # a C#-only member of a generated class (a hand-written partial's)
            if issubclass(cls, ValueObject) and not hasattr(cls, mname):
                continue  # a member of the value class's internal native class (e.g. a count getter)
            if mname in joined:
                continue
            member = inspect.getattr_static(cls, mname if hasattr(cls, mname) else "get_" + mname)  # metrics: get_x()
            text = " ".join((getattr(member, "__doc__", None) or "").split())
            assert _summary(entry) in text, f"{cname}.{mname}: {text[:200]}"
            if entry.hand_written:
                continue
            assert "C API: `ov_genai_" in text, f"{cname}.{mname}"
            for p, ptext in entry.params.items():
                assert f"{p}: " in text, f"{cname}.{mname}({p})"
            checked += 1
    assert checked > 90  # hand-written classes (ChatHistory, ...) are checked below


def test_csharp_xml_docs_say_what_the_docs_say() -> None:
    from support import dotnet
    dll = dotnet.build_library()  # -doc and -warnaserror: a bad cref or param tag fails the build
    root = ET.parse(dll.with_suffix(".xml")).getroot()
    members = {m.get("name"): m for m in root.iter("member")}
    text = {name: " ".join("".join(m.itertext()).split()) for name, m in members.items()}
    d = docs.load(Path(libmod.load("genai").docs))
    # A few by hand: a constructor with its parameters, a property with its facts, a class.
    ctor = next(t for n, t in text.items() if n.startswith("M:OpenVINO.GenAI.LLMPipeline.#ctor(System.String"))
    assert _summary(d.classes["LLMPipeline"].members["__init__"]) in ctor
    assert "ov_genai_llm_pipeline_create" in ctor
    xml_ctor = next(m for n, m in members.items() if n.startswith("M:OpenVINO.GenAI.LLMPipeline.#ctor(System.String"))
    assert {p.get("name") for p in xml_ctor.iter("param")} == {"modelsPath", "device", "properties"}
    prop = text["P:OpenVINO.GenAI.GenerationConfig.MaxNewTokens"]
    assert _summary(d.classes["GenerationConfig"].members["max_new_tokens"]) in prop
    assert "Unit: tokens." in prop and "Range: " in prop
    assert " ".join(d.classes["LLMPipeline"].doc.split())[:60] in text["T:OpenVINO.GenAI.LLMPipeline"]
    # A TimeSpan carries its own unit: the docs' "milliseconds" (for Python's floats) is not said in C#.
    assert "Time to first token" in text["P:OpenVINO.GenAI.PerfMetrics.Ttft"]
    assert "Unit:" not in text["P:OpenVINO.GenAI.PerfMetrics.Ttft"]
    assert "Unit: tokens." in text["P:OpenVINO.GenAI.PerfMetrics.NumGeneratedTokens"]
    # No public member of the safe layer is left with the old filler as its summary.
    filler = [n for n, m in members.items() if not re.search(r"\.\w*Native\.", n or "") and re.match(r"\s*Calls ", "".join(m.find("summary").itertext()) if m.find("summary") is not None else "")]
    assert filler == []


def test_every_public_name_of_the_python_package_says_what_it_is() -> None:
    # Classes, functions, and every public method and property of the classes (generated, or from the
    # runtime, which documents its own members in code): none without a docstring of its own.
    import openvino_genai_cffi as g
    silent = []
    for name in dir(g):
        obj = getattr(g, name)
        if name.startswith("_") or not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if not (obj.__doc__ or "").strip():
            silent.append(name)
        if not inspect.isclass(obj) or issubclass(obj, (enum.Enum, BaseException)):
            continue  # enum members are values; exceptions inherit Exception's members
        for attr in dir(obj):
            value = inspect.getattr_static(obj, attr)
            if attr.startswith("_") or not callable(value) and not isinstance(value, (property, classmethod, staticmethod)):
                continue
            doc = getattr(value.__func__ if isinstance(value, (classmethod, staticmethod)) else value, "__doc__", None)
            if not (doc or "").strip():
                silent.append(f"{name}.{attr}")
    assert silent == []


def test_choices_become_a_literal_type_hint(tmp_path: Path) -> None:
    # `choices` in the docs (WhisperGenerationConfig.task) types the field as those values: mypy then
    # refuses a misspelt task, and accepts the right ones and None.
    from test_cffi_typing import run_mypy
    usage = tmp_path / "task_usage.py"
    usage.write_text('import openvino_genai_cffi as g\n'
                     'w = g.WhisperGenerationConfig()\n'
                     'w.task = "translate"\n'
                     'w.task = None\n'
                     'w.task = "transcrbe"\n')
    result = run_mypy(tmp_path, str(usage))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.count("error:") == 1 and "task_usage.py:5:" in result.stdout, result.stdout
    assert "Literal['transcribe', 'translate']" in result.stdout


def _default_says(value: object, unset: object, text: str) -> bool:
    """Whether a docs `default` text states the value a value class starts with."""
    if isinstance(value, list):
        return bool(text)  # descriptive ("none", "the model's")
    if value is not None and value == unset:
        return text.startswith("unset") or str(value) in text
    if isinstance(value, bool):
        return ("{true}" if value else "{false}") in text
    if value is None:
        return text.startswith("{null}")
    if isinstance(value, str):
        return f"`{value}`" in text  # an enum member
    return text.startswith(repr(value))


def test_docs_defaults_agree_with_the_value_classes() -> None:
    # Every field of a value class documents its default, and the text states the value the binding
    # starts with ([conventions.value_classes] in genai.toml): the two cannot drift apart.
    b = _binding()
    lib = b.conventions.library
    wrong = []
    for handle, vc in b.value_classes.items():
        cname = docs.class_name(b.classes[handle], lib)
        for f in vc.fields:
            entry = b.docs.member(cname, f.name) if b.docs else None
            if entry is None or not _default_says(f.default, f.unset, entry.default):
                wrong.append(f"{cname}.{f.name}: value {f.default!r}, docs {entry.default if entry else None!r}")
    assert wrong == []
    assert not _default_says(1.0, None, "0.0") and not _default_says(False, None, "{true}")


# -- hand-written C# (csharp/OpenVINO.GenAI/*.cs, csharp/OpenVINO.Core/*.cs, the runtime csharp/OpenVINO.Interop/) --
# Their public members have no entries in the docs data: their XML docs live in code. That each one HAS
# XML docs the compiler enforces (CS1591 under -doc and -warnaserror: the build fails); that they say
# something real is checked here, from the sources.

HAND_WRITTEN_CS = [REPO / "csharp" / d for d in ("OpenVINO.GenAI", "OpenVINO.Core", "OpenVINO.Interop")]
_FILLER = [re.compile(p, re.IGNORECASE) for p in (
    r"^calls \w+$",  # the old generated filler ("Calls ov_genai_x.")
    r"^see \w+$",  # a pointer that says nothing itself
    r"\b(todo|fixme|tbd|xxx)\b",
)]


def _doc_blocks(path: Path) -> list[tuple[int, str, str]]:
    """(line, doc comment text, the declaration it documents) for each `///` block of a C# file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    i = 0
    while i < len(lines):
        if not lines[i].lstrip().startswith("///"):
            i += 1
            continue
        start, doc = i + 1, []
        while i < len(lines) and lines[i].lstrip().startswith("///"):
            doc.append(lines[i].lstrip()[3:])
            i += 1
        while i < len(lines) and (not lines[i].strip() or re.match(r"\s*(\[|#)", lines[i])):
            i += 1  # attributes, preprocessor lines
        out.append((start, "\n".join(doc), lines[i].strip() if i < len(lines) else ""))
    return out


def _words(element: ET.Element) -> list[str]:
    """The words of a doc element, a <see cref="..."/> or <paramref name="..."/> counting as its name."""
    refs = [re.split(r"[.:]", (n.get("cref") or n.get("name") or n.get("langword") or "").split("(")[0])[-1]
            for n in element.iter() if n.tag in ("see", "seealso", "paramref", "typeparamref")]
    return re.findall(r"\w+", "".join(element.itertext())) + [r for r in refs if r]


def csharp_doc_problems(path: Path) -> list[str]:
    """What a hand-written file's XML docs fail to say: each documented declaration that is not private or
    internal needs a <summary> (or <inheritdoc/>) of at least two words that is not filler, and every
    <param>, <typeparam>, <returns>, <value> and <exception> it has must say something too."""
    problems = []
    for line, doc, decl in _doc_blocks(path):
        if re.match(r"(private|internal)\b", decl):
            continue
        where = f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}:{line} ({decl[:60]})"
        try:
            root = ET.fromstring(f"<doc>{doc}</doc>")
        except ET.ParseError as exc:
            problems.append(f"{where}: not well-formed XML: {exc}")
            continue
        if root.find("inheritdoc") is not None or root.find("include") is not None:
            continue  # an <include> of the docs data: test_hand_written_members_have_entries_in_both_languages
        summary = root.find("summary")
        if summary is None:
            problems.append(f"{where}: no <summary>")
            continue
        words = _words(summary)
        text = " ".join(words)
        if len(words) < 2 or any(p.search(text) for p in _FILLER):
            problems.append(f"{where}: the summary says nothing real: {text!r}")
        for tag in ("param", "typeparam", "returns", "value", "exception"):
            for element in root.iter(tag):
                said = " ".join(_words(element))
                if len(_words(element)) < 2 or any(p.search(said) for p in _FILLER):
                    problems.append(f"{where}: <{tag}{' ' + element.get('name', '') if element.get('name') else ''}> "
                                    f"says nothing real: {said!r}")
    return problems


def test_hand_written_csharp_public_members_say_something_real() -> None:
    files = sorted(p for d in HAND_WRITTEN_CS for p in d.glob("*.cs"))
    problems = [p for f in files for p in csharp_doc_problems(f)]
    assert problems == [], "\n".join(problems)
    # Not vacuous: the members the issue names are among those checked.
    checked = {decl for f in files for _, _, decl in _doc_blocks(f)}
    for decl in ("public sealed class ChatSession", "public sealed class ChatHistory : IEnumerable<IDictionary<string, object>>",
                 "public IDictionary<string, object> Pop(int index = -1)", "public abstract class StreamerBase : StreamerBase<StreamingStatus>"):
        assert decl in checked, decl
    assert any("ResultStream" in d for d in checked) and len(checked) > 200


def test_the_csharp_docs_check_fails_a_member_without_real_docs(tmp_path: Path) -> None:
    from support import dotnet
    source = (REPO / "csharp" / "OpenVINO.Interop" / "ChunkStream.cs").read_text(encoding="utf-8")
    said = "        /// <summary>Starts a generation when enumeration starts.</summary>\n"
    assert said in source
    for summary, message in [("<summary>Results.</summary>", "says nothing real: 'Results'"),
                             ("<summary>See <see cref=\"PerfMetrics\"/>.</summary>", "says nothing real: 'See PerfMetrics'"),
                             ("<summary>TODO: say what it does.</summary>", "says nothing real"),
                             ("<remarks>Only remarks.</remarks>", "no <summary>"),
                             ("<summary>Returns <b>twice.</summary>", "not well-formed XML")]:
        bad = tmp_path / "ChunkStream.cs"
        bad.write_text(source.replace(said, f"        /// {summary}\n"), encoding="utf-8")
        problems = csharp_doc_problems(bad)
        assert len(problems) == 1 and message in problems[0] and "GetEnumerator()" in problems[0], problems
    # And no docs at all on a hand-written GenAI member: the build of the bindings fails (CS1591 as an error).
    chat = (REPO / "csharp" / "OpenVINO.GenAI" / "ChatSession.cs").read_text(encoding="utf-8")
    ask = next(line + "\n" for line in chat.splitlines() if '@name="ChatSession.ask"' in line)
    bad = tmp_path / "ChatSession.cs"
    bad.write_text(chat.replace(ask, "", 1), encoding="utf-8")
    (tmp_path / "Generated").mkdir()  # what its other members include, beside it
    (tmp_path / "Generated" / "HandWrittenDocs.g.xml").write_bytes((GENAI_CS / "Generated" / "HandWrittenDocs.g.xml").read_bytes())
    sources = [p if p.name != "ChatSession.cs" else bad for p in dotnet.library_sources()]
    with pytest.raises(dotnet.BuildError, match=r"CS1591.*OpenVINO\.GenAI\.ChatSession\.Ask"):
        dotnet.build_binding("OpenVINO.GenAI", sources, tmp_path / "out")


# -- hand-written classes whose docs are data (docs entries with `hand_written = true`) --

GENAI_CS = REPO / "csharp" / "OpenVINO.GenAI"
INCLUDE = re.compile(r"<include file='(?P<file>[^']+)' path='docs/member\[@name=\"(?P<key>[^\"]+)\"\]/\*"
                     r"(?:\[not\(self::param\)(?P<params>(?: or @name=\"\w+\")*)\])?'/>$")


def _hand_entries() -> dict[str, tuple[docs.ClassDoc, dict[str, docs.MemberDoc]]]:
    return docs.hand_written(docs.load(Path(libmod.load("genai").docs)))


def _declaration(lines: list[str], start: int) -> str:
    """The declaration starting at `start`, joined up to its parameter list's end."""
    text, i = lines[start].strip(), start
    while text.count("(") > text.count(")"):
        i += 1
        text += " " + lines[i].strip()
    return text


def _cs_params(decl: str) -> list[str]:
    if "this[" in decl:
        sig = re.search(r"\[(.*)\]", decl)
        inner = sig.group(1) if sig else ""
    else:  # the first balanced parenthesis (a constructor's `: base(...)` and `default(T)` values aside)
        start = decl.find("(")
        depth, end = 0, start
        for end in range(start, len(decl)):
            depth += {"(": 1, ")": -1}.get(decl[end], 0)
            if depth == 0:
                break
        inner = decl[start + 1:end] if start >= 0 else ""
    if not inner.strip():
        return []
    return [part.split("=")[0].split()[-1] for part in re.split(r",(?![^<]*>)", inner)]



def include_problems(where: str, key: str, mkey: str, entry: docs.MemberDoc, member: str, params: Optional[str],
                     decl: str) -> list[str]:
    """What is wrong with a C# member's `<include>` of the entry [key]: the entry documents another member, or the
    parameters it selects (`params`: its XPath filter, None for all) are not the declaration's."""
    if docs.csharp_member(mkey, entry) != member:
        return [f"{where}: [{key}] documents {docs.csharp_member(mkey, entry)}, not {member}"]
    shown = {docs.csharp_param(p) for p in entry.params_in("csharp")}
    selected = set(re.findall(r'@name="(\w+)"', params)) if params is not None else shown
    if selected - shown:
        return [f"{where}: [{key}] documents no parameter {sorted(selected - shown)}"]
    if selected != set(_cs_params(decl)):
        return [f"{where}: selects the parameters {sorted(selected)}, the declaration has {_cs_params(decl)}"]
    return []

def _cs_member(decl: str, cls: str) -> Optional[str]:
    """The member a public declaration declares: a name, `<ctor>`, `this[]`; None for a type."""
    if re.match(r"public (?:\w+ )*(class|struct|interface|enum) ", decl):
        return None
    m = re.match(r"public (?:override |static |sealed |abstract |virtual )*(?:(?P<ctor>" + cls + r")\(|[\w<>\[\], .?]+? "
                 r"(?P<name>this\[|\w+(?=\s*(?:\(|<|$|\{|;))))", decl)
    assert m, decl
    return "<ctor>" if m.group("ctor") else "this[]" if m.group("name") == "this[" else m.group("name")


def csharp_hand_written_docs(files: list[Path]) -> tuple[list[str], dict[str, list[str]]]:
    """Checks the public declarations of hand-written GenAI C# files against the docs data: each one's docs
    are exactly one include of the rendered file, naming the entry of that member (its C# name derived from
    the key) and selecting exactly the declaration's parameters. Returns (problems, entry key -> where used)."""
    entries = _hand_entries()
    problems: list[str] = []
    used: dict[str, list[str]] = {}
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        for line_no, doc, decl in _doc_blocks(path):
            if not decl.startswith("public"):
                continue
            start = next(i for i in range(line_no - 1, len(lines)) if lines[i].strip() == decl)
            decl = _declaration(lines, start)
            where = f"{path.name}:{line_no} ({decl[:70]})"
            cls = re.findall(r"\b(?:class|struct) (\w+)", "\n".join(lines[:start + 1]))[-1]  # the type it is in (or is)
            include = INCLUDE.match(doc.strip())
            if include is None:
                problems.append(f"{where}: its docs are not one <include> of the docs data (bindgen/libraries/docs/genai.toml)")
                continue
            if include["file"] != "Generated/HandWrittenDocs.g.xml":
                problems.append(f"{where}: includes {include['file']}")
            key = include["key"]
            owner, _, mkey = key.partition(".")
            member = _cs_member(decl, cls)
            cdoc, members = entries.get(owner, (None, {}))
            if owner != cls:
                problems.append(f"{where}: includes the entry of another class: {key}")
                continue
            if member is None:
                if not mkey and cdoc is not None and cdoc.hand_written:
                    used.setdefault(key, []).append(where)
                else:
                    problems.append(f"{where}: no hand-written class entry [{key}]")
                continue
            entry = members.get(mkey)
            if entry is None or not entry.in_language("csharp"):
                problems.append(f"{where}: no docs entry [{key}] for C#")
                continue
            problems += include_problems(where, key, mkey, entry, member, include["params"], decl)
            used.setdefault(key, []).append(where)
    return problems, used


def _python_hand_written() -> dict[str, type]:
    """The public classes of the Python package that are written by hand (their module is not generated)."""
    import openvino_genai_cffi as g
    out = {}
    for name in g.__all__:
        obj = getattr(g, name)
        if inspect.isclass(obj) and obj.__module__.startswith("openvino_genai_cffi."):
            first = Path(inspect.getfile(obj)).read_text(encoding="utf-8").splitlines()[0]
            if "Generated by genai-interop bindgen" not in first:
                out[name] = obj
    return out


def _python_members(cls: type) -> dict[str, Optional[list[str]]]:
    """Public members of a hand-written class: name -> the parameters a caller passes (None: an attribute)."""
    out: dict[str, Optional[list[str]]] = {}
    for name, value in vars(cls).items():
        if name.startswith("_") and name not in docs.DUNDERS or value is None:
            continue
        func = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
        if inspect.isfunction(func):
            out[name] = [p for p in inspect.signature(func).parameters if p not in ("self", "cls")]
        elif isinstance(value, property):
            out[name] = []
    init = vars(cls).get("__init__")
    if init is not None:
        for attr in re.findall(r"self\.([a-z]\w*) = ", inspect.getsource(init)):
            out.setdefault(attr, None)
    return out


def test_hand_written_members_have_entries_in_both_languages() -> None:
    entries = _hand_entries()
    # C#: every public declaration of the hand-written GenAI files includes its entry, with its own parameters.
    problems, used = csharp_hand_written_docs(sorted(GENAI_CS.glob("*.cs")))
    # Python: every public member of a hand-written class has an entry with its parameters.
    seen = set()
    for cname, cls in _python_hand_written().items():
        cdoc, members = entries.get(cname, (None, {}))
        if cdoc is None or not cdoc.hand_written:
            problems.append(f"Python {cname}: no hand-written class entry [{cname}]")
            continue
        seen.add(cname)
        for mname, params in _python_members(cls).items():
            entry = members.get(mname)
            if entry is None or not entry.in_language("python"):
                problems.append(f"Python {cname}.{mname}: no docs entry for Python")
                continue
            seen.add(f"{cname}.{mname}")
            if params is not None and set(params) != set(entry.params_in("python")):
                problems.append(f"Python {cname}.{mname}: parameters {params}, documented {sorted(entry.params_in('python'))}")
    # Members of generated classes that the binding model does not list (the runtime's `copy`, `__str__`, ...): the
    # templates render them from their entries; C# includes them too (seen in the compiled XML), Python defines them.
    import openvino_genai_cffi as g
    from support import dotnet
    compiled = {(m.get("name") or "").split("(")[0].partition(":")[2]: m
                for m in ET.parse(dotnet.build_library().with_suffix(".xml")).getroot().iter("member")}
    for cname, (cdoc, members) in entries.items():
        if cdoc.hand_written:
            continue
        for mkey, entry in members.items():
            key = f"{cname}.{mkey}"
            if entry.in_language("csharp") and key not in used and _cs_doc_ids(cname, mkey, entry) & set(compiled):
                used.setdefault(key, []).append("generated")
            if entry.in_language("python") and mkey in vars(getattr(g, cname)):
                seen.add(key)
    # Stale: an entry that no code of a language it is for uses.
    for cname, (cdoc, members) in entries.items():
        keyed = ([(cname, None)] if cdoc.hand_written else []) + [(f"{cname}.{k}", m) for k, m in members.items()]
        for key, entry in keyed:
            if (entry is None or entry.in_language("csharp")) and key not in used:
                problems.append(f"stale for C#: [{key}] (no C# member includes it)")
            if (entry is None or entry.in_language("python")) and key not in seen:
                problems.append(f"stale for Python: [{key}] (no Python member has it)")
    assert problems == [], "\n".join(problems)
    # Not vacuous: the classes and members the issue names are among those checked.
    assert {"ChatHistory", "ChatSession", "StreamerBase"} <= seen and len(used) > 25
    for key in ("ChatHistory.append", "ChatHistory.pop", "ChatHistory.__len__", "ChatHistory.__getitem__",
                "ChatHistory.messages", "ChatHistory.set_tools", "ChatSession.ask", "StreamerBase.write"):
        assert key in used and key in seen, key
    assert "ChatHistory.__hash__" in used and "JsonContainer.quote" in used  # C#-only members
    assert {"GenerationConfig.copy", "DecodedResults.__str__", "PerfMetrics.__add__"} <= set(used) & seen


def python_docstrings_in_code(source: str) -> list[str]:
    """Docstrings a hand-written module writes itself on a `@documented` class or its public members: their text
    is the docs data's (the decorator replaces it), so one written in code would be dead and drift."""
    import ast
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef) or not any(
                isinstance(d, ast.Name) and d.id == "documented" for d in node.decorator_list):
            continue
        for item in [node] + [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
            public = item is node or not item.name.startswith("_") or item.name in docs.DUNDERS
            if public and ast.get_docstring(item) is not None:
                found.append(f"{node.name}{'' if item is node else '.' + item.name} (line {item.lineno})")
    return found


def test_hand_written_python_classes_write_no_docstrings_of_their_own() -> None:
    modules = {inspect.getfile(cls) for cls in _python_hand_written().values()}
    assert len(modules) >= 2  # _chat_history.py, _streamer.py
    written = [f"{Path(m).name}: {d}" for m in sorted(modules) for d in python_docstrings_in_code(Path(m).read_text())]
    assert written == [], "their text belongs in bindgen/libraries/docs/genai.toml:\n" + "\n".join(written)
    sample = "@documented\nclass A:\n    def f(self):\n        \"\"\"Says.\"\"\"\n    def _g(self):\n        \"\"\"Private.\"\"\"\n"
    assert python_docstrings_in_code(sample) == ["A.f (line 3)"]


def test_the_hand_written_docs_check_sees_a_missing_or_wrong_include(tmp_path: Path) -> None:
    source = (GENAI_CS / "ChatHistory.cs").read_text(encoding="utf-8")
    pop = "path='docs/member[@name=\"ChatHistory.pop\"]/*[not(self::param) or @name=\"index\"]'/>"
    assert pop in source
    bad = tmp_path / "ChatHistory.cs"
    for replacement, message in [
            (pop.replace("ChatHistory.pop", "ChatHistory.popp"), "no docs entry [ChatHistory.popp]"),
            (pop.replace("ChatHistory.pop", "ChatHistory.clear").replace(' or @name="index"', ""), "documents Clear, not Pop"),
            (pop.replace(' or @name="index"', ""), "selects the parameters [], the declaration has ['index']"),
            (pop.replace('@name="index"', '@name="count"'), "documents no parameter ['count']")]:
        bad.write_text(source.replace(pop, replacement), encoding="utf-8")
        problems, _ = csharp_hand_written_docs([bad])
        assert problems and message in problems[0] and "Pop(int index = -1)" in problems[0], problems
    bad.write_text(source.replace("/// <include file='Generated/HandWrittenDocs.g.xml' " + pop,
                                  "/// <summary>Removes a message.</summary>"), encoding="utf-8")
    problems, _ = csharp_hand_written_docs([bad])
    assert len(problems) == 1 and "not one <include> of the docs data" in problems[0], problems


def _plain_words(text: str) -> list[str]:
    """The words of a docs text without its code spans (each language spells or links names its own way) and
    without null/None, true/True, false/False (the docs' placeholders)."""
    text = re.sub(r"`[^`]*`|\{(?:null|true|false)\}", " ", text)
    return [w for w in re.findall(r"[\w']+", text) if w not in ("null", "None", "true", "True", "false", "False")]


def _xml_plain_words(element: Optional[ET.Element]) -> list[str]:
    """The same of a compiled XML doc element: its <c>, <see> and <paramref> are the code spans."""
    if element is None:
        return []
    parts = [element.text or ""]
    for child in element:
        if child.tag not in ("c", "see", "paramref"):
            parts.append(" ".join(child.itertext()))
        parts.append(child.tail or "")
    return _plain_words(" ".join(parts))


def _cs_doc_ids(cname: str, mkey: str, entry: Optional[docs.MemberDoc] = None) -> set[str]:
    """The XML doc ids (without kind and parameters) a hand-written entry may document."""
    if not mkey:
        return {f"OpenVINO.GenAI.{cname}"}
    member = docs.csharp_member(mkey, entry)
    return {f"OpenVINO.GenAI.{cname}.{ {'<ctor>': '#ctor', 'this[]': 'Item'}.get(member, member)}"}


def test_hand_written_docs_reach_csharp_and_python_alike() -> None:
    # One text, two languages: for each entry, the words of C#'s compiled XML docs (summary and each
    # parameter) and of Python's help() are the entry's own (code spans aside, which each language spells).
    import pydoc

    from support import dotnet
    root = ET.parse(dotnet.build_library().with_suffix(".xml")).getroot()
    compiled_text = ET.tostring(root, encoding="unicode")
    assert "No matching elements" not in compiled_text and "<include" not in compiled_text  # every include found its entry
    compiled = {m.get("name") or "": m for m in root.iter("member")}
    _, used = csharp_hand_written_docs(sorted(GENAI_CS.glob("*.cs")))
    import openvino_genai_cffi as g
    python = {name: getattr(g, name) for name in g.__all__ if inspect.isclass(getattr(g, name))}
    both = 0
    for cname, (cdoc, members) in _hand_entries().items():
        keyed: list[tuple[str, docs.ClassDoc | docs.MemberDoc]] = [("", cdoc)] if cdoc.hand_written else []
        for mkey, entry in keyed + list(members.items()):
            key = f"{cname}.{mkey}" if mkey else cname
            expected = _plain_words(entry.doc)
            in_cs = in_py = False
            if key in used:  # C#: every member including the entry says it in its compiled XML docs
                names = [n for n in compiled
                         if n.split("(")[0].partition(":")[2] in _cs_doc_ids(cname, mkey, members.get(mkey))]
                assert names, key
                for n in names:
                    assert _xml_plain_words(compiled[n].find("summary")) == expected, (key, n)
                    for p in compiled[n].iter("param"):
                        pkey = next(k for k in entry.params if docs.csharp_param(k) == p.get("name"))
                        assert _xml_plain_words(p) == _plain_words(entry.params[pkey]), (key, n, pkey)
                in_cs = True
            if cname in python and (not mkey or entry.in_language("python")):  # Python: what help() shows
                target = vars(python[cname]).get(mkey, python[cname]) if mkey else python[cname]  # attribute: the class's
                shown = " ".join(_plain_words(pydoc.render_doc(target, renderer=pydoc.plaintext)))
                assert " ".join(expected) in shown, (key, shown[:400])
                for pkey, ptext in (entry.params_in("python").items() if isinstance(entry, docs.MemberDoc) else ()):
                    assert " ".join([pkey] + _plain_words(ptext)) in shown, (key, pkey)
                in_py = True
            both += in_cs and in_py
    assert both > 25
