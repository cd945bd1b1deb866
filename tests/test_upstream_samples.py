"""Upstream's Python samples run on our shim with only the import line changed, and print exactly what
they print on the official `openvino_genai` package (issue 11, point 1).

Each covered sample (tests/support/upstream_samples.py) is read out of the upstream mirror at test time
(never committed), run unchanged with the official package, then with `import openvino_genai` changed to
`import openvino_genai_cffi as openvino_genai` against the real GenAI C library (OPENVINO_GENAI_DIR, found
the way a user would: that variable only, the shim installed in the venv, no PYTHONPATH); the two stdouts
must be equal byte for byte. Models: the tiny GGUF (text samples), the tiny Qwen2-VL (VLM); chat samples
get their questions on stdin. The samples hard-code their device and properties, so both runs use the
CPU's default precision; they load the same OpenVINO build on the same CPU, so they compute the same.

Samples that use what the C API lacks are listed with the reason (NOT_COVERED); a test checks that every
Python sample of the pinned tag is listed, and that each reason still holds (the sample uses the member,
the shim lacks it), so a sample is never dropped silently and a list that went stale fails.

Skipped, saying why, without the upstream mirror (GENAI_GIT_DIR) or the real library.
"""
from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from support import real_genai
from support import upstream_samples as us
from support.tiny_model import make_tiny_gguf


@dataclass(frozen=True)
class Case:
    id: str
    path: str
    model: str                     # "llm" (tiny GGUF) or "vlm" (tiny Qwen2-VL)
    args: tuple[str, ...] = ()     # after the model path; "{image}", "{images}" are replaced
    stdin: str = ""
    # Why the shim does not yet print what the official package does (a strict xfail: when the gap is
    # closed the test says so, and the entry goes).
    known_gap: str = ""
    marks: tuple[pytest.MarkDecorator, ...] = field(default=())


QUESTIONS = "Hello\nWhat is OpenVINO?\n"
VLM_QUESTIONS = "Describe the picture\nAnd what else?\n"

CASES = (
    Case("greedy", "text_generation/greedy_causal_lm.py", "llm", ("Hello world",)),
    Case("chat", "text_generation/chat_sample.py", "llm", (), QUESTIONS),
    Case("beam-search", "text_generation/beam_search_causal_lm.py", "llm", ("Hello",)),
    Case("beam-search-two-prompts", "text_generation/beam_search_causal_lm.py", "llm", ("Hello", "The fox")),
    Case("prompt-lookup", "text_generation/prompt_lookup_decoding_lm.py", "llm", ("Hello world",)),
    Case("vlm-one-image", "visual_language_chat/visual_language_chat.py", "vlm", ("{image}",), VLM_QUESTIONS),
    Case("vlm-two-images", "visual_language_chat/visual_language_chat.py", "vlm", ("{images}",), VLM_QUESTIONS),
)


def _param(case: Case) -> object:
    marks = list(case.marks)
    if case.known_gap:
        marks.append(pytest.mark.xfail(strict=True, reason=case.known_gap))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.fixture(scope="module")
def upstream() -> us.UpstreamSamples:
    samples = us.UpstreamSamples()
    if not samples.available:
        pytest.skip(us.SKIP_REASON)
    return samples


# -- the list of samples (needs the mirror, not the library) --

def test_every_upstream_sample_is_listed(upstream: us.UpstreamSamples) -> None:
    listed = {s.path for s in us.ALL}
    assert len(listed) == len(us.ALL), "a sample is listed twice"
    unlisted = [p for p in upstream.paths() if p not in listed]
    assert not unlisted, f"upstream samples neither covered nor listed with a reason: {unlisted}"
    for sample in us.ALL:  # each listed one is in the pinned tag or an older one (raises otherwise)
        upstream.tag_of(sample.path)


