"""Finding and using a real OpenVINO GenAI install (the C library), and the Python reference.

Tests that run against the real library get the install from `OPENVINO_GENAI_DIR`, which may
point at an archive (`runtime/lib/intel64`, `runtime/include`) or a plain prefix (`lib`,
`include`). Without it, `install_or_skip()` skips the test and says why.

What a process needs to use an install (see tests/double/MEASURED.md):
- the library folder on `LD_LIBRARY_PATH`: the GenAI libraries carry no RUNPATH, so their
  dependencies (libopenvino, TBB) are only found through it;
- `OPENVINO_TOKENIZERS_PATH_GENAI` set to the *file* `libopenvino_tokenizers.so` when the install
  has none next to `libopenvino_genai.so` (the C++ library uses this variable when set, else
  looks beside its own real path; a folder in the variable does not work). We take it from the
  installed `openvino_tokenizers` wheel.

`c_conversations` drives the C library through ctypes in a child process started with that
environment; `reference_text` / `reference_conversations` run Python `openvino_genai` (pybind)
in another child, so the pybind module and the C library under test never share a process.
"""
from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

ENV_VAR = "OPENVINO_GENAI_DIR"
TOKENIZERS_ENV_VAR = "OPENVINO_TOKENIZERS_PATH_GENAI"
C_LIBRARY = "libopenvino_genai_c.so"
CPP_LIBRARY_PREFIX = "libopenvino_genai.so"
TOKENIZERS_LIBRARY = "libopenvino_tokenizers.so"

# Properties every comparison uses: this CPU computes in bf16 by default, which makes greedy
# text depend on the CPU; f32 makes the C run and the Python reference agree.
F32_PROPERTIES: Mapping[str, str] = {"INFERENCE_PRECISION_HINT": "f32"}

# (library folder, include folder) relative to the install root, archive layout first.
LAYOUTS = (("runtime/lib/intel64", "runtime/include"), ("lib", "include"), ("lib64", "include"))

# Loaded in this order by `load_library` so that every dependency is already in the process
# (matched by soname) before the library that needs it; the GenAI libraries have no RUNPATH.
PRELOAD_ORDER = ("libtbb.so*", "libopenvino.so*", "libopenvino_c.so*", "libopenvino_genai.so*")


class InstallNotFound(RuntimeError):
    """OPENVINO_GENAI_DIR is unset or does not hold the GenAI C library; the message says which."""


