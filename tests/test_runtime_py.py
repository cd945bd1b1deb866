"""genai_interop_runtime, the hand-written runtime every generated cffi package imports, tested
directly: no generated package and no native library (cffi objects from a small cdef stand in).
The generated packages' behaviour on top of it is tested in test_cffi*.py, test_robustness_cffi.py,
test_core_cffi.py; its version detection against bindgen's in test_versions_runtime.py."""
from __future__ import annotations

import ast
import enum
import pickle
import sys
import threading
from pathlib import Path
from typing import Any, Optional

import cffi
import pytest

from genai_interop_runtime import callbacks, convert, errors, handles, loader, structs, versions
from genai_interop_runtime.library import CallbackSpec, CDef, ErrorText, Library
from genai_interop_runtime.native import Native

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / "python"

CDEF = """
typedef struct thing thing_t;
typedef struct other other_t;
typedef struct { int x; float y; const char* name; } point_t;
typedef struct { int64_t* dims; size_t rank; } shape_t;
typedef int (*cb_fn)(const char* text, void* user_data);
typedef struct { cb_fn callback; void* user_data; } cb_t;
"""


class Status(enum.IntEnum):
    OK = 0
    FAILED = -1
    NOT_FOUND = -3


class PackageError(errors.InteropError):
    pass


class NotFound(PackageError, errors.LibraryNotFoundError):
    pass


class StatusError(PackageError, errors.NativeStatusError):
    status_enum = Status
    c_names = {0: "LIB_OK", -1: "LIB_FAILED", -3: "LIB_NOT_FOUND"}


TABLE = versions.VersionTable("Lib", ("1.0.0", "1.1.0", "2.0.0"), (("a",), (), ("b", "c")), {"a": 0, "b": 2, "c": 2},
                              version_query=None)
SPEC = CallbackSpec("cb_t", "lib_cb_extern", "int(const char*, void*)", "callback", "user_data", 1,
                    ["string", "user_data"], "enum", running=0, stop=1, cancel=2, valid=[0, 1, 2])


def make_library(**overrides: Any) -> Library:
    settings: dict[str, Any] = dict(
        title="Lib", package="lib_cffi", native_library="lib_nowhere", dir_env="LIB_TEST_DIR",
        env_prefix="LIB_TEST_CFFI", cdef=CDef(CDEF, ["lib/lib.h"]), versions=TABLE, callbacks={"cb_t": SPEC},
        base_error=PackageError, not_found=NotFound)
    settings.update(overrides)
    return Library(**settings)


@pytest.fixture()
def native() -> Native:
    ffi = cffi.FFI()
    ffi.cdef(CDEF)
    n = Native(make_library(), "abi", "<none>", ffi, None)
    callbacks.install(n)
    return n


class Thing(handles.Handle):
    __slots__ = ()
    _c_type = "thing_t *"


def thing(native: Native, freed: Optional[list[int]] = None) -> Thing:
    storage = native.ffi.new("char[16]")
    pointer = native.ffi.cast("thing_t *", storage)
    obj = Thing._wrap(native, pointer, (lambda p: freed.append(1)) if freed is not None else None)
    obj._retain(storage)
    return obj


# -- import graph --