@pytest.mark.parametrize("sample", [s for s in us.NOT_COVERED if s.needs], ids=lambda s: s.path)
def test_each_reason_still_holds(upstream: us.UpstreamSamples, sample: us.Sample) -> None:
    """The sample uses what the reason names, and the shim still lacks it (when the shim gains it, move
    the sample to COVERED and give it a Case)."""
    import openvino_genai_cffi as shim

    _, text = upstream.source(sample.path)
    assert sample.reason
    for need in sample.needs:
        assert re.search(rf"\b{re.escape(need.text)}\b", text), f"{sample.path} no longer uses {need.text}"
        owner = getattr(shim, need.owner) if need.owner else shim
        assert not hasattr(owner, need.name), f"the shim now has {need}: {sample.path} may run, move it to COVERED"


def test_helpers_import_no_genai(upstream: us.UpstreamSamples) -> None:
    for sample in us.NOT_COVERED:
        if sample.helper:
            _, text = upstream.source(sample.path)
            assert us.OFFICIAL not in text, sample.path


def test_every_covered_sample_has_a_case() -> None:
    assert {s.path for s in us.COVERED} == {c.path for c in CASES}


# -- the import substitution (our own text; always runs) --

def test_to_shim_changes_only_the_import_line() -> None:
    text = "import argparse\nimport openvino_genai\n\nx = openvino_genai.LLMPipeline('m', 'CPU')\n"
    assert us.to_shim(text) == text.replace("import openvino_genai\n", "import openvino_genai_cffi as openvino_genai\n")
    aliased = "import openvino_genai as ov_genai\nprint(ov_genai.GenerationConfig())\n"
    assert us.to_shim(aliased) == "import openvino_genai_cffi as ov_genai\nprint(ov_genai.GenerationConfig())\n"
    imported = "from openvino_genai import (\n    LLMPipeline,\n)\n"
    assert us.to_shim(imported) == "from openvino_genai_cffi import (\n    LLMPipeline,\n)\n"
    with pytest.raises(ValueError, match="does not import"):
        us.to_shim("import openvino\n")
    with pytest.raises(ValueError, match="does not change"):
        us.to_shim("import openvino_genai\nif True:\n    import openvino_genai.foo\n")


# -- running them (mirror + real library) --

@pytest.fixture(scope="module")
def install() -> real_genai.GenAIInstall:
    install = real_genai.install_or_skip()
    real_genai.same_release_as_reference_or_skip(install, "the samples' output is compared with Python openvino_genai's")
    return install


@pytest.fixture(scope="module")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_gguf(tmp_path_factory.mktemp("tiny") / "tiny.gguf")


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Binary PPM files (PIL reads them, as the VLM sample does): one, and a folder of two."""
    folder = tmp_path_factory.mktemp("images")

    def ppm(path: Path, seed: int, height: int, width: int) -> Path:
        pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
        path.write_bytes(f"P6\n{width} {height}\n255\n".encode() + pixels.tobytes())
        return path

    both = folder / "both"
    both.mkdir()
    ppm(both / "a.ppm", 1, 56, 84)
    ppm(both / "b.ppm", 2, 112, 112)
    return {"image": ppm(folder / "image.ppm", 1, 56, 84), "images": both}


def _official_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH")}


def _shim_env(install: real_genai.GenAIInstall) -> dict[str, str]:
    env = _official_env()
    env[real_genai.ENV_VAR] = str(install.root)
    tokenizers = install.tokenizers_library()
    if tokenizers is not None:
        env.setdefault(real_genai.TOKENIZERS_ENV_VAR, str(tokenizers))
    return env


def run_sample(script: Path, args: list[str], stdin: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(script), *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=600)


REPO = Path(__file__).resolve().parent.parent
# Our own copy of each covered sample's scenario (python/samples): it must print what upstream's sample prints
# on the official package, given the same arguments (no --property: upstream's samples take none).
OWN_COPIES = {
    "text_generation/greedy_causal_lm.py": "greedy_causal_lm.py",
    "text_generation/chat_sample.py": "chat_sample.py",
    "text_generation/beam_search_causal_lm.py": "beam_search_causal_lm.py",
    "text_generation/prompt_lookup_decoding_lm.py": "prompt_lookup_decoding_lm.py",
    "visual_language_chat/visual_language_chat.py": "visual_language_chat.py",
}
# Our copies that still wait for a gap to close (strict xfail, as known_gap).
OWN_COPY_GAPS: dict[str, str] = {}


@pytest.fixture(scope="module")
def official_runs() -> dict[str, tuple[str, subprocess.CompletedProcess[str]]]:
    """Official runs of upstream's samples, by case id, shared by the tests of this module."""
    return {}


