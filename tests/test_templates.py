"""The `dotnet new` template pack (templates/dotnet-new/): template.json is complete and
consistent, each template instantiates the way `dotnet new` substitutes names and symbol values,
the result compiles with `mcs -langversion:7.2` against the generated OpenVINO.GenAI library (and
OpenVINO.Core for the VLM app), the apps run against the test double (the Whisper, VLM and benchmark
apps print what the samples in csharp/samples print on the same input), and the package versions
follow the newest snapshot."""
from __future__ import annotations

import importlib.util
import json
import re
import struct
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Optional

import pytest

from bindgen import snapshot
from conftest import require_tool

REPO = Path(__file__).resolve().parent.parent
PACK = REPO / "templates" / "dotnet-new"


def _load_stager():
    spec = importlib.util.spec_from_file_location("stage_dotnet_templates",
                                                  REPO / "scripts" / "stage_dotnet_templates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


STAGER = _load_stager()
# The pack as `dotnet new install` and `dotnet pack` take it: staged, with the files it shares with the samples.
STAGED = STAGER.stage(REPO / "build" / "dotnet-new")
CONTENT = STAGED / "content"
LIBRARY_CSPROJ = REPO / "csharp" / "OpenVINO.GenAI" / "OpenVINO.GenAI.csproj"
CORE_CSPROJ = REPO / "csharp" / "OpenVINO.Core" / "OpenVINO.Core.csproj"
SAMPLES = REPO / "csharp" / "samples"
TEMPLATES = sorted(p.name for p in CONTENT.iterdir() if (p / ".template.config" / "template.json").is_file())
REQUIRED = ("identity", "name", "shortName", "sourceName", "classifications", "tags", "symbols", "author", "description")
SYMBOL_TYPES = {"parameter", "generated", "derived", "computed", "bind"}
DATATYPES = {"text", "string", "choice", "bool", "boolean", "integer", "int", "float", "hex"}


def newest_api_version() -> str:
    return snapshot.load(snapshot.embedded("genai")).version or ""


def template_json(name: str) -> dict:
    return json.loads((CONTENT / name / ".template.config" / "template.json").read_text(encoding="utf-8"))


def csproj(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def prop(root: ET.Element, name: str) -> Optional[str]:
    found = root.find(f"./PropertyGroup/{name}")
    return None if found is None else (found.text or "")


def package_reference(root: ET.Element, package: str) -> Optional[str]:
    for ref in root.iter("PackageReference"):
        if ref.get("Include") == package:
            return ref.get("Version")
    return None


def instantiate(name: str, target: Path, project_name: str, values: Optional[dict[str, str]] = None) -> Path:
    """What `dotnet new <shortName> -n <project_name> --<symbol> <value>` writes: the template's files
    (without .template.config), the source name replaced in paths and content, each parameter symbol's
    `replaces` text replaced by its value (the default when not given)."""
    spec = template_json(name)
    values = values or {}
    unknown = set(values) - set(spec["symbols"])
    assert not unknown, f"no such symbols: {unknown}"
    replacements = [(spec["sourceName"], project_name)]
    for symbol, definition in spec["symbols"].items():
        if definition.get("type") == "parameter" and "replaces" in definition:
            value = values.get(symbol, definition["defaultValue"])
            if definition["datatype"] == "choice":
                assert value in [c["choice"] for c in definition["choices"]], f"{symbol}={value} is not a choice"
            replacements.append((definition["replaces"], value))
    out = target / project_name
    if out.exists():
        shutil.rmtree(out)
    source_root = CONTENT / name
    for path in sorted(source_root.rglob("*")):
        rel = path.relative_to(source_root)
        if rel.parts[0] == ".template.config" or not path.is_file():
            continue
        dest = out / str(rel).replace(spec["sourceName"], project_name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            text = text.replace(old, new)
        dest.write_text(text, encoding="utf-8")
    return out


# -- template.json --

def test_pack_holds_the_apps_and_the_class_library():
    assert TEMPLATES == ["genai-benchmark", "genai-chat", "genai-lib", "genai-vlm", "genai-whisper"]
    readme = (PACK / "README.md").read_text(encoding="utf-8")
    description = prop(csproj(PACK / "OpenVINO.GenAI.Templates.csproj"), "Description") or ""
    for name in TEMPLATES:
        assert f"`{name}`" in readme and name in description, f"{name} is not listed in the README and the package"


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_json_is_complete(name):
    spec = template_json(name)
    for key in REQUIRED:
        assert spec.get(key), f"{name}: {key} missing or empty"
    assert spec["shortName"] == name
    assert re.fullmatch(r"[A-Za-z][\w.]*\.CSharp", spec["identity"]), spec["identity"]
    assert spec["tags"] == {"language": "C#", "type": "project"}
    assert re.fullmatch(r"[A-Za-z_]\w*", spec["sourceName"]), "sourceName must be a valid C# identifier"
    assert (CONTENT / name / f"{spec['sourceName']}.csproj").is_file(), "the project file is named after sourceName"
    assert [o["path"] for o in spec["primaryOutputs"]] == [f"{spec['sourceName']}.csproj"]
    for symbol, definition in spec["symbols"].items():
        assert definition["type"] in SYMBOL_TYPES, symbol
        assert definition["datatype"] in DATATYPES, symbol
        assert definition.get("description"), symbol
        assert "defaultValue" in definition, symbol
        if definition["datatype"] == "choice":
            assert definition["defaultValue"] in [c["choice"] for c in definition["choices"]], symbol
        if "replaces" in definition:
            # The text a symbol replaces must be in the template, and its default must leave the template as it is.
            assert definition["replaces"] == definition["defaultValue"], symbol
            occurrences = sum(p.read_text(encoding="utf-8").count(definition["replaces"])
                              for p in (CONTENT / name).rglob("*") if p.is_file() and ".template.config" not in p.parts)
            assert occurrences >= 1, f"{symbol} replaces nothing"


def test_identities_and_short_names_are_unique():
    specs = [template_json(n) for n in TEMPLATES]
    for key in ("identity", "shortName", "groupIdentity"):
        values = [s[key] for s in specs]
        assert len(set(values)) == len(values), key


# -- versions and package metadata --

def test_package_versions_follow_the_newest_snapshot():
    version = newest_api_version()
    package = prop(csproj(LIBRARY_CSPROJ), "PackageId")
    assert package
    for name in TEMPLATES:
        spec = template_json(name)
        assert spec["symbols"]["GenAIVersion"]["defaultValue"] == version
        project = csproj(CONTENT / name / f"{spec['sourceName']}.csproj")
        assert package_reference(project, package) == version, f"{name} must reference {package} {version}"
    assert prop(csproj(PACK / "OpenVINO.GenAI.Templates.csproj"), "PackageVersion") == version
    # The VLM app makes its images as OpenVINO.Core tensors: that package's version follows its project.
    core = csproj(CORE_CSPROJ)
    vlm = csproj(CONTENT / "genai-vlm" / "GenAIVisualChat.csproj")
    assert package_reference(vlm, prop(core, "PackageId") or "") == prop(core, "Version")


def test_files_shared_with_the_samples_are_kept_once_and_staged_from_them(tmp_path):
    entries = STAGER.sample_files()
    assert {(e["template"], e["path"]) for e in entries} == {
        ("genai-benchmark", "BenchmarkGenAI.cs"),
        ("genai-vlm", "VisualLanguageChat.cs"), ("genai-vlm", "ImageFile.cs"), ("genai-vlm", "SampleOptions.cs"),
        ("genai-whisper", "WhisperSpeechRecognition.cs"), ("genai-whisper", "WavFile.cs"), ("genai-whisper", "SampleOptions.cs")}
    # The VLM, Whisper and benchmark apps are their samples: no C# file of their own.
    for name in ("genai-benchmark", "genai-vlm", "genai-whisper"):
        assert not list((PACK / "content" / name).rglob("*.cs")), name
    for entry in entries:
        # One copy in git: the sample's. The staged template holds it with only the namespace changed.
        assert not (PACK / "content" / entry["template"] / entry["path"]).exists()
        sample = (SAMPLES / entry["sample"]).read_text(encoding="utf-8")
        staged = (CONTENT / entry["template"] / entry["path"]).read_text(encoding="utf-8")
        namespace = f"namespace {template_json(entry['template'])['sourceName']}\n"
        assert staged == sample.replace("namespace OpenVINO.GenAI.Samples\n", namespace) and namespace in staged
    # No other template file is a sample's file either.
    sample_texts = {p.read_bytes() for p in SAMPLES.rglob("*.cs")}
    assert not [p for p in (PACK / "content").rglob("*.cs") if p.read_bytes() in sample_texts]
    # Reproducible: staging again gives the same files, byte for byte; the repository's files are all in it.
    again = STAGER.stage(tmp_path / "again")

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert files(again) == files(STAGED)
    kept = files(PACK)
    del kept["samples.toml"]
    assert kept.items() <= files(STAGED).items()


def test_staging_refuses_a_copy_in_the_template_and_a_sample_without_its_namespace(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    (pack / "content" / "genai-whisper" / "WavFile.cs").write_text("// a second copy\n")
    with pytest.raises(STAGER.StageError, match="WavFile.cs: a copy of csharp/samples/WhisperSpeechRecognition/WavFile.cs"):
        STAGER.stage(tmp_path / "out", pack=pack)
    (pack / "content" / "genai-whisper" / "WavFile.cs").unlink()
    samples = tmp_path / "samples"
    shutil.copytree(SAMPLES, samples)
    wav = samples / "WhisperSpeechRecognition" / "WavFile.cs"
    wav.write_text(wav.read_text().replace("namespace OpenVINO.GenAI.Samples", "namespace Elsewhere"))
    with pytest.raises(STAGER.StageError, match="WavFile.cs: expected one line `namespace OpenVINO.GenAI.Samples`"):
        STAGER.stage(tmp_path / "out", pack=pack, samples=samples)
    inside = subprocess.run([sys.executable, str(REPO / "scripts" / "stage_dotnet_templates.py"), str(PACK / "x")],
                            capture_output=True, text=True, timeout=60)
    assert inside.returncode == 2 and "must be outside" in inside.stderr and not (PACK / "x").exists()


def test_staging_replaces_an_earlier_staging_only(tmp_path):
    # Before, OUT was deleted whatever it was: `stage_dotnet_templates.py ~` would have removed a home folder.
    elsewhere = tmp_path / "project"
    (elsewhere / "src").mkdir(parents=True)
    (elsewhere / "src" / "Program.cs").write_text("// someone's work\n")
    refused = subprocess.run([sys.executable, str(REPO / "scripts" / "stage_dotnet_templates.py"), str(elsewhere)],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "is not a staged template pack" in refused.stderr, refused.stderr
    assert (elsewhere / "src" / "Program.cs").read_text() == "// someone's work\n"
    out = STAGER.stage(tmp_path / "out")
    (out / "stale.txt").write_text("from an earlier staging")
    assert not (STAGER.stage(out) / "stale.txt").exists()  # an earlier staging is replaced
    empty = tmp_path / "empty"
    empty.mkdir()
    assert (STAGER.stage(empty) / STAGER.PACK_PROJECT).is_file()


def test_library_csproj_has_the_nuget_metadata():
    root = csproj(LIBRARY_CSPROJ)
    assert prop(root, "PackageId") and prop(root, "Description")
    assert prop(root, "Version") == newest_api_version()
    assert prop(root, "PackageLicenseExpression") == "Apache-2.0"
    readme = prop(root, "PackageReadmeFile")
    assert readme, "PackageReadmeFile"
    packed = [n for n in root.iter("None") if n.get("Pack") == "true" and (n.get("PackagePath") or "").strip("/\\") == ""]
    assert any(Path(n.get("Include", "")).name == readme and (LIBRARY_CSPROJ.parent / n.get("Include", "")).is_file()
               for n in packed), "the readme file must be packed at the package root"


def test_template_pack_project():
    root = csproj(PACK / "OpenVINO.GenAI.Templates.csproj")
    assert prop(root, "PackageType") == "Template"
    assert prop(root, "NoDefaultExcludes") == "true", ".template.config starts with a dot and must be packed"
    assert [c.get("Include") for c in root.iter("Content")] == ["content/**/*"]
    assert (PACK / (prop(root, "PackageReadmeFile") or "missing")).is_file()


# -- instantiation --

def test_instantiation_substitutes_names_and_values(tmp_path):
    chat = instantiate("genai-chat", tmp_path, "Contoso.Chat", {"Device": "GPU", "Framework": "net9.0"})
    assert sorted(p.name for p in chat.rglob("*")) == ["Contoso.Chat.csproj", "Program.cs"]
    program = (chat / "Program.cs").read_text()
    assert "namespace Contoso.Chat" in program and "GenAIChat" not in program
    assert 'DefaultDevice = "GPU"' in program
    project = csproj(chat / "Contoso.Chat.csproj")
    assert (prop(project, "TargetFramework"), prop(project, "RootNamespace")) == ("net9.0", "Contoso.Chat")
    lib = instantiate("genai-lib", tmp_path, "Contoso.Text", {"GenAIVersion": "2099.1.0.0"})
    project = csproj(lib / "Contoso.Text.csproj")
    assert package_reference(project, prop(csproj(LIBRARY_CSPROJ), "PackageId") or "") == "2099.1.0.0"
    assert "namespace Contoso.Text" in (lib / "TextGenerator.cs").read_text()
    with pytest.raises(AssertionError, match="is not a choice"):
        instantiate("genai-chat", tmp_path, "Bad", {"Framework": "net4.8"})


# -- compiled and run against the generated library --

@pytest.fixture(scope="module")
def genai_dll(build_dir) -> Path:
    require_tool("mcs")
    from support import dotnet

    return dotnet.build_library(out_dir=build_dir / "templates" / "lib")


def mcs_compile(sources: list[Path], reference: Path, out: Path, target: str) -> None:
    """Compiles against the GenAI assembly and the runtime beside it (a PackageReference brings both), and
    OpenVINO.Core when it is there too."""
    from support import dotnet

    core = reference.with_name("OpenVINO.Core.dll")
    refs = [f"-r:{r}" for r in dotnet.with_runtime([reference] + ([core] if core.exists() else []))]
    result = subprocess.run(
        [require_tool("mcs"), "-langversion:7.2", "-warnaserror", "-nologo", f"-target:{target}", *refs,
         f"-out:{out}", *(["-doc:" + str(out.with_suffix(".xml"))] if target == "library" else []), *map(str, sources)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def core_native() -> Path:
    from support import openvino_wheel

    return openvino_wheel.c_library()


@pytest.fixture(scope="module")
def genai_and_core(genai_dll, build_dir, core_native) -> Path:
    """OpenVINO.GenAI.dll and OpenVINO.Core.dll (with its dllmap naming the wheel's libopenvino_c) in one folder."""
    from support import core_dotnet, dotnet

    folder = build_dir / "templates" / "lib-core"
    core_dotnet.build_library(core_native, folder)
    return dotnet.build_library(out_dir=folder)


def compile_template(name: str, project_name: str, library: Path, build_dir: Path) -> Path:
    project = instantiate(name, build_dir / "templates" / "projects", project_name)
    exe = library.parent / f"{project_name}.exe"
    mcs_compile(sorted(project.rglob("*.cs")), library, exe, "exe")
    return exe


def compile_sample(sample: str, library: Path) -> Path:
    exe = library.parent / f"{sample}.exe"
    mcs_compile(sorted((SAMPLES / sample).glob("*.cs")) + [SAMPLES / "SampleOptions.cs"], library, exe, "exe")
    return exe


@pytest.mark.parametrize("name,target", [("genai-chat", "exe"), ("genai-lib", "library"), ("genai-whisper", "exe"),
                                         ("genai-benchmark", "exe")])
def test_instantiated_templates_compile_with_mcs(genai_dll, build_dir, name, target):
    project = instantiate(name, build_dir / "templates" / "projects", "Sample" + name.split("-")[1].title())
    out = genai_dll.parent / (project.name + (".exe" if target == "exe" else ".dll"))
    mcs_compile(sorted(project.rglob("*.cs")), genai_dll, out, target)
    assert out.is_file()


@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
def test_chat_app_streams_replies_from_the_double(genai_dll, build_dir, tmp_path, runtime):
    from support import dotnet
    from support.double import build_double

    require_tool("mono")
    project = instantiate("genai-chat", build_dir / "templates" / "projects", "DoubleChat")
    exe = genai_dll.parent / "DoubleChat.exe"
    mcs_compile(sorted(project.rglob("*.cs")), genai_dll, exe, "exe")
    model = tmp_path / "model"
    model.mkdir()
    run = dotnet.run_mono if runtime == "mono" else dotnet.run_coreclr
    result = run(exe, [str(model)], env=dotnet.native_env(build_double()), input="Hello there\n\nWhat is new?\n/exit\n")
    assert result.returncode == 0, result.stdout + result.stderr
    prompts = result.stdout.split("> ")
    # Three prompts answered or skipped, then the prompt that read /exit: two streamed replies.
    replies = [p.strip() for p in prompts[1:] if p.strip()]
    assert len(replies) == 2 and all(len(r.split()) >= 3 for r in replies), result.stdout
    assert replies[0] != replies[1], "the chat history changes the second reply"
    usage = run(exe, [], env=dotnet.native_env(build_double()))
    assert usage.returncode == 2 and "usage: DoubleChat MODEL_DIR [DEVICE]   (DEVICE defaults to CPU)" in usage.stderr


def test_chat_app_reports_a_missing_model(genai_dll, build_dir, tmp_path):
    from support import dotnet
    from support.double import build_double

    require_tool("mono")
    project = instantiate("genai-chat", build_dir / "templates" / "projects", "MissingModelChat")
    exe = genai_dll.parent / "MissingModelChat.exe"
    mcs_compile(sorted(project.rglob("*.cs")), genai_dll, exe, "exe")
    result = dotnet.run_mono(exe, [str(tmp_path / "nowhere")], env=dotnet.native_env(build_double()), input="")
    assert result.returncode == 1 and result.stderr.startswith("error: "), result.stdout + result.stderr


# -- the Whisper, VLM and benchmark apps print what the samples print --

def write_wav(path: Path, samples: list[float], rate: int = 16000) -> Path:
    body = b"".join(struct.pack("<h", max(-32768, min(32767, int(v * 32767)))) for v in samples)
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(body), b"WAVE", b"fmt ", 16, 1, 1, rate, rate * 2, 2, 16,
                         b"data", len(body))
    path.write_bytes(header + body)
    return path


def write_ppm(path: Path, width: int, height: int, seed: int) -> Path:
    pixels = bytes((seed * 97 + i * 31) % 256 for i in range(width * height * 3))
    path.write_bytes(f"P6\n{width} {height}\n255\n".encode() + pixels)
    return path


RUNTIMES = ["mono", "coreclr"]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_whisper_app_prints_what_the_sample_prints(genai_dll, build_dir, tmp_path, runtime):
    from support import dotnet
    from support.double import build_double

    require_tool("mono")
    app = compile_template("genai-whisper", "DoubleWhisper", genai_dll, build_dir)
    sample = compile_sample("WhisperSpeechRecognition", genai_dll)
    model = tmp_path / "model"
    model.mkdir()
    wav = write_wav(tmp_path / "speech.wav", [((i * 37) % 200 - 100) / 150 for i in range(16000 * 3 // 2)], rate=8000)
    env = dotnet.native_env(build_double())
    run = dotnet.RUNNERS[runtime]
    ours, theirs = run(app, [str(model), str(wav)], env=env), run(sample, [str(model), str(wav)], env=env)
    assert ours.returncode == 0 and theirs.returncode == 0, ours.stderr + theirs.stderr
    assert ours.stdout == theirs.stdout
    lines = ours.stdout.splitlines()
    assert len(lines) >= 2 and lines[1].startswith("timestamps: [0.00, "), ours.stdout
    bad = run(app, [str(model), str(tmp_path / "speech.mp3")], env=env)
    assert bad.returncode == 1 and bad.stderr.startswith("Error: "), bad.stderr
    (tmp_path / "not.wav").write_bytes(b"ID3 not a wave")
    bad = run(app, [str(model), str(tmp_path / "not.wav")], env=env)
    assert bad.returncode == 1 and "not a RIFF/WAVE file" in bad.stderr, bad.stderr
    usage = run(app, [str(model)], env=env)
    assert usage.returncode == 2 and "usage: DoubleWhisper MODEL_DIR WAV_FILE [DEVICE]" in usage.stderr, usage.stderr
    bad = run(app, [str(model), str(wav), "--max-new-tokens", "many"], env=env)
    assert bad.returncode == 2 and "--max-new-tokens takes a whole number, not many" in bad.stderr, bad.stderr


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_benchmark_app_prints_what_the_sample_prints(genai_dll, build_dir, tmp_path, runtime):
    from support import dotnet
    from support.double import build_double

    require_tool("mono")
    app = compile_template("genai-benchmark", "DoubleBenchmark", genai_dll, build_dir)
    sample = compile_sample("BenchmarkGenAI", genai_dll)
    model = tmp_path / "model"
    model.mkdir()
    env = dotnet.native_env(build_double())
    run = dotnet.RUNNERS[runtime]
    args = ["-m", str(model), "-p", "Why is the sky blue?", "--nw", "1", "-n", "2", "--mt", "8"]
    ours, theirs = run(app, args, env=env), run(sample, args, env=env)
    assert ours.returncode == 0 and theirs.returncode == 0, ours.stderr + theirs.stderr
    assert ours.stdout == theirs.stdout  # the double's metrics are deterministic
    assert "Throughput: 500.00 ± 0.00 tokens/s" in ours.stdout, ours.stdout
    unknown = run(app, ["-m", str(model), "--bogus", "1"], env=env)
    assert unknown.returncode == 1 and "Error: Unknown option --bogus" in unknown.stderr


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_vlm_app_prints_what_the_sample_prints(genai_and_core, build_dir, core_native, tmp_path, runtime):
    from support import core_dotnet, dotnet
    from support.double import build_double

    require_tool("mono")
    app = compile_template("genai-vlm", "DoubleVisualChat", genai_and_core, build_dir)
    sample = compile_sample("VisualLanguageChat", genai_and_core)
    model = tmp_path / "model"
    model.mkdir()
    env = core_dotnet.environment(core_native, base=dotnet.native_env(build_double()))
    run = dotnet.RUNNERS[runtime]
    questions = "Describe the picture\n\nAnd what else?\n"
    first, second = write_ppm(tmp_path / "first.ppm", 8, 6, 1), write_ppm(tmp_path / "second.ppm", 8, 6, 2)
    outputs = []
    for image in (first, second):
        ours = run(app, [str(model), str(image)], env=env, input=questions)
        theirs = run(sample, [str(model), str(image)], env=env, input=questions)
        assert ours.returncode == 0 and theirs.returncode == 0, ours.stderr + theirs.stderr
        assert ours.stdout == theirs.stdout
        outputs.append(ours.stdout)
    assert outputs[0].startswith("question:\n") and outputs[0].count("----------") == 2, outputs[0]
    assert outputs[0] != outputs[1], "the double answers after the pixels: the image did not arrive"
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    bad = run(app, [str(model), str(tmp_path / "image.png")], env=env, input=questions)
    assert bad.returncode == 1 and bad.stderr.startswith("Error: ") and "PPM" in bad.stderr, bad.stderr
    usage = run(app, [str(model)], env=env)
    assert usage.returncode == 2 and "usage: DoubleVisualChat MODEL_DIR IMAGE_OR_FOLDER [DEVICE]" in usage.stderr, usage.stderr
