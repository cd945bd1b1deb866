"""The C# emitter: what it renders from the model (no .NET runtime needed except for compiling).

The committed output is checked byte for byte by `python -m bindgen check`; these tests check
what it must contain, that it compiles with `mcs -warnaserror` for every library description we
have (genai, core, the acme fixture, the real upstream headers when present), and that
constructs it can't bind faithfully are refused by name instead of rendered wrongly.
"""
from __future__ import annotations

import copy
import dataclasses
import re
import subprocess
from pathlib import Path

import pytest

from bindgen import conventions as conv
from bindgen import library as libmod
from bindgen import model as m
from bindgen import snapshot, versions
from bindgen.emit import EmitError, csharp
from conftest import require_tool
from support import upstream_headers

REPO = Path(__file__).resolve().parent.parent
GENERATED = REPO / "csharp" / "OpenVINO.GenAI" / "Generated"

# Types a blittable raw signature may use (besides enums, raw structs and pointers to these).
BLITTABLE = {"void", "byte", "sbyte", "short", "ushort", "int", "uint", "long", "ulong", "float", "double",
             "IntPtr", "UIntPtr"}


def render(name: str = "genai", api: m.API | None = None, lib: libmod.Library | None = None) -> dict[str, str]:
    lib = lib or libmod.load(name)
    api = api or snapshot.load(snapshot.embedded(name))
    return csharp.render(api, conv.infer(api, lib), versions.prepare(api, lib))


@pytest.fixture(scope="module")
def genai_files() -> dict[str, str]:
    return render("genai")


@pytest.fixture(scope="module")
def genai_api() -> m.API:
    return snapshot.load(snapshot.embedded("genai"))


def extern_signatures(text: str) -> list[tuple[str, str, str, str]]:
    """(entry point, return type, method name, parameter list) of every DllImport."""
    pattern = re.compile(r'\[DllImport\(Library, EntryPoint = "(\w+)", CallingConvention = CallingConvention.Cdecl, '
                         r'ExactSpelling = true\)\]\s+(?:public|private) static extern (\S+) (\w+)\(([^)]*)\);')
    return pattern.findall(text)


def test_every_function_is_bound_with_cdecl_and_exact_spelling(genai_files, genai_api):
    signatures = extern_signatures(genai_files["NativeMethods.g.cs"])
    entry_points = {s[0] for s in signatures}
    assert entry_points == {f.name for f in genai_api.functions}
    assert len(genai_api.functions) == 153
    # Non-variadic functions are bound once, under their C name.
    plain = [s for s in signatures if s[0] == s[2]]
    assert len(plain) == len([f for f in genai_api.functions if not f.variadic])


def test_raw_signatures_are_blittable(genai_files):
    text = genai_files["NativeMethods.g.cs"]
    enums = set(re.findall(r"public enum (\w+)", genai_files["Enums.g.cs"]))
    structs = set(re.findall(r"public unsafe struct (\w+)", text))
    allowed = BLITTABLE | enums | structs | {f"Native.{s}" for s in structs}
    for entry, returns, _, params in extern_signatures(text):
        types = [returns] + [p.rsplit(" ", 1)[0] for p in params.split(", ") if p]
        for t in types:
            assert t.rstrip("*") in allowed, f"{entry}: {t} is not blittable"
    externs = "\n".join(line for line in text.splitlines() if " extern " in line or "DllImport" in line)
    for word in ("MarshalAs", " string ", " bool ", " ref ", " out ", "StringBuilder", "SafeHandle"):
        assert word not in externs, word


def test_c_bool_is_one_byte_and_size_t_is_uintptr(genai_files):
    text = genai_files["NativeMethods.g.cs"]
    assert re.search(r"ov_genai_generation_config_set_ignore_eos\(IntPtr config, byte value\)", text)
    assert re.search(r"ov_genai_whisper_generation_config_get_is_multilingual\(IntPtr config, byte\* is_multilingual\)", text)
    assert re.search(r"ov_genai_generation_config_set_max_new_tokens\(IntPtr handle, UIntPtr value\)", text)
    assert re.search(r"ov_genai_decoded_results_get_string\(IntPtr results, byte\* output, UIntPtr\* output_size\)", text)