def _case_args(case: Case, request: pytest.FixtureRequest, tiny_gguf: Path, images: dict[str, Path]) -> list[str]:
    if case.model == "vlm":
        try:
            importlib.import_module("PIL")
        except ImportError:
            pytest.skip("the VLM sample reads images with Pillow, which is not installed (scripts/setup.sh installs it)")
        model = request.getfixturevalue("tiny_qwen2_vl")
    else:
        model = tiny_gguf
    return [str(model), *(str(images[a[1:-1]]) if a in ("{image}", "{images}") else a for a in case.args)]


def official_run(case: Case, upstream: us.UpstreamSamples, args: list[str], folder: Path,
                 cache: dict[str, tuple[str, subprocess.CompletedProcess[str]]]) -> tuple[str, subprocess.CompletedProcess[str]]:
    """(tag, completed run) of upstream's sample, unchanged, on the official package."""
    if case.id not in cache:
        tag, text = upstream.source(case.path)
        folder.mkdir(parents=True, exist_ok=True)
        script = folder / Path(case.path).name
        script.write_text(text, encoding="utf-8")
        completed = run_sample(script, args, case.stdin, _official_env(), folder)
        assert completed.returncode == 0, f"the official package failed on {case.path}@{tag}:\n{completed.stderr[-3000:]}"
        assert completed.stdout.strip(), "the official run printed nothing: nothing to compare"
        cache[case.id] = (tag, completed)
    return cache[case.id]


@pytest.mark.real_genai
@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_upstream_sample_prints_what_the_official_package_prints(
        case: Case, upstream: us.UpstreamSamples, install: real_genai.GenAIInstall, tiny_gguf: Path,
        images: dict[str, Path], request: pytest.FixtureRequest, tmp_path: Path,
        official_runs: dict[str, tuple[str, subprocess.CompletedProcess[str]]]) -> None:
    args = _case_args(case, request, tiny_gguf, images)
    tag, official = official_run(case, upstream, args, tmp_path / "official", official_runs)
    _, text = upstream.source(case.path)
    (tmp_path / "shim").mkdir()
    shim_script = tmp_path / "shim" / Path(case.path).name
    shim_script.write_text(us.to_shim(text), encoding="utf-8")
    shim = run_sample(shim_script, args, case.stdin, _shim_env(install), tmp_path / "shim")
    assert shim.returncode == 0, f"{case.path}@{tag} failed on the shim:\n{shim.stderr[-3000:]}"
    assert shim.stdout == official.stdout, f"{case.path}@{tag}: stderr of the shim run:\n{shim.stderr[-2000:]}"


def _own_param(case: Case) -> object:
    gap = OWN_COPY_GAPS.get(case.id)
    return pytest.param(case, id=case.id, marks=[pytest.mark.xfail(strict=True, reason=gap)] if gap else [])


@pytest.mark.real_genai
@pytest.mark.parametrize("case", [_own_param(c) for c in CASES])
def test_our_copy_prints_what_the_upstream_sample_prints(
        case: Case, upstream: us.UpstreamSamples, install: real_genai.GenAIInstall, tiny_gguf: Path,
        images: dict[str, Path], request: pytest.FixtureRequest, tmp_path: Path,
        official_runs: dict[str, tuple[str, subprocess.CompletedProcess[str]]]) -> None:
    args = _case_args(case, request, tiny_gguf, images)
    tag, official = official_run(case, upstream, args, tmp_path / "official", official_runs)
    ours = run_sample(REPO / "python" / "samples" / OWN_COPIES[case.path], args, case.stdin, _shim_env(install), tmp_path)
    assert ours.returncode == 0, ours.stderr[-3000:]
    assert ours.stdout == official.stdout, f"ours vs {case.path}@{tag}; stderr:\n{ours.stderr[-2000:]}"


