"""Emitters: each renders Jinja2 templates (templates/<lang>/) from the API model and conventions.

An emitter module exposes `render(api, conventions, table) -> dict[str, str]`, mapping output
paths (relative to the output directory) to file contents. `table` is the version data the
driver computed (bindgen.versions.prepare); rendering reads nothing but its arguments. Emitters hold no target-language text
of their own beyond names; every emitted line lives in a template.
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Callable

import jinja2

from .. import model as m
from ..versions import ProbeTable
from ..conventions import Conventions

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"

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
    env.globals["unhandled"] = unhandled
    return env


def unhandled(where: str, value: object) -> str:
    """Called by a template's last `else` of a dispatch on typed view data: a value no branch
    renders is an error naming it, never silently wrong code."""
    raise EmitError(f"template {where}: no branch renders {value!r}")
