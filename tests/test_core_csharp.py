"""OpenVINO.Core, the generated C# binding of OpenVINO's core C API, against the REAL libopenvino_c
of the openvino wheel, on Mono and on CoreCLR (.NET 8): a tiny IR built at test time is read,
compiled on CPU and run synchronously and asynchronously (the callback arrives on a worker thread);
outputs are compared with numpy. Also devices, properties, versions, shapes, reshape, retained
tensors, and failures raising OpenVINOException with OpenVINO's own message.

The C# program (csharp/tests/CoreTests) prints `key: value` lines; the numbers are checked here."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from support import core_dotnet, dotnet, openvino_wheel, tiny_ir

RUNTIMES = ("mono", "coreclr")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tiny_ir.TinyIR:
    return tiny_ir.build(tmp_path_factory.mktemp("tiny_ir_cs"))


@pytest.fixture(scope="module")
def native() -> Path:
    return openvino_wheel.c_library()


@pytest.fixture(scope="module")
def program(native: Path) -> Path:
    try:
        library = core_dotnet.build_library(native)
        return core_dotnet.build_tests(library)
    except dotnet.BuildError as exc:
        if "not installed" in str(exc):
            pytest.skip(str(exc))
        raise


INPUTS = {
    "x": tiny_ir.sample_input(),
    "x2": tiny_ir.sample_input(4),
    "batch": np.concatenate([tiny_ir.sample_input(1), tiny_ir.sample_input(2)]),
}


def _floats(a: np.ndarray) -> str:
    return ",".join(repr(float(v)) for v in a.ravel())


@pytest.fixture(scope="module")
def unicode_copy(tiny: tiny_ir.TinyIR, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wide") / "модель ü 🚀"
    folder.mkdir()
    shutil.copyfile(tiny.xml, folder / "tiny.xml")
    shutil.copyfile(tiny.bin, folder / "tiny.bin")
    return folder / "tiny.xml"


@pytest.fixture(scope="module", params=RUNTIMES)
def report(request: pytest.FixtureRequest, program: Path, native: Path, tiny: tiny_ir.TinyIR, unicode_copy: Path) -> dict[str, str]:
    runtime = request.param
    try:
        runner = dotnet.RUNNERS[runtime]
        completed = runner(program, [str(tiny.xml), _floats(INPUTS["x"]), _floats(INPUTS["x2"]), _floats(INPUTS["batch"]),
                                     str(unicode_copy)],
                           env=core_dotnet.environment(native), timeout=300)
    except dotnet.BuildError as exc:
        pytest.skip(str(exc))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = dict(line.split(": ", 1) for line in completed.stdout.splitlines() if ": " in line)
    assert lines.get("done") == "yes", completed.stdout
    assert lines["runtime"] == runtime
    return lines


def values(text: str) -> np.ndarray:
    return np.array([float(v) for v in text.split(",")], dtype=np.float32)


def test_library_and_devices(report: dict[str, str]) -> None:
    assert report["version"].startswith("2026.3.0")
    assert "CPU" in report["devices"].split(",")
    assert report["full_device_name"] and report["full_device_name"] != "<null>"
    assert report["num_streams"] == "1"
    assert report["device_versions"] == "CPU=openvino_intel_cpu_plugin"


def test_model_ports_and_shapes(report: dict[str, str], tiny: tiny_ir.TinyIR) -> None:
    assert report["friendly_name"] == "tiny_matmul_add_relu"
    assert report["inputs_outputs"] == "1,1"
    assert report["input_name"] == tiny.input_name
    assert report["input_shape"] == "1,4"
    assert report["input_type"] == "F32"
    assert report["input_partial_shape"] == "PartialShape { Rank = Dimension { Min = 2, Max = 2 }, Dims = [Dimension { Min = 1, Max = 1 }, Dimension { Min = 4, Max = 4 }] }"
    assert report["partial_shape_text"] == "{1,4}"
    assert report["partial_shape_static"] == "True"
    assert report["partial_to_shape"] == "1,4"
    assert report["layout"] == "[N,C]"
    assert report["precision"] == "f32"


def test_sync_inference_matches_numpy(report: dict[str, str], tiny: tiny_ir.TinyIR) -> None:
    expected = tiny.reference(INPUTS["x"]).ravel()
    assert (expected == 0).any() and (expected > 0).any()
    assert report["input_wraps_array"] == "True"
    np.testing.assert_allclose(values(report["sync_output"]), expected, rtol=1e-6, atol=1e-6)
    assert report["output_shape"] == "1,3" and report["output_type"] == "F32"
    np.testing.assert_allclose(values(report["span_output"]), expected, rtol=1e-6, atol=1e-6)


def test_exported_and_imported_model(report: dict[str, str], tiny: tiny_ir.TinyIR) -> None:
    np.testing.assert_allclose(values(report["imported_output"]), tiny.reference(INPUTS["x"]).ravel(), rtol=1e-6, atol=1e-6)


def test_request_keeps_the_pinned_array_it_was_given(report: dict[str, str], tiny: tiny_ir.TinyIR) -> None:
    # The input tensor was disposed and dropped, the GC ran: the request still reads the same input.
    np.testing.assert_allclose(values(report["sync_after_gc"]), tiny.reference(INPUTS["x"]).ravel(), rtol=1e-6, atol=1e-6)


def test_async_inference_calls_back_on_a_worker_thread(report: dict[str, str], tiny: tiny_ir.TinyIR) -> None:
    assert report["callback_arrived"] == "True"
    assert report["callback_on_other_thread"] == "True"
    expected = tiny.reference(INPUTS["x2"]).ravel()
    np.testing.assert_allclose(values(report["async_output"]), expected, rtol=1e-6, atol=1e-6)
    assert report["infer_async_completed"] == "True"
    np.testing.assert_allclose(values(report["infer_async_output"]), expected, rtol=1e-6, atol=1e-6)
    assert report["callback_calls"] == "4"  # StartAsync once, InferAsync three times


def test_reshaped_batch(report: dict[str, str], tiny: tiny_ir.TinyIR) -> None:
    assert report["batch_shape"] == "2,3"
    np.testing.assert_allclose(values(report["batch_output"]), tiny.reference(INPUTS["batch"]).ravel(), rtol=1e-6, atol=1e-6)


def test_missing_model_raises_with_openvino_message(report: dict[str, str]) -> None:
    assert report["missing_model_function"] == "ov_core_read_model"
    assert report["missing_model_status"] == "GENERAL_ERROR"
    message = report["missing_model_error"]
    assert message.startswith("ov_core_read_model failed with status GENERAL_ERROR (-1): ")
    assert report["missing_model_path"] in message  # OpenVINO's own text names the file


def test_wrong_shape_raises_with_openvino_message(report: dict[str, str]) -> None:
    assert report["wrong_shape_function"] == "ov_infer_request_set_input_tensor"
    assert report["wrong_shape_status"] == "GENERAL_ERROR"
    assert "incompatible" in report["wrong_shape_error"] and "[1,4]" in report["wrong_shape_error"]
    assert report["bad_argument"] == "ArgumentException"


def test_other_errors(report: dict[str, str]) -> None:
    assert "Unsupported property NO_SUCH_KEY" in report["unknown_property_error"]
    # NOT_FOUND comes without an exception message: the status description, not a stale message.
    assert report["not_found_error"].endswith("NOT_FOUND (-5): cannot find the value")
    assert report["use_after_dispose"] == "ObjectDisposedException"


def test_wide_string_paths(report: dict[str, str], tiny: tiny_ir.TinyIR) -> None:
    assert report["unicode_friendly_name"] == "tiny_matmul_add_relu"
    np.testing.assert_allclose(values(report["unicode_output"]), tiny.reference(INPUTS["x"]).ravel(), rtol=1e-6, atol=1e-6)
    assert "absent ü.xml" in report["unicode_missing_error"]


@pytest.mark.skipif(sys.platform != "linux", reason="checks the Linux wheel's versioned library name")
def test_wheel_has_only_versioned_names(native: Path) -> None:
    # Why the loaders need their own search: there is no plain libopenvino_c.so to find.
    assert native.name.startswith("libopenvino_c.so.") and not (native.parent / "libopenvino_c.so").exists()


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_genai_vlm_pipeline_takes_core_tensors(runtime: str, program: Path, native: Path, tmp_path: Path) -> None:
    # OpenVINO.Core tensors (real libopenvino_c) as the images of OpenVINO.GenAI's VLM pipeline (the
    # GenAI test double, which reads their shapes and pixels through libopenvino_c, as the real library does).
    from support.double import build_double

    double = build_double()
    try:
        genai = dotnet.build_library()
        exe = core_dotnet.build_vlm_program(program.parent / "OpenVINO.Core.dll", genai)
    except dotnet.BuildError as exc:
        if "not installed" in str(exc):
            pytest.skip(str(exc))
        raise
    env = core_dotnet.environment(native, base=dotnet.native_env(double))
    completed = dotnet.RUNNERS[runtime](exe, [str(tmp_path)], env=env, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = dict(line.split(": ", 1) for line in completed.stdout.splitlines() if ": " in line)
    assert lines["done"] == "yes"
    assert lines["image_type"] == "U8 1,8,8,3"
    assert lines["answers_differ"] == "True"  # the answer depends on how many images arrived
    assert lines["pixels_matter"] == "True"  # and on their pixels: the bytes arrived
    assert lines["streamed_equals"] == "True"
    assert lines["tensor_still_usable"] == "200"  # borrowed, not released by GenAI
    # An image of height or width 0 kills the real library (SIGFPE) and the double: refused before the call.
    for shape in ("0x8x3", "8x0x3", "1x8x0x3", "2x0x8x3"):
        dims = shape.replace("x", ", ")
        assert lines[f"empty_image_{shape}"].startswith(f"images | element 1: an image of shape [{dims}] has no pixels "
                                                        "(height or width 0); the library would crash on it"), lines
    assert lines["batch_of_no_images"] == "True"  # [0, 0, 8, 3] holds no image: the library takes it
    assert lines["disposed_tensor"] == "ObjectDisposedException"