@dataclass(frozen=True)
class GenAIInstall:
    root: Path
    lib_dir: Path
    include_dir: Path | None

    @property
    def library(self) -> Path:
        """The GenAI C library (unversioned name, as a linker or dlopen would use it)."""
        return self.lib_dir / C_LIBRARY

    @property
    def library_dirs(self) -> list[Path]:
        """Folders the dynamic loader must search: the library folder, plus TBB's own folder
        in archive layouts that keep it apart (runtime/3rdparty/tbb/lib)."""
        dirs = [self.lib_dir]
        tbb = self.root / "runtime" / "3rdparty" / "tbb" / "lib"
        if tbb.is_dir():
            dirs.append(tbb)
        return dirs

    def version(self) -> str | None:
        """"YYYY.M.P" from the versioned file names of the C library (`.so.2026.3.0.0` or the
        soname's `.so.2630`), or None when there is none."""
        for path in sorted(self.lib_dir.glob(C_LIBRARY + ".*")):
            suffix = path.name[len(C_LIBRARY) + 1 :]
            full = re.fullmatch(r"(\d{4})\.(\d+)\.(\d+)(\.\d+)*", suffix)
            if full:
                return f"{full[1]}.{full[2]}.{full[3]}"
            compact = re.fullmatch(r"(\d{2})(\d)(\d)", suffix)
            if compact:
                return f"20{compact[1]}.{compact[2]}.{compact[3]}"
        return None

    def tokenizers_library(self) -> Path | None:
        """The libopenvino_tokenizers.so GenAI must be told about, or None when it finds its own
        (one next to the real path of every libopenvino_genai.so* here)."""
        candidates = list(self.lib_dir.glob(CPP_LIBRARY_PREFIX + "*"))
        if candidates and all((c.resolve().parent / TOKENIZERS_LIBRARY).exists() for c in candidates):
            return None
        return wheel_tokenizers_library()

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment for a child process that uses this install: `base` (default: this
        process's environment) with the library folders prepended to LD_LIBRARY_PATH and
        OPENVINO_TOKENIZERS_PATH_GENAI set when needed (an existing value is kept)."""
        env = dict(os.environ if base is None else base)
        paths = [str(d) for d in self.library_dirs]
        if env.get("LD_LIBRARY_PATH"):
            paths.append(env["LD_LIBRARY_PATH"])
        env["LD_LIBRARY_PATH"] = os.pathsep.join(paths)
        env[ENV_VAR] = str(self.root)
        tokenizers = self.tokenizers_library()
        if tokenizers is not None and not env.get(TOKENIZERS_ENV_VAR):
            env[TOKENIZERS_ENV_VAR] = str(tokenizers)
        return env


def wheel_tokenizers_library() -> Path | None:
    """libopenvino_tokenizers.so from the installed openvino_tokenizers wheel (not imported:
    importing it loads openvino into this process)."""
    spec = importlib.util.find_spec("openvino_tokenizers")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "lib" / TOKENIZERS_LIBRARY
        if candidate.exists():
            return candidate
    return None


def find_install(value: str | os.PathLike[str] | None = None) -> GenAIInstall:
    """The install at `value` (default: $OPENVINO_GENAI_DIR); raises InstallNotFound saying why."""
    if value is None:
        value = os.environ.get(ENV_VAR)
        if not value:
            raise InstallNotFound(f"needs the real OpenVINO GenAI C library: set {ENV_VAR} to an install")
    root = Path(value).expanduser()
    if not root.is_dir():
        raise InstallNotFound(f"{ENV_VAR}={value} is not a directory")
    searched = []
    for lib, include in LAYOUTS:
        lib_dir = root / lib
        searched.append(str(lib_dir / C_LIBRARY))
        if (lib_dir / C_LIBRARY).exists():
            include_dir = root / include
            has_headers = (include_dir / "openvino" / "genai" / "c").is_dir()
            return GenAIInstall(root.resolve(), lib_dir.resolve(), include_dir.resolve() if has_headers else None)
    raise InstallNotFound(f"{ENV_VAR}={value} holds no {C_LIBRARY}; looked for: " + ", ".join(searched))


def export_ir(install: GenAIInstall, gguf: Path, folder: Path) -> Path:
    """`folder` holding the IR model the library writes when it loads the GGUF file `gguf`
    (enable_save_ov_model), with its tokenizer and generation_config.json; the GGUF copy it was
    written from is removed. Done in a child process (through the cffi shim on this install)."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(gguf, folder / gguf.name)
    env = install.environment()
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "python")
    writer = ("import openvino_genai_cffi as g, sys; g.load(sys.argv[1]); "
              "g.LLMPipeline(sys.argv[2], 'CPU', enable_save_ov_model=True).close()")
    subprocess.run([sys.executable, "-c", writer, str(install.root), str(folder / gguf.name)], env=env, check=True,
                   timeout=300)
    (folder / gguf.name).unlink()
    return folder


def install_or_skip(pipelines: bool = True) -> GenAIInstall:
    """For tests: the install from $OPENVINO_GENAI_DIR, or a pytest skip that says why.
    A set but broken OPENVINO_GENAI_DIR fails instead of skipping: that is a set-up error.
    With `pipelines` (tests that make pipelines), also a skip when the library is older than the
    pipeline create the bindings and the C samples call (see pipelines_unavailable)."""
    import pytest

    if not os.environ.get(ENV_VAR):
        pytest.skip(f"needs the real OpenVINO GenAI C library: set {ENV_VAR} to an install")
    try:
        install = find_install()
    except InstallNotFound as error:
        pytest.fail(str(error))
    reason = pipelines_unavailable(install) if pipelines else None
    if reason:
        pytest.skip(reason)
    return install


def pipelines_unavailable(install: GenAIInstall) -> str | None:
    """Why no LLM pipeline can be made on `install` by the bindings and the C samples, or None: 2025.1's
    ov_genai_llm_pipeline_create takes no properties (the bindings refuse it, "needs >= 2025.2"), and
    its streamer status enum is spelled otherwise (the C samples don't compile against its headers)."""
    from openvino_genai_cffi._versions import TABLE

    needed, library = TABLE.since_version("ov_genai_llm_pipeline_create"), install.version()
    if needed is None or library is None:
        return None
    release = tuple(int(part) for part in library.split(".")[:3])
    if release < tuple(int(part) for part in needed.split(".")[:3]):
        return (f"makes pipelines, and {install.library} is GenAI {library}: the pipeline create the bindings and the "
                f"C samples call needs GenAI >= {needed}")
    return None