def test_enums_have_the_models_values(genai_files, genai_api):
    text = genai_files["Enums.g.cs"]
    for enum in genai_api.enums:
        for member in enum.members:
            assert re.search(rf"<c>{member.name}</c> = {member.value}(?:</summary>|\.</remarks>)\s+\w+ = {member.value},", text), member.name
    assert "public enum Status : int" in text
    assert "public enum StreamingStatus : int" in text
    assert "Running = 0," in text and "Stop = 1," in text and "Cancel = 2," in text


def test_structs_callbacks_and_delegates(genai_files):
    text = genai_files["NativeMethods.g.cs"]
    assert re.search(r"\[StructLayout\(LayoutKind.Sequential\)\]\s+public unsafe struct StreamerCallback\s+\{[^}]*"
                     r"public IntPtr callback_func;[^}]*public IntPtr args;", text)
    assert re.search(r"\[UnmanagedFunctionPointer\(CallingConvention.Cdecl\)\]\s+public unsafe delegate StreamingStatus "
                     r"StreamerCallbackFunc\(byte\* str, IntPtr args\);", text)


def test_variadic_functions_get_fixed_arity_overloads(genai_files):
    text = genai_files["NativeMethods.g.cs"]
    for function in ("ov_genai_llm_pipeline_create", "ov_genai_vlm_pipeline_create", "ov_genai_whisper_pipeline_create"):
        arities = re.findall(rf"public static Status {function}\(([^)]*)\)", text)
        pairs = sorted(a.count("byte* key") for a in arities)
        assert pairs == list(range(csharp.MAX_VARIADIC_PAIRS + 1)), function
        assert text.count(f'VariadicAbi.EnsureSupported("{function}")') == csharp.MAX_VARIADIC_PAIRS + 1
    # Where fixed-arity calls are invalid (Apple arm64) is the runtime's VariadicAbi (BindingTests run it).
    runtime = (REPO / "csharp" / "OpenVINO.Interop" / "VariadicAbi.cs").read_text()
    assert "RuntimeInformation.IsOSPlatform(OSPlatform.OSX)" in runtime and "Architecture.Arm64" in runtime