def _imports(path: Path, package: str) -> set[str]:
    """Modules of the project a module imports (relative imports resolved)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package
                target = f"{base}.{node.module}" if node.module else None
                names = [target] if target else [f"{base}.{a.name}" for a in node.names]
            else:
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            found.update(names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_no_import_circles_and_the_runtime_imports_no_generated_package() -> None:
    packages = ["genai_interop_runtime", "openvino_genai_cffi", "openvino_cffi"]
    modules = {f"{p}.{f.stem}" if f.stem != "__init__" else p: f for p in packages for f in (PYTHON / p).glob("*.py")}
    graph = {name: {i for i in _imports(path, name.split(".")[0]) if i in modules and i != name}
             for name, path in modules.items()}
    runtime = {name: deps for name, deps in graph.items() if name.startswith("genai_interop_runtime")}
    assert all(dep.startswith("genai_interop_runtime") for deps in runtime.values() for dep in deps)
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            assert state.get(dep) != 1, "import circle: " + " -> ".join(path + [node, dep])
            if dep not in state:
                visit(dep, path + [node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


# -- errors --

def test_status_errors_name_the_c_member_and_pickle() -> None:
    exc = StatusError(-3, "lib_find", "no such thing")
    assert (exc.status, exc.status_name, exc.function, exc.detail) == (Status.NOT_FOUND, "LIB_NOT_FOUND", "lib_find",
                                                                         "no such thing")
    assert str(exc) == "lib_find returned LIB_NOT_FOUND (-3): no such thing"
    assert str(StatusError(7, "lib_f")) == "lib_f returned unknown status 7"
    copy = pickle.loads(pickle.dumps(exc))
    assert type(copy) is StatusError and copy.status == Status.NOT_FOUND and copy.detail == "no such thing"
    assert isinstance(exc, PackageError) and isinstance(exc, errors.InteropError)


# -- versions --

def test_version_detection_and_refusal() -> None:
    found = versions.detect(TABLE, {"a"}.__contains__)
    assert (found.version, found.candidates) == ("1.0.0", ["1.0.0", "1.1.0"])  # 1.1 adds nothing: not provable
    assert versions.detect(TABLE, {"a"}.__contains__, lambda: "1.1.0-123").candidates == ["1.1.0"]
    assert versions.detect(TABLE, {"a"}.__contains__, lambda: "garbage").version == "1.0.0"
    with pytest.raises(errors.NeedsNewerLibrary, match=r"^b needs Lib >= 2\.0\.0; the loaded library is 1\.0\.0 or 1\.1\.0$"):
        versions.require(found, "b")
    versions.require(versions.detect(TABLE, {"a", "b", "c"}.__contains__), "b")
    too_old = versions.detect(TABLE, set().__contains__)
    assert too_old.index == -1 and too_old.missing == ["a"]
    with pytest.raises(errors.UnsupportedLibraryVersion, match=r"older than 1\.0\.0.*missing: a"):
        versions.check_supported(too_old)
    assert versions.release_key("2026.3.0-19215-abc") == (2026, 3, 0) and versions.release_key("x") is None
    with pytest.raises(ValueError):
        versions.VersionTable("Lib", ("1.0.0",), (), {})


# -- handles --

def test_close_during_a_borrow_waits_for_the_call(native: Native) -> None:
    freed: list[int] = []
    obj = thing(native, freed)
    keep = handles.Keep()
    keep.borrow(obj)
    obj.close()
    assert freed == [] and not obj.closed
    with pytest.raises(ValueError, match="closed"):
        keep.borrow(obj)  # a close is pending: no new call starts
    keep.release()
    assert freed == [1] and obj.closed
    obj.close()
    assert freed == [1]
    with pytest.raises(ValueError, match="Thing is closed"):
        obj.c_pointer


def test_handles_have_no_public_constructor_and_prepared_calls_run_once(native: Native) -> None:
    with pytest.raises(TypeError, match="no constructor"):
        Thing()
    obj = thing(native)
    keep = handles.Keep()
    keep.borrow(obj)
    prepared = handles.Prepared(keep, lambda: 42)
    assert prepared() == 42 and obj._busy == 0
    with pytest.raises(RuntimeError, match="runs once"):
        prepared()
    obj._retain("first", ("slot",))
    obj._retain("second", ("slot",))
    assert [held.value for held in obj._retained or [] if isinstance(held, handles._Slot)] == ["second"]


# -- conversion --

def test_scalars(native: Native) -> None:
    assert convert.c_int(5, "n", 0, 10) == 5
    for bad, error in ((True, TypeError), ("5", TypeError), (11, ValueError), (5.0, TypeError)):
        with pytest.raises(error, match="^n: "):
            convert.c_int(bad, "n", 0, 10)
    assert convert.c_float(3, "f") == 3.0
    with pytest.raises(ValueError, match="too large for a C float"):
        convert.c_float(1e39, "f", single=True)
    assert convert.c_float(float("inf"), "f", single=True) == float("inf")
    with pytest.raises(TypeError):
        convert.c_bool(1, "b")
    assert convert.c_enum(Status.FAILED, "s", Status) == -1
    with pytest.raises(ValueError, match="not a Status value"):
        convert.c_enum(5, "s", Status)


def test_strings_arrays_and_properties(native: Native) -> None:
    keep = handles.Keep()
    ffi = native.ffi
    assert ffi.string(convert.c_string(native, keep, "héllo", "s")).decode() == "héllo"
    assert convert.c_string(native, keep, None, "s", optional=True) == ffi.NULL
    with pytest.raises(ValueError, match="embedded NUL"):
        convert.c_string(native, keep, "a\0b", "s")
    assert ffi.string(convert.c_path(native, keep, Path("/tmp/x"), "p")) == b"/tmp/x"
    array, count = convert.c_string_array(native, keep, [], "a")
    assert count == 0 and array != ffi.NULL  # never NULL, even when empty
    array, count = convert.c_int_array(native, keep, [1, 2], "a", "int64_t", -(2 ** 63), 2 ** 63 - 1)
    assert (count, list(array)) == (2, [1, 2])
    pairs = convert.c_key_values(native, keep, {"A": 1}, {"B": "x"})
    assert [ffi.string(p) for p in pairs] == [b"A", b"1", b"B", b"x"]
    with pytest.raises(ValueError, match="given twice"):
        convert.c_key_values(native, keep, {"A": 1}, {"A": 2})
    # Booleans as OpenVINO spells them in strings (upstream's Python API takes True/False).
    pairs = convert.c_key_values(native, keep, {"A": True}, {"B": False})
    assert [ffi.string(p) for p in pairs] == [b"A", b"YES", b"B", b"NO"]
    with pytest.raises(TypeError, match=r"properties\['A'\]: expected str, bool, int or float, got list"):
        convert.c_key_values(native, keep, {"A": [1]}, {})


def test_handles_and_foreign_pointers(native: Native) -> None:
    keep = handles.Keep()
    obj = thing(native)
    assert convert.c_handle(native, keep, obj, Thing, "t") == obj.c_pointer
    with pytest.raises(TypeError, match="t: expected Thing, got str"):
        convert.c_handle(native, keep, "x", Thing, "t")
    # Any package's Handle is borrowed as a foreign pointer: closing it waits for the call.
    pointer = convert.c_foreign(native, keep, obj, "thing_t *", "img")
    assert native.ffi.typeof(pointer).cname == "thing_t *"
    obj.close()
    assert not obj.closed
    keep.release()
    assert obj.closed
    # A struct the library knows under another name is the wrong object.
    other = native.ffi.cast("other_t *", native.ffi.new("char[8]"))
    with pytest.raises(TypeError, match="img: expected thing_t \\*, got a pointer to other_t"):
        convert.c_foreign(native, handles.Keep(), other, "thing_t *", "img")
    with pytest.raises(ValueError, match="NULL pointer"):
        convert.c_foreign(native, handles.Keep(), native.ffi.cast("thing_t *", 0), "thing_t *", "img")


def test_results_and_error_text(native: Native) -> None:
    with pytest.raises(PackageError, match="f reported success but returned no Thing"):
        convert.present(native, None, "f", "Thing")
    with pytest.raises(StatusError, match="^f returned LIB_FAILED \\(-1\\)$"):
        convert.check(-1, StatusError, 0, "f", native)
    calls: list[int] = []
    texts = {"last": native.ffi.new("char[]", b" it broke \n"), "desc": native.ffi.new("char[]", b"generic")}

    class Lib:
        def last(self) -> Any:
            return texts["last"]

        def describe(self, status: int) -> Any:
            calls.append(status)
            return texts["desc"]

    worded = Native(make_library(error_text=ErrorText(Status, frozenset({-1}), "last", description="describe")),
                    "abi", "<none>", native.ffi, Lib())
    assert convert.error_detail(worded, StatusError, -1) == "it broke"
    assert convert.error_detail(worded, StatusError, -3) == "generic" and calls == [-3]
    assert convert.error_detail(native, StatusError, -1) is None  # this library keeps no text


def test_two_call_string_getter(native: Native) -> None:
    value = b"grows"

    def call(buf: Any, size: Any) -> int:
        if buf == native.ffi.NULL:
            size[0] = len(value) + 1
            return 0
        native.ffi.memmove(buf, value + b"\0", len(value) + 1)
        return 0

    assert convert.read_string(native, call, StatusError, 0, "get") == "grows"


def test_structs_round_trip(native: Native) -> None:
    from typing import NamedTuple

    class Point(NamedTuple):
        x: int
        y: float
        name: Optional[str]

    point = structs.StructSpec("point_t", "record", Point, (
        structs.FieldSpec("x", "int"), structs.FieldSpec("y", "float"), structs.FieldSpec("name", "string")), ())
    shape = structs.StructSpec("shape_t", "list", None, (
        structs.FieldSpec("dims", "counted", None, "rank", structs.FieldSpec("", "int"), "int64_t"),), ("rank",))
    keep = handles.Keep()
    c_point = structs.to_c(native, keep, Point(1, 2.5, "p"), point, "pt")
    assert structs.to_py(native, c_point, point) == Point(1, 2.5, "p")
    c_shape = structs.to_c(native, keep, [2, 3, 4], shape, "shape")
    assert c_shape.rank == 3 and structs.to_py(native, c_shape, shape) == [2, 3, 4]
    with pytest.raises(TypeError, match="pt: expected Point"):
        structs.to_c(native, keep, (1, 2), point, "pt")


# -- callbacks --

def test_callback_results_and_errors(native: Native) -> None:
    assert [SPEC.to_c(v) for v in (None, False, True, 2)] == [0, 0, 1, 2]
    with pytest.raises(TypeError, match="expected None, a bool or one of"):
        SPEC.to_c(7)
    seen: list[str] = []
    invocation = callbacks.Invocation(native, SPEC, seen.append, "streamer")
    trampoline = native.trampolines["cb_t"]
    text = native.ffi.new("char[]", "é".encode()[:1])
    assert trampoline(text, invocation.handle) == 0
    assert trampoline(native.ffi.new("char[]", "é".encode()[1:]), invocation.handle) == 0
    assert seen == ["", "é"]  # a UTF-8 sequence split across calls decodes whole

    def boom(chunk: str) -> None:
        raise KeyError(chunk)

    failing = callbacks.Invocation(native, SPEC, boom, "streamer")
    assert trampoline(native.ffi.new("char[]", b"x"), failing.handle) == 2  # cancel
    assert trampoline(native.ffi.new("char[]", b"y"), failing.handle) == 2  # not called again
    with pytest.raises(KeyError, match="x"):
        failing.raise_pending()
    with pytest.raises(TypeError, match="streamer: expected a callable"):
        callbacks.Invocation(native, SPEC, 42, "streamer")


def test_stream_hands_chunks_over_and_stops_when_left() -> None:
    produced: list[int] = []

    def make(limit: int) -> tuple[callbacks.Stream[str], Any]:
        stream: callbacks.Stream[str] = callbacks.Stream("test-stream")

        def run() -> str:
            for i in range(limit):
                produced.append(i)
                if stream.callback(str(i)):
                    return "stopped"
            return "done"

        return stream, run

    stream, run = make(5)
    stream.start(handles.Prepared(handles.Keep(), run))
    assert list(stream) == ["0", "1", "2", "3", "4"] and stream.results == "done"
    produced.clear()
    stream, run = make(1000)
    stream.start(handles.Prepared(handles.Keep(), run))
    assert next(stream) == "0" and next(stream) == "1"
    stream.close()
    assert stream.results == "stopped" and len(produced) <= 3  # generation never ran ahead
    assert not [t for t in threading.enumerate() if t.name == "test-stream"]


# -- loader --

def test_find_library_names_every_place_tried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load = loader.Loader(make_library())
    monkeypatch.delenv("LIB_TEST_DIR", raising=False)
    assert load.find_library() is None  # the system loader decides
    plain = tmp_path / "plain" / "lib"
    plain.mkdir(parents=True)
    (plain / "liblib_nowhere.so.2630").write_bytes(b"")
    assert load.find_library(tmp_path / "plain") == plain / "liblib_nowhere.so.2630"
    monkeypatch.setenv("LIB_TEST_DIR", str(tmp_path / "absent"))
    with pytest.raises(NotFound, match=r"(?s)cannot load the Lib C library .*absent \(\$LIB_TEST_DIR: does not exist\)") as info:
        load.find_library()
    assert isinstance(info.value, OSError) and isinstance(info.value, PackageError) and info.value.tried
    monkeypatch.setenv("LIB_TEST_CFFI_MODE", "fast")
    with pytest.raises(ValueError, match="LIB_TEST_CFFI_MODE='fast'"):
        load.default_mode()
    monkeypatch.setenv("LIB_TEST_CFFI_MODE", "API")
    assert load.default_mode() == "api"


def test_loading_nothing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIB_TEST_DIR", raising=False)
    with pytest.raises(NotFound, match="liblib_nowhere.so"):
        loader.Loader(make_library()).load(mode="abi")
    assert sys.modules.get("lib_cffi") is None


def test_image_tensors_with_no_pixels() -> None:
    # genai_interop_runtime.images: what counts as an image with no pixels (u8 [N,]H,W,C), and a pointer
    # whose shape cannot be asked (no OpenVINO tensor behind it) is not checked.
    from genai_interop_runtime import images

    empty = [[0, 84, 3], [56, 0, 3], [0, 0, 3], [1, 0, 84, 3], [2, 56, 0, 3], [0, 84, 2]]
    not_empty = [[56, 84, 3], [1, 56, 84, 3], [0, 56, 84, 3], [0, 0, 84, 3], [56, 84, 0], [56, 84], [1, 1, 0, 84, 3]]
    assert all(images.empty_image(d) for d in empty)
    assert not any(images.empty_image(d) for d in not_empty)
    assert images.tensor_shape(0) is None


# -- results (genai_interop_runtime.results) --

def test_scored_lines_give_texts_and_scores() -> None:
    import math

    from genai_interop_runtime.results import split_scored_lines
    # One text alone: its score is not in the form.
    texts, scores = split_scored_lines("Hello\nworld")
    assert texts == ["Hello\nworld"] and len(scores) == 1 and math.isnan(scores[0])
    # Several: "<score with 6 decimals>: <text>" lines, as upstream's operator<< prints them.
    texts, scores = split_scored_lines("-1.250000: a\nb\n-2.500000: c")
    assert texts == ["a\nb", "c"] and scores == [-1.25, -2.5]
    texts, scores = split_scored_lines("0.500000: \n-inf: x")
    assert texts == ["", "x"] and scores[0] == 0.5 and scores[1] == float("-inf")
    # A lone text that merely starts like a score stays one text.
    texts, scores = split_scored_lines("3.141593: pi")
    assert texts == ["3.141593: pi"] and math.isnan(scores[0])
    assert split_scored_lines("")[0] == [""]


def test_metrics_add_hands_the_native_object_on() -> None:
    from genai_interop_runtime.errors import InteropError
    from genai_interop_runtime.results import Metrics

    class Box:
        def __init__(self, n: int) -> None:
            self.n = n

    class Counted(Metrics):
        __slots__ = ()

        def _getters(self, handle: Any) -> Any:
            return {"n": lambda: handle.n}

        def _add_native(self, left: Any, right: Any) -> None:
            left.n += right.n

    def make(n: int) -> Counted:
        box = Box(n)
        return Counted._read(box, {"n": lambda: box.n})

    a, b = make(2), make(3)
    total = a + b
    assert (total._value("n"), a._value("n"), b._value("n")) == (5, 2, 3)
    with pytest.raises(InteropError, match="left side"):
        a + b
    total += b
    assert total._value("n") == 8 and b._value("n") == 3
    with pytest.raises(TypeError, match="no constructor"):
        Counted()


# -- docs --

def test_document_gives_a_class_and_its_members_the_table_s_docstrings() -> None:
    from genai_interop_runtime.docs import document

    class Box:
        def __init__(self, size: int) -> None:
            self.size = size

        def grow(self) -> None:
            pass

        @property
        def empty(self) -> bool:
            return self.size == 0

        @staticmethod
        def unit() -> "Box":
            return Box(1)

    table = {"Box": "A box.\n    ", "Box.__init__": "Makes one.\n    ", "Box.grow": "Grows it.\n    ",
             "Box.empty": "Whether it holds nothing.\n    ", "Box.unit": "The unit box.\n    ",
             "Box.size": "How big it is,\n    in litres.\n    ", "Other.grow": "Not for Box."}
    assert document(Box, table) is Box
    assert Box.__init__.__doc__ == "Makes one.\n    " and Box.grow.__doc__ == "Grows it.\n    "
    assert Box.empty.__doc__ == "Whether it holds nothing.\n    " and Box.unit.__doc__ == "The unit box.\n    "
    # An entry naming no member of the class is an instance attribute: listed in the class docstring.
    assert Box.__doc__ == "A box.\n\nAttributes:\n    size: How big it is,\n        in litres."