def official_release() -> str | None:
    """"YYYY.M.P" of the Python openvino_genai package the references run (this interpreter's), or None."""
    import importlib.metadata

    try:
        full = importlib.metadata.version("openvino-genai")
    except importlib.metadata.PackageNotFoundError:
        return None
    match = re.match(r"(\d{4})\.(\d+)\.(\d+)", full)
    return f"{match[1]}.{match[2]}.{match[3]}" if match else None


def same_release_as_reference_or_skip(install: GenAIInstall, what: str) -> None:
    """For tests whose expected output comes from Python openvino_genai (or was measured on one release):
    a pytest skip that says why when the install is of another release. VLM and Whisper outputs of the tiny
    models differ between releases (measured: 2025.4 vs 2026.3), and two releases' GenAI libraries can't
    share a process."""
    import pytest

    library, official = install.version(), official_release()
    if library is None or library != official:
        pytest.skip(f"{what}: the library is GenAI {library or '(version unknown)'}, the Python openvino_genai here "
                    f"{official or '(not installed)'}; their outputs differ between releases")


def shim_release() -> str:
    """"YYYY.M.P" of the GenAI API the cffi shim and the C# bindings are generated for (the newest snapshot)."""
    from bindgen import snapshot

    return ".".join(snapshot.embedded("genai").stem.split("-", 1)[1].split(".")[:3])


def api_mode_unavailable(install: GenAIInstall) -> str | None:
    """Why the cffi shim's API mode can't be built for `install`, or None: API mode compiles the shim's
    declarations (of the newest release) against the install's own headers, and an older release's headers
    lack some of them (2025.4: openvino/genai/c/chat_history.h). ABI mode is the one for older libraries."""
    library, shim = install.version(), shim_release()
    if library is not None and library != shim:
        return (f"cffi API mode needs the headers of GenAI {shim} (the shim's release); {install.library} is GenAI "
                f"{library}, so only ABI mode runs on it")
    return None


def api_mode_or_skip(install: GenAIInstall, mode: str) -> None:
    """A pytest skip when `mode` is "api" and the shim's API mode can't be built for `install`."""
    import pytest

    reason = api_mode_unavailable(install) if mode == "api" else None
    if reason:
        pytest.skip(reason)


# Installs of older releases (e.g. built from their tags), for version-detection tests: install roots
# separated by os.pathsep. Unset: those tests skip (the version stubs of the double always run).
OLD_DIRS_ENV_VAR = "OPENVINO_GENAI_OLD_DIRS"


def old_installs_or_skip() -> list[GenAIInstall]:
    """For tests: the installs named by $OPENVINO_GENAI_OLD_DIRS, or a pytest skip that says why.
    A named folder that holds no install fails instead of skipping."""
    import pytest

    value = os.environ.get(OLD_DIRS_ENV_VAR, "")
    roots = [part for part in value.split(os.pathsep) if part]
    if not roots:
        pytest.skip(f"needs real GenAI C libraries of older releases: set {OLD_DIRS_ENV_VAR} to install roots "
                    f"separated by {os.pathsep!r}")
    try:
        return [find_install(root) for root in roots]
    except InstallNotFound as error:
        pytest.fail(f"{OLD_DIRS_ENV_VAR}: {error}")


_loaded: dict[Path, ctypes.CDLL] = {}


def load_library(install: GenAIInstall) -> ctypes.CDLL:
    """Load the GenAI C library into this process with ctypes.

    LD_LIBRARY_PATH cannot change for a running process, so the dependencies are loaded first
    by absolute path (later lookups match them by soname), and OPENVINO_TOKENIZERS_PATH_GENAI is
    set in os.environ (GenAI reads it when a pipeline is created)."""
    if install.library in _loaded:
        return _loaded[install.library]
    for pattern in PRELOAD_ORDER:
        for directory in install.library_dirs:
            matches = sorted(p for p in directory.glob(pattern) if p.is_file())
            if matches:
                ctypes.CDLL(str(matches[0]), mode=ctypes.RTLD_GLOBAL)
                break
    tokenizers = install.tokenizers_library()
    if tokenizers is not None:
        os.environ.setdefault(TOKENIZERS_ENV_VAR, str(tokenizers))
    library = ctypes.CDLL(str(install.library))
    _loaded[install.library] = library
    return library