def test_safe_layer_surface(genai_files):
    """The members the issue names, with the types a .NET developer expects."""
    expectations = {
        "LLMPipeline.g.cs": [
            "public LLMPipeline(string modelsPath, string device, IEnumerable<KeyValuePair<string, string>> properties = null)",
            "public DecodedResults Generate(string inputs, GenerationConfig generationConfig = null, CancellationToken cancellationToken = default(CancellationToken))",
            "public DecodedResults Generate(string inputs, GenerationConfig generationConfig, Func<string, StreamingStatus> callback, CancellationToken cancellationToken = default(CancellationToken))",
            "public DecodedResults Generate(string inputs, GenerationConfig generationConfig, Func<string, bool> callback, CancellationToken cancellationToken = default(CancellationToken))",
            "public DecodedResults Generate(string inputs, GenerationConfig generationConfig, StreamerBase<StreamingStatus> streamer, CancellationToken cancellationToken = default(CancellationToken))",
            "public Task<DecodedResults> GenerateAsync(string inputs, GenerationConfig generationConfig = null, CancellationToken cancellationToken = default(CancellationToken))",
            "public DecodedResults Generate(string inputs, GenerationConfig generationConfig, Action<string> callback, CancellationToken cancellationToken = default(CancellationToken))",
            "public ResultStream<DecodedResults, PerfMetrics> Stream(string inputs, GenerationConfig generationConfig = null, CancellationToken cancellationToken = default(CancellationToken))",
            "public ResultStream<DecodedResults, PerfMetrics> StreamAsync(string inputs, GenerationConfig generationConfig = null, CancellationToken cancellationToken = default(CancellationToken))",
            "public DecodedResults Generate(ChatHistory history, GenerationConfig generationConfig = null, CancellationToken cancellationToken = default(CancellationToken))",
            "public void StartChat()", "public void FinishChat()",
            "public GenerationConfig GetGenerationConfig()", "public void SetGenerationConfig(GenerationConfig config)",
            "using (var __history = history.ForCall(this))",
        ],
        "GenerationConfig.g.cs": [
            "public sealed partial class GenerationConfig : ValueObject",
            "public int? MaxNewTokens", "public float Temperature", "public IReadOnlyList<string> StopStrings",
            "public IReadOnlyList<long> StopTokenIds", "public bool IgnoreEos", "public StopCriteria StopCriteria",
            "public static GenerationConfig FromJson(string jsonPath)", "public GenerationConfig(string jsonPath)",
        ],
        "GenerationConfigNative.g.cs": [
            "internal sealed partial class GenerationConfigNative : NativeObject", "public ulong MaxNewTokens",
            "public void Validate()",
        ],
        # Results and metrics are plain value classes ([conventions.results] / [conventions.metrics]) over
        # internal classes of the native objects.
        "PerfMetrics.g.cs": ["public sealed partial class PerfMetrics\n", "public TimeSpan LoadTime",
                             "public int NumGeneratedTokens", "public MeanStdPair<TimeSpan> Ttft",
                             "public MeanStdPair<float> Throughput",
                             "public static PerfMetrics operator +(PerfMetrics left, PerfMetrics right)"],
        "PerfMetricsNative.g.cs": ["internal sealed partial class PerfMetricsNative : NativeObject",
                                   "public void AddInPlace(PerfMetricsNative right)"],
        "DecodedResults.g.cs": ["public sealed partial class DecodedResults\n", "public IReadOnlyList<string> Texts",
                                "public IReadOnlyList<float> Scores", "public PerfMetrics PerfMetrics",
                                "public override string ToString()"],
        "DecodedResultsNative.g.cs": ["internal sealed partial class DecodedResultsNative : NativeObject",
                                      "public PerfMetrics GetPerfMetrics()", "public string GetString()"],
        "WhisperDecodedResults.g.cs": ["public IReadOnlyList<WhisperDecodedResultChunk> Chunks"],
        "WhisperDecodedResultChunk.g.cs": ["public TimeSpan StartTs", "public string Text"],
        # [csharp] hand_values: the hand-written ChatHistory (a plain value) takes the public name; the generated
        # class is internal, and a ChatHistory parameter leases its native history through ChatHistory.ForCall.
        "ChatHistoryNative.g.cs": ["internal sealed partial class ChatHistoryNative : NativeObject",
                                   "public void PushBack(JsonContainer message)", "public ulong Size"],
        "JsonContainer.g.cs": ["public static JsonContainer FromJsonString(string jsonStr)", "public string ToJsonString()"],
        "VLMPipeline.g.cs": ["public VLMDecodedResults Generate(string prompt, NativeObject[] images = null, GenerationConfig generationConfig = null, CancellationToken cancellationToken = default(CancellationToken))", "public VLMDecodedResults Generate(ChatHistory history, NativeObject[] images = null, GenerationConfig generationConfig = null, CancellationToken cancellationToken = default(CancellationToken))"],
        "WhisperPipeline.g.cs": ["public WhisperDecodedResults Generate(float[] rawSpeechInput, WhisperGenerationConfig generationConfig = null)"],
        "WhisperGenerationConfig.g.cs": ["public string Language", "public IReadOnlyList<long> SuppressTokens",
                                         "public bool ReturnTimestamps"],
    }
    for file, members in expectations.items():
        for member in members:
            assert member in genai_files[file], f"{file}: {member}"
    # The native class: set-only where C has only a setter; get/set where it has both (the value class
    # GenerationConfig reads and writes every field).
    config = genai_files["GenerationConfigNative.g.cs"]
    temperature = config[config.index("public float Temperature"):][:400]
    assert "set {" in temperature and "get {" not in temperature
    max_new = config[config.index("public ulong MaxNewTokens"):][:400]
    assert "set {" in max_new and "get {" in max_new


def test_perf_metrics_from_results_use_their_own_release_function(genai_files):
    handles = genai_files["Handles.g.cs"]
    assert "public abstract class PerfMetricsHandle : SafeHandle" in handles
    assert re.search(r"class DecodedResultsPerfMetricsHandle : PerfMetricsHandle[\s\S]*?"
                     r"NativeMethods.ov_genai_decoded_results_perf_metrics_free\(handle\)", handles)
    assert re.search(r"class VlmDecodedResultsPerfMetricsHandle : PerfMetricsHandle[\s\S]*?"
                     r"NativeMethods.ov_genai_vlm_decoded_results_perf_metrics_free\(handle\)", handles)
    assert "new DecodedResultsPerfMetricsHandle(__metrics)" in genai_files["DecodedResultsNative.g.cs"]
    assert "new VlmDecodedResultsPerfMetricsHandle(__metrics)" in genai_files["VLMDecodedResultsNative.g.cs"]
    # Whisper results hand out metrics released with the LLM results' function (library description).
    assert "new DecodedResultsPerfMetricsHandle(__metrics)" in genai_files["WhisperDecodedResultsNative.g.cs"]


