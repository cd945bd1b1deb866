"""Emitters: each renders Jinja2 templates (bindgen/templates/<lang>/) from the API model and conventions.

An emitter module exposes `render(api, conventions, table) -> dict[str, str]`, mapping output
paths (relative to the output directory) to file contents. `table` is the version data the
driver computed (bindgen.versions.prepare); rendering reads nothing but its arguments. Emitters hold no target-language text
of their own beyond names; every emitted line lives in a template.
"""
from __future__ import annotations

import importlib
import re
import textwrap
from typing import Callable, Mapping, Optional

import jinja2

from .. import model as m
from ..versions import ProbeTable
from ..conventions import Conventions
from ..resources import data_dir

TEMPLATES = data_dir("templates")

# --lang value -> module under bindgen.emit providing render().
LANGUAGES = {
    "c-header": "c_header",
    "csharp": "csharp",
    "cffi": "cffi",
}

Renderer = Callable[[m.API, Conventions, ProbeTable], dict[str, str]]


class EmitError(Exception):
    """A construct the emitter can't render faithfully; the message names it."""


def renderer(lang: str) -> Renderer:
    if lang not in LANGUAGES:
        raise EmitError(f"unknown language {lang!r}; known: {', '.join(sorted(LANGUAGES))}")
    module = importlib.import_module(f"{__name__}.{LANGUAGES[lang]}")
    return module.render  # type: ignore[no-any-return]


def pascal(name: str) -> str:
    """`max_new_tokens` -> `MaxNewTokens`; keeps inner capitals (`ov_ProfilingInfo` -> `OvProfilingInfo`)."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[_\W]+", name) if p)


def camel(name: str) -> str:
    p = pascal(name)
    return p[:1].lower() + p[1:]


def cs_string(text: str) -> str:
    """A C# string literal (quotes included) holding `text`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def environment(lang_dir: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES / lang_dir)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["pascal"] = pascal
    env.filters["camel"] = camel
    env.filters["xmldoc"] = xmldoc
    env.filters["pydoc"] = pydoc
    env.filters["docwrap"] = docwrap
    env.filters["cs_string"] = cs_string
    env.globals["unhandled"] = unhandled
    return env


# Words docs text (bindgen/docs.py) writes as placeholders, per language.
_WORDS = {"csharp": {"null": "null", "true": "true", "false": "false"},
          "python": {"null": "None", "true": "True", "false": "False"}}


def _prose(text: str, lang: str) -> str:
    """Docs text on one line (runs of white space become one space), with `{null}`, `{true}` and
    `{false}` spelled in `lang`."""
    words = _WORDS[lang]
    return re.sub(r"\{(null|true|false)\}", lambda mt: words[mt.group(1)], " ".join(text.split()))


def xmldoc(text: str, refs: Optional[Mapping[str, str]] = None) -> str:
    """Docs text for a C# XML doc comment: XML special characters escaped, `code` as <c>code</c>, or as
    <see cref="..."/> when `refs` maps it (a member or class name as Python spells it -> its C# name;
    "c:Name" names it as code: an overloaded method, which a cref could not pick)."""
    escaped = _prose(text, "csharp").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def code(mt: re.Match[str]) -> str:
        target = (refs or {}).get(mt.group(1))
        if target and target.startswith("c:"):
            return f"<c>{target[2:]}</c>"
        return f'<see cref="{target}"/>' if target else f"<c>{mt.group(1)}</c>"
    return re.sub(r"`([^`]+)`", code, escaped)


def docwrap(text: str, width: int, wrapstring: str) -> str:
    """Wraps rendered docs text at spaces outside XML tags (a <see cref="..."/> stays on one line);
    lines after the first start with `wrapstring` (a newline and the comment prefix)."""
    protected = re.sub(r"<[^>]*>", lambda mt: mt.group(0).replace(" ", "\0"), text)
    lines = textwrap.wrap(protected, width, break_long_words=False, break_on_hyphens=False)
    return wrapstring.join(lines).replace("\0", " ")


def pydoc(text: str) -> str:
    """Docs text for a Python docstring: backslashes and triple quotes cannot end or bend it."""
    return _prose(text, "python").replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def unhandled(where: str, value: object) -> str:
    """Called by a template's last `else` of a dispatch on typed view data: a value no branch
    renders is an error naming it, never silently wrong code."""
    raise EmitError(f"template {where}: no branch renders {value!r}")