def test_every_covered_sample_has_our_copy() -> None:
    assert set(OWN_COPIES) == {s.path for s in us.COVERED}
    for name in OWN_COPIES.values():
        assert (REPO / "python" / "samples" / name).is_file(), name


# -- the C# ports (csharp/samples), same arguments, against the official run of upstream's sample --

CSHARP_PORTS = {
    "text_generation/greedy_causal_lm.py": "GreedyCausalLM",
    "text_generation/chat_sample.py": "ChatHistorySample",
    "text_generation/beam_search_causal_lm.py": "BeamSearchCausalLM",
    "text_generation/prompt_lookup_decoding_lm.py": "PromptLookupDecodingLM",
    "visual_language_chat/visual_language_chat.py": "VisualLanguageChat",
}


@pytest.fixture(scope="module")
def csharp_ports(install: real_genai.GenAIInstall, dotnet_toolchain: None) -> dict[str, tuple[Path, dict[str, str]]]:
    """{upstream sample path: (exe, environment)} for the ports built so far."""
    from support import core_dotnet, dotnet
    from support import real_speech_vision as rsv
    from test_vlm_samples_real import CSHARP_SAMPLE as VLM_SAMPLE

    folder, refs, native = rsv.csharp_references(install, "upstream-sample-ports")
    genai = dotnet.build_library()  # the text-only ports need it alone (built beside it)
    options = REPO / "csharp" / "samples" / "SampleOptions.cs"
    vlm = dotnet.build_exe([VLM_SAMPLE / "VisualLanguageChat.cs", VLM_SAMPLE / "ImageFile.cs", options], refs,
                           folder / "VisualLanguageChat.exe")
    env = core_dotnet.environment(native, base=dotnet.native_env(install.library, install.environment()))
    ports = {"visual_language_chat/visual_language_chat.py": (vlm, env)}
    samples = REPO / "csharp" / "samples"
    for path, port in CSHARP_PORTS.items():
        if path not in ports:
            exe = dotnet.build_exe([samples / port / f"{port}.cs", options], [genai], genai.parent / f"{port}.exe")
            ports[path] = (exe, dotnet.native_env(install.library, install.environment()))
    return ports


@pytest.mark.real_genai
@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.path in CSHARP_PORTS])
def test_csharp_port_prints_what_the_upstream_sample_prints(
        case: Case, runtime: str, upstream: us.UpstreamSamples, tiny_gguf: Path, images: dict[str, Path],
        request: pytest.FixtureRequest, tmp_path: Path, csharp_ports: dict[str, tuple[Path, dict[str, str]]],
        official_runs: dict[str, tuple[str, subprocess.CompletedProcess[str]]]) -> None:
    from support import dotnet

    args = _case_args(case, request, tiny_gguf, images)
    tag, official = official_run(case, upstream, args, tmp_path / "official", official_runs)
    exe, env = csharp_ports[case.path]
    port = dotnet.RUNNERS[runtime](exe, args, env, input=case.stdin, timeout=600)
    assert port.returncode == 0, port.stderr[-3000:]
    assert port.stdout == official.stdout, f"{CSHARP_PORTS[case.path]} vs {case.path}@{tag}; stderr:\n{port.stderr[-2000:]}"


def test_the_doc_lists_every_sample() -> None:
    """docs/upstream-samples.md names every sample of the list (by file name) and every copy and port."""
    doc = (REPO / "docs" / "upstream-samples.md").read_text(encoding="utf-8")
    for sample in us.ALL:
        assert Path(sample.path).name in doc, sample.path
    for sample in us.COVERED:
        assert f"`{sample.path}`" in doc and f"`python/samples/{OWN_COPIES[sample.path]}`" in doc, sample.path
    for port in CSHARP_PORTS.values():
        assert f"`{port}`" in doc, port