def test_every_generated_file_says_so_and_renders_identically(genai_files):
    again = render("genai")
    assert genai_files == again
    for name, text in genai_files.items():
        assert csharp.MARKER in text.splitlines()[0], name


def test_no_function_is_left_raw_only_for_genai(genai_files):
    # Only those the library description hides on purpose ([csharp] hidden: a hand-written member replaces them).
    hidden = tuple(f"        //   {f}: " for f in libmod.load("genai").csharp.hidden)
    leftovers = [line for text in genai_files.values() for line in text.splitlines()
                 if line.startswith("        //   ") and not line.startswith(hidden)]
    assert leftovers == []
    assert any(line.startswith("        //   ov_genai_chat_history_empty: ") for text in genai_files.values()
               for line in text.splitlines()), "ChatHistory has no int Empty beside the bool IsEmpty"


def test_names_are_library_generic():
    """Namespace, DLL name and the exception type come from the library description."""
    core = render("core")
    assert "namespace OpenVINO.Core" in core["Errors.g.cs"] and "class OpenVINOException" in core["Errors.g.cs"]
    assert 'public const string Library = "openvino_c";' in core["NativeMethods.g.cs"]
    assert '"OPENVINO_DIR"' in core["NativeLibraryLoader.g.cs"]
    genai = render("genai")
    assert 'public const string Library = "openvino_genai_c";' in genai["NativeMethods.g.cs"]
    assert '"OPENVINO_GENAI_DIR"' in genai["NativeLibraryLoader.g.cs"]


# -- constructs the emitter refuses --

def _api_with(**changes) -> m.API:
    api = copy.deepcopy(snapshot.load(snapshot.embedded("genai")))
    for key, value in changes.items():
        setattr(api, key, value)
    return api


def _location() -> m.Location:
    return m.Location("openvino/genai/c/extra.h", 1)


@pytest.mark.parametrize("field_type, message", [
    (m.CType(m.SCALAR, "wchar_t"), "wchar_t by value"),
    (m.CType(m.HANDLE, "ov_genai_llm_pipeline"), "opaque type ov_genai_llm_pipeline used by value"),
    (m.CType(m.ARRAY, pointee=m.CType(m.ARRAY, pointee=m.CType(m.SCALAR, "int"), count=2), count=2), "multi-dimensional"),
])
def test_unsupported_struct_fields_are_refused_by_name(field_type, message):
    api = _api_with()
    api.structs.append(m.Struct("odd_t", [m.Field("value", field_type, 0)], 16, 8, _location()))
    with pytest.raises(EmitError, match=rf"odd_t field value.*{message}"):
        render(api=api)


def test_enum_of_unusual_size_is_refused():
    api = _api_with()
    api.enums.append(m.Enum("odd_e", [m.EnumMember("ODD_A", 1)], 3, _location()))
    with pytest.raises(EmitError, match="enum odd_e .* size 3"):
        render(api=api)


def test_name_collisions_are_refused_with_a_fix():
    api = _api_with()
    api.enums.append(m.Enum("ov_genai_status_e", [m.EnumMember("A", 0)], 4, _location()))  # also `Status`
    with pytest.raises(EmitError, match=r"both map to the C# name 'Status'.*\[conventions.renames\]"):
        render(api=api)
    lib = libmod.load("genai")
    renamed = dataclasses.replace(lib, conventions=dataclasses.replace(
        lib.conventions, renames={**lib.conventions.renames, "ov_genai_status_e": "GenAIStatus"}))
    assert "public enum GenAIStatus" in render(api=api, lib=renamed)["Enums.g.cs"]


def test_reserved_member_names_are_refused():
    api = _api_with()
    function = copy.deepcopy(api.function("ov_genai_llm_pipeline_start_chat"))
    function.name = "ov_genai_llm_pipeline_dispose"
    api.functions.append(function)
    with pytest.raises(EmitError, match="ov_genai_llm_pipeline_dispose would become LLMPipeline.Dispose"):
        render(api=api)


