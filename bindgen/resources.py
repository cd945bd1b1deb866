"""The generator's data, found as package data of `bindgen` (importlib.resources), so that an
installed generator (`pip install .`, not only an editable checkout) finds it: the templates
(templates/<lang>/*.j2), the library descriptions and their docs (libraries/), the committed
snapshots (snapshots/) and the headers given to libclang (clang_include/).

The templates are read by Jinja2 and the headers by libclang, both of which want directories on
disk, so an installation that is not plain files (a zipped package) is refused with a clear error.
"""
from __future__ import annotations

import importlib.resources
from pathlib import Path


def data_dir(name: str) -> Path:
    """The directory `name` of the bindgen package's data, as a path on disk."""
    found = importlib.resources.files("bindgen") / name
    if not isinstance(found, Path):
        raise RuntimeError(f"bindgen's package data {name}/ is not a directory on disk ({found!r}): "
                           "install genai-interop as files (pip install), not as a zipped package")
    if not found.is_dir():
        raise RuntimeError(f"bindgen's package data is incomplete: {found} is missing "
                           "(the installation did not include bindgen's package data)")
    return found