# A ctypes driver of the real C library for a child process started with `install.environment()`
# (so the C library never shares a process with the pybind module or with a test double of the
# same soname). Reads a JSON job from stdin, prints one JSON result.
_C_DRIVER_SCRIPT = r"""
import ctypes, json, sys, threading

job = json.load(sys.stdin)
lib = ctypes.CDLL(job["library"])
P = ctypes.c_void_p
CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)

class Streamer(ctypes.Structure):
    _fields_ = [("callback_func", CALLBACK), ("args", ctypes.c_void_p)]

for name in ("ov_genai_llm_pipeline_create", "ov_genai_llm_pipeline_generate",
             "ov_genai_decoded_results_get_string", "ov_genai_generation_config_create"):
    getattr(lib, name).restype = ctypes.c_int
lib.ov_genai_llm_pipeline_generate.argtypes = [P, ctypes.c_char_p, P, ctypes.POINTER(Streamer), ctypes.POINTER(P)]
lib.ov_genai_decoded_results_get_string.argtypes = [P, ctypes.c_char_p, ctypes.POINTER(ctypes.c_size_t)]

def check(status, what):
    if status != 0:
        raise SystemExit(f"{what} returned status {status}")

pipe = P()
pairs = [v.encode() for kv in job["properties"].items() for v in kv]
status = lib.ov_genai_llm_pipeline_create(job["model"].encode(), job["device"].encode(),
                                          ctypes.c_size_t(len(pairs)), ctypes.byref(pipe), *pairs)
check(status, "ov_genai_llm_pipeline_create")

config = P()
check(lib.ov_genai_generation_config_create(ctypes.byref(config)), "ov_genai_generation_config_create")
for key, value in job["config"].items():
    setter = getattr(lib, "ov_genai_generation_config_set_" + key)
    setter.restype = ctypes.c_int
    if key == "stop_strings":
        array = (ctypes.c_char_p * len(value))(*[v.encode() for v in value])
        status = setter(config, array, ctypes.c_size_t(len(value)))
    elif key == "stop_token_ids":
        array = (ctypes.c_int64 * len(value))(*value)
        status = setter(config, array, ctypes.c_size_t(len(value)))
    elif isinstance(value, bool):
        status = setter(config, ctypes.c_bool(value))
    elif isinstance(value, int):
        status = setter(config, ctypes.c_size_t(value))
    else:
        status = setter(config, ctypes.c_float(value))
    check(status, "ov_genai_generation_config_set_" + key)

def decoded_text(results):
    size = ctypes.c_size_t(0)
    check(lib.ov_genai_decoded_results_get_string(results, None, ctypes.byref(size)), "get_string (size)")
    buffer = ctypes.create_string_buffer(size.value)
    check(lib.ov_genai_decoded_results_get_string(results, buffer, ctypes.byref(size)), "get_string")
    return buffer.value.decode("utf-8")

conversations = []
for turns in job["conversations"]:
    chat = len(turns) > 1 or job["chat"]
    if chat:
        check(lib.ov_genai_llm_pipeline_start_chat(pipe), "ov_genai_llm_pipeline_start_chat")
    out = []
    for turn in turns:
        if isinstance(turn, str):
            turn = {"prompt": turn}
        prompt, stop_after, answer = turn["prompt"], turn.get("stop_after", 0), turn.get("status", 0)
        chunks, on_main = [], []
        def on_chunk(text, args):
            chunks.append(text.decode("utf-8"))
            on_main.append(threading.current_thread() is threading.main_thread())
            return answer if stop_after and len(chunks) >= stop_after else 0
        callback = CALLBACK(on_chunk)  # kept alive until generate returns
        streamer = Streamer(callback, None)
        results = P()
        check(lib.ov_genai_llm_pipeline_generate(pipe, prompt.encode(), config, ctypes.byref(streamer),
                                                 ctypes.byref(results)), "ov_genai_llm_pipeline_generate")
        out.append({"text": decoded_text(results), "chunks": chunks, "on_main_thread": on_main})
        lib.ov_genai_decoded_results_free(results)
    if chat:
        check(lib.ov_genai_llm_pipeline_finish_chat(pipe), "ov_genai_llm_pipeline_finish_chat")
    conversations.append(out)
lib.ov_genai_generation_config_free(config)
lib.ov_genai_llm_pipeline_free(pipe)
json.dump(conversations, sys.stdout)
"""


@dataclass(frozen=True)
class CTurn:
    text: str  # decoded text from ov_genai_decoded_results_get_string
    chunks: list[str]  # what the streamer callback received, in order
    on_main_thread: list[bool]  # per callback: did it run on the thread that called generate