def test_wide_strings_are_raw_pointers():
    """`const wchar_t*` is 2 bytes a unit on Windows, 4 elsewhere: the raw layer takes an IntPtr."""
    core = render("core")
    assert re.search(r"ov_core_read_model_unicode\(IntPtr core, IntPtr model_path", core["NativeMethods.g.cs"])


# -- compiling --

def _mcs(directory: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Compiles generated sources against the runtime (csharp/OpenVINO.Interop), as every binding is."""
    from support import dotnet

    mcs = require_tool("mcs")
    sources = sorted(str(p) for p in directory.glob("*.cs"))
    runtime = dotnet.build_runtime(dotnet.BUILD_ROOT / "runtime")
    return subprocess.run([mcs, "-langversion:7.2", "-warnaserror", "-unsafe", "-target:library", "-nologo", f"-r:{runtime}",
                           f"-doc:{tmp_path / 'out.xml'}", f"-out:{tmp_path / 'out.dll'}", *sources],
                          capture_output=True, text=True)


def _with_hand_values(files: dict[str, str], lib: libmod.Library) -> dict[str, str]:
    """The generated files plus the hand-written ones beside them: the value classes ([csharp] hand_values) the
    generated code calls, and the classes their docs link to (ChatSession, ...)."""
    out = dict(files)
    folder = Path(__file__).resolve().parent.parent / "csharp" / lib.csharp.namespace
    for source in sorted(folder.glob("*.cs")) if lib.csharp.hand_values else ():
        out[source.name] = source.read_text(encoding="utf-8")
    if "HandWrittenDocs.g.xml" in files:  # what the hand-written members include, where they look for it
        out["Generated/HandWrittenDocs.g.xml"] = files["HandWrittenDocs.g.xml"]
    return out


def _write(files: dict[str, str], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.mark.parametrize("name", ["genai", "core"])
def test_generated_code_compiles_without_warnings(name, tmp_path):
    directory = _write(_with_hand_values(render(name), libmod.load(name)), tmp_path / "src")
    result = _mcs(directory, tmp_path)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_fixture_api_renders_and_compiles(tmp_path):
    """Every construct of the acme fixture (foreign handle, callbacks, arrays of structs, variadic
    kinds, odd frees ...) renders to C# that compiles."""
    from bindgen.parser import parse, resolve_header_set

    lib = libmod.load(str(REPO / "tests" / "fixtures" / "acme" / "acme.toml"))
    api = parse(resolve_header_set([REPO / "tests" / "fixtures" / "acme" / "include"], lib, []), lib)
    directory = _write(render(api=api, lib=lib), tmp_path / "src")
    result = _mcs(directory, tmp_path)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_real_2026_3_headers_render_what_is_committed_and_compile(tmp_path):
    """Done-when of the issue: generated from the real 2026.3.0.0 headers, the C# compiles with no warning."""
    headers = upstream_headers.UpstreamHeaders(tmp_path / "headers").get(upstream_headers.NEWEST_TAG)
    if headers is None:
        pytest.skip(upstream_headers.SKIP_REASON)
    from bindgen.parser import parse, resolve_header_set

    lib = libmod.load("genai")
    api = parse(resolve_header_set([headers], lib, []), lib, upstream_headers.NEWEST_TAG)
    files = render(api=api, lib=lib)
    committed = {p.name: p.read_text(encoding="utf-8") for p in GENERATED.iterdir()}
    assert files == committed
    result = _mcs(_write(_with_hand_values(files, lib), tmp_path / "src"), tmp_path)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_a_view_value_no_template_branch_renders_is_an_error():
    # View data is typed (StrEnums checked by mypy); the templates' dispatch ends in `unhandled`,
    # so a value added to an enum but not to the template fails the render instead of emitting
    # nothing for that argument.
    from bindgen.emit import environment
    from bindgen.emit.csharp.views import ArgKind, RawArg
    macro = environment("csharp").from_string('{% import "macros.j2" as mx %}{{ mx.raw_arg(a, None) }}')
    assert macro.render(a=RawArg(ArgKind.STRING_BUFFER)) == "__buffer_ptr"
    with pytest.raises(EmitError, match="csharp raw_arg: no branch renders 'bogus'"):
        macro.render(a=RawArg("bogus"))  # type: ignore[arg-type]