def c_conversations(
    install: GenAIInstall,
    model: Path,
    conversations: Sequence[Sequence[str | Mapping[str, Any]]],
    config: Mapping[str, Any],
    properties: Mapping[str, str] = F32_PROPERTIES,
    chat: bool = False,
    device: str = "CPU",
) -> list[list[CTurn]]:
    """Run the real C library (through ctypes, in a child process with `install.environment()`)
    over conversations, streaming each turn; the mirror of `reference_conversations`.

    A turn is a prompt, or {"prompt": ..., "stop_after": n, "status": s}: the callback returns
    RUNNING (0) until its n-th call, then `s` (1 STOP, 2 CANCEL) from that call on."""
    if "max_new_tokens" not in config:
        raise ValueError("config needs max_new_tokens: a GGUF model has no default limit")
    job = {
        "library": str(install.library),
        "model": str(model),
        "device": device,
        "properties": dict(properties),
        "config": dict(config),
        "conversations": [list(turns) for turns in conversations],
        "chat": chat,
    }
    completed = subprocess.run(
        [sys.executable, "-c", _C_DRIVER_SCRIPT],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=install.environment(),
        timeout=600,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the GenAI C library driver failed ({completed.returncode}):\n{completed.stderr}")
    return [[CTurn(**turn) for turn in turns] for turns in json.loads(completed.stdout)]


# The child process: reads a JSON job from stdin, prints one JSON result. Kept as data so that the
# pybind module is only ever imported in the child.
_REFERENCE_SCRIPT = r"""
import json, sys
import openvino_genai as og

job = json.load(sys.stdin)
pipe = og.LLMPipeline(job["model"], "CPU", **job["properties"])

def make_config(values):
    config = og.GenerationConfig()
    for key, value in values.items():
        if key in ("stop_strings", "stop_token_ids"):
            value = set(value)
        setattr(config, key, value)
    return config

config = make_config(job["config"])
results = []
for turns in job["conversations"]:
    chat = len(turns) > 1 or job["chat"]
    if chat:
        pipe.start_chat()
    texts, chunks = [], []
    for turn in turns:
        if isinstance(turn, str):
            turn = {"prompt": turn}
        prompt, stop_after, answer = turn["prompt"], turn.get("stop_after", 0), turn.get("status", 0)
        pieces = []
        def streamer(text):
            pieces.append(text)
            return og.StreamingStatus(answer if stop_after and len(pieces) >= stop_after else 0)
        texts.append(str(pipe.generate(prompt, config, streamer=streamer)))
        chunks.append(pieces)
    if chat:
        pipe.finish_chat()
    results.append({"texts": texts, "chunks": chunks})
json.dump(results, sys.stdout)
"""


@dataclass(frozen=True)
class ReferenceTurn:
    text: str  # the decoded text generate returned
    chunks: list[str]  # what the streamer received, in order


def reference_conversations(
    model: Path,
    conversations: Sequence[Sequence[str | Mapping[str, Any]]],
    config: Mapping[str, Any],
    properties: Mapping[str, str] = F32_PROPERTIES,
    chat: bool = False,
) -> list[list[ReferenceTurn]]:
    """Run Python openvino_genai once over several conversations (lists of turns, each a prompt
    or a dict as in `c_conversations`).

    A conversation with more than one prompt (or any, when `chat`) runs between start_chat and
    finish_chat. `config` holds GenerationConfig attributes (`max_new_tokens` is required: a
    GGUF model has no default limit). One child process serves them all."""
    if "max_new_tokens" not in config:
        raise ValueError("config needs max_new_tokens: a GGUF model has no default limit")
    job = {
        "model": str(model),
        "properties": dict(properties),
        "config": dict(config),
        "conversations": [list(turns) for turns in conversations],
        "chat": chat,
    }
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)  # the wheel finds its own libraries
    completed = subprocess.run(
        [sys.executable, "-c", _REFERENCE_SCRIPT],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=600,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"Python openvino_genai reference failed ({completed.returncode}):\n{completed.stderr}")
    return [
        [ReferenceTurn(text, chunks) for text, chunks in zip(result["texts"], result["chunks"])]
        for result in json.loads(completed.stdout)
    ]


def reference_text(
    model: Path,
    prompt: str,
    config: Mapping[str, Any],
    properties: Mapping[str, str] = F32_PROPERTIES,
) -> str:
    """Greedy text Python openvino_genai generates for `prompt` (f32 unless `properties` say otherwise)."""
    return reference_conversations(model, [[prompt]], config, properties)[0][0].text


def reference_chat(
    model: Path,
    prompts: Sequence[str],
    config: Mapping[str, Any],
    properties: Mapping[str, str] = F32_PROPERTIES,
) -> list[str]:
    """The answers Python openvino_genai gives to `prompts` as turns of one chat."""
    return [turn.text for turn in reference_conversations(model, [prompts], config, properties, chat=True)[0]]
