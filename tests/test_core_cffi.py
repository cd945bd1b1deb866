"""The generated core cffi package (python/openvino_cffi) against the REAL libopenvino_c of the
openvino wheel, in ABI and API mode: a tiny IR built at test time is read, compiled on CPU and
run synchronously and asynchronously; outputs are compared with numpy. Also: devices, properties,
versions, value structs (shapes, partial shapes), pre-processing, reshape, zero-copy tensors,
and failures raising with OpenVINO's own message."""
from __future__ import annotations

import gc
import re
import shutil
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "python"))

import openvino_cffi as ov  # noqa: E402

from support import openvino_wheel, tiny_ir  # noqa: E402

MODES = ("abi", "api")
F32 = {"INFERENCE_PRECISION_HINT": "f32"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tiny_ir.TinyIR:
    return tiny_ir.build(tmp_path_factory.mktemp("tiny_ir"))


@pytest.fixture(params=MODES)
def native(request: Any, build_dir: Path) -> Iterator[ov.Native]:
    mode = request.param
    if mode == "api" and shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("API mode compiles an extension module: no C compiler here")
    loaded = ov.load(openvino_wheel.c_library(), mode=mode, include_dirs=[openvino_wheel.include_dir()],
                     build_dir=build_dir / "cffi-core")
    yield loaded
    gc.collect()


@pytest.fixture
def core(native: ov.Native) -> Iterator[ov.Core]:
    with ov.Core() as c:
        yield c


@pytest.fixture
def compiled(core: ov.Core, tiny: tiny_ir.TinyIR) -> Iterator[ov.CompiledModel]:
    with core.read_model(tiny.xml) as model:
        with core.compile_model(model, "CPU", F32) as cm:
            yield cm


def test_loads_the_versioned_wheel_library(native: ov.Native) -> None:
    # The wheel has no unversioned libopenvino_c.so: the explicit path is what works.
    assert Path(native.path).name.startswith("libopenvino_c")
    version = ov.get_openvino_version()
    assert version.build_number.startswith("2026.3.0"), version
    assert version.description


def test_sync_inference_matches_numpy(compiled: ov.CompiledModel, tiny: tiny_ir.TinyIR) -> None:
    x = tiny_ir.sample_input()
    with compiled.create_infer_request() as request:
        request.set_input_tensor(ov.Tensor.from_numpy(x))
        request.infer()
        y = request.get_output_tensor().to_numpy()
    expected = tiny.reference(x)
    assert y.shape == expected.shape == (1, 3)
    assert (expected == 0).any() and (expected > 0).any(), "the sample exercises both ReLU branches"
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-6)


def test_input_tensor_by_name_and_copy_in(compiled: ov.CompiledModel, tiny: tiny_ir.TinyIR) -> None:
    x = tiny_ir.sample_input(5)
    with compiled.create_infer_request() as request:
        with request.get_tensor(tiny.input_name) as tensor:  # the request's own input memory
            assert tensor.shape == [1, 4]
            assert tensor.element_type == ov.ElementType.F32
            assert tensor.size == 4 and tensor.byte_size == 16
            tensor.copy_from(x)
        request.infer()
        with request.get_tensor(tiny.output_name) as out:
            np.testing.assert_allclose(np.asarray(out), tiny.reference(x), rtol=1e-6, atol=1e-6)


def test_from_numpy_shares_memory(compiled: ov.CompiledModel, tiny: tiny_ir.TinyIR) -> None:
    x = tiny_ir.sample_input(2)
    tensor = ov.Tensor.from_numpy(x)
    with compiled.create_infer_request() as request:
        request.set_input_tensor(tensor)
        x[...] = tiny_ir.sample_input(9)  # no copy was made: the next inference sees this
        request.infer()
        np.testing.assert_allclose(request.get_output_tensor().to_numpy(), tiny.reference(tiny_ir.sample_input(9)),
                                   rtol=1e-6, atol=1e-6)
        view = request.get_output_tensor().as_numpy()
        assert view.shape == (1, 3)
    del view


def test_request_keeps_caller_memory_it_was_given(compiled: ov.CompiledModel, tiny: tiny_ir.TinyIR) -> None:
    # A tensor over numpy memory, handed to the request and then dropped (and closed): the request
    # still reads that memory, so the binding must keep it alive until the request lets go.
    x = tiny_ir.sample_input(13)
    with compiled.create_infer_request() as request:
        tensor = ov.Tensor.from_numpy(x.copy())
        request.set_input_tensor(tensor)
        tensor.close()
        del tensor
        gc.collect()
        scribble = [np.full(4, 1e6, np.float32) for _ in range(2000)]  # reuse freed memory, if any
        request.infer()
        del scribble
        np.testing.assert_allclose(request.get_output_tensor().to_numpy(), tiny.reference(x), rtol=1e-6, atol=1e-6)
        # Setting the same slot again releases the earlier tensor instead of keeping every one.
        for seed in range(5):
            request.set_input_tensor(ov.Tensor.from_numpy(tiny_ir.sample_input(seed)))
        held = [v for v in request._retained or [] if type(v).__name__ == "_Slot"]
        assert len(held) == 1


def test_async_inference_completes_on_a_worker_thread(compiled: ov.CompiledModel, tiny: tiny_ir.TinyIR) -> None:
    caller = threading.get_ident()
    with compiled.create_infer_request() as request:
        # The raw callback: arrives once per inference, on an OpenVINO thread.
        arrived: list[int] = []
        done = threading.Event()

        def on_done() -> None:
            arrived.append(threading.get_ident())
            done.set()

        x = tiny_ir.sample_input(4)
        request.set_input_tensor(ov.Tensor.from_numpy(x))
        request.set_callback(on_done)
        request.start_async()
        assert done.wait(30), "the completion callback never arrived"
        request.wait()
        assert len(arrived) == 1 and arrived[0] != caller
        np.testing.assert_allclose(request.get_output_tensor().to_numpy(), tiny.reference(x), rtol=1e-6, atol=1e-6)

        # The future form: several inferences in a row on the same request.
        for seed in (6, 7, 8):
            x = tiny_ir.sample_input(seed)
            request.set_input_tensor(ov.Tensor.from_numpy(x))
            request.infer_async().result(30)
            request.wait()
            np.testing.assert_allclose(request.get_output_tensor().to_numpy(), tiny.reference(x), rtol=1e-6, atol=1e-6)


def test_callback_error_is_kept_not_crashing(compiled: ov.CompiledModel) -> None:
    # A Python exception inside the worker-thread callback must not reach native code.
    with compiled.create_infer_request() as request:
        done = threading.Event()

        def failing() -> None:
            done.set()
            raise RuntimeError("boom in callback")

        request.set_input_tensor(ov.Tensor.from_numpy(tiny_ir.sample_input()))
        request.set_callback(failing)
        request.start_async()
        assert done.wait(30)
        request.wait()


def test_devices_properties_and_versions(core: ov.Core, compiled: ov.CompiledModel) -> None:
    devices = core.available_devices
    assert isinstance(devices, list) and "CPU" in devices
    name = core.get_property("CPU", "FULL_DEVICE_NAME")
    assert isinstance(name, str) and name
    supported = core.get_property("CPU", "SUPPORTED_PROPERTIES")
    assert "INFERENCE_PRECISION_HINT" in supported
    # The variadic setter takes one key/value pair.
    core.set_property("CPU", "NUM_STREAMS", "1")
    assert core.get_property("CPU", "NUM_STREAMS") == "1"
    assert compiled.get_property("INFERENCE_PRECISION_HINT") == "f32"
    versions = core.get_versions_by_device_name("CPU")
    assert [v.device_name for v in versions] == ["CPU"]
    assert versions[0].version.build_number.startswith("2026.3")


def test_shapes_and_partial_shapes(core: ov.Core, tiny: tiny_ir.TinyIR) -> None:
    with core.read_model(tiny.xml) as model:
        assert model.inputs_size == 1 and model.outputs_size == 1
        assert model.get_friendly_name() == "tiny_matmul_add_relu"
        assert not model.is_dynamic()
        with model.const_input() as port:
            assert port.get_any_name() == tiny.input_name
            assert port.shape == [1, 4]
            assert port.element_type == ov.ElementType.F32
            partial = port.partial_shape
        assert partial == ov.PartialShape(ov.Dimension(2, 2), [ov.Dimension(1, 1), ov.Dimension(4, 4)])
        assert ov.partial_shape_to_string(partial) == "{1,4}"
        assert ov.partial_shape_to_shape(partial) == [1, 4]
        assert not ov.partial_shape_is_dynamic(partial)
        assert ov.shape_to_partial_shape([2, 3]) == ov.PartialShape(ov.Dimension(2, 2), [ov.Dimension(2, 2), ov.Dimension(3, 3)])
        dynamic = ov.partial_shape_create_dynamic(ov.Dimension(2, 2), [ov.Dimension(-1, -1), ov.Dimension(4, 4)])
        assert ov.partial_shape_is_dynamic(dynamic) and ov.dimension_is_dynamic(dynamic.dims[0])
        assert ov.rank_is_dynamic(ov.Dimension(-1, -1))
        # A length that disagrees with the rank is refused before the native call.
        with pytest.raises(ValueError, match="rank.max"):
            ov.partial_shape_to_string(ov.PartialShape(ov.Dimension(3, 3), [ov.Dimension(1, 1)]))


def test_reshape_to_a_batch_of_two(core: ov.Core, tiny: tiny_ir.TinyIR) -> None:
    x = np.concatenate([tiny_ir.sample_input(1), tiny_ir.sample_input(2)])
    with core.read_model(tiny.xml) as model:
        model.reshape_single_input(ov.shape_to_partial_shape([2, 4]))
        with core.compile_model(model, "CPU", F32) as cm, cm.create_infer_request() as request:
            request.set_input_tensor(ov.Tensor.from_numpy(x))
            request.infer()
            np.testing.assert_allclose(request.get_output_tensor().to_numpy(), tiny.reference(x), rtol=1e-6, atol=1e-6)


def test_preprocessing_scales_the_input(core: ov.Core, tiny: tiny_ir.TinyIR) -> None:
    x = tiny_ir.sample_input(3) * 4
    with core.read_model(tiny.xml) as model, ov.PreprocessPrepostprocessor(model) as ppp:
        with ppp.get_input_info() as info, info.get_preprocess_steps() as steps:
            steps.mean(1.0)
            steps.scale(4.0)
        with ppp.get_input_info() as info, info.get_tensor_info() as tensor_info, ov.Layout("NC") as layout:
            tensor_info.set_layout(layout)
            assert layout.to_string() == "[N,C]"
        with ppp.build() as processed, core.compile_model(processed, "CPU", F32) as cm:
            with cm.create_infer_request() as request:
                request.set_input_tensor(ov.Tensor.from_numpy(x))
                request.infer()
                np.testing.assert_allclose(request.get_output_tensor().to_numpy(), tiny.reference((x - 1.0) / 4.0),
                                           rtol=1e-5, atol=1e-6)


def test_missing_model_file_raises_with_openvino_message(core: ov.Core, tmp_path: Path) -> None:
    missing = tmp_path / "no_such_model.xml"
    with pytest.raises(ov.StatusError) as info:
        core.read_model(missing)
    err = info.value
    assert err.function == "ov_core_read_model"
    assert err.status == ov.Status.GENERAL_ERROR
    assert err.detail is not None and str(missing) in err.detail  # OpenVINO's text names the file
    assert str(missing) in str(err)


def test_wrong_tensor_shape_raises_with_openvino_message(compiled: ov.CompiledModel) -> None:
    with compiled.create_infer_request() as request:
        wrong = ov.Tensor.from_numpy(np.zeros((1, 5), np.float32))
        with pytest.raises(ov.StatusError) as info:
            request.set_input_tensor(wrong)
        assert info.value.function == "ov_infer_request_set_input_tensor"
        assert "incompatible" in str(info.value) and "[1,4]" in str(info.value)


def test_unknown_property_raises_with_openvino_message(core: ov.Core, tiny: tiny_ir.TinyIR) -> None:
    with core.read_model(tiny.xml) as model:
        with pytest.raises(ov.StatusError, match="Unsupported property NO_SUCH_KEY"):
            core.compile_model(model, "CPU", NO_SUCH_KEY="1")


def test_failure_without_a_message_uses_the_status_description(core: ov.Core, tiny: tiny_ir.TinyIR) -> None:
    # Make OpenVINO remember an unrelated message first: a later INVALID_C_PARAM must not show it.
    with pytest.raises(ov.StatusError):
        core.read_model(tiny.xml.with_name("absent.xml"))
    with pytest.raises(ov.StatusError) as info:
        core.get_versions_by_device_name("NO_SUCH_DEVICE")  # returns NOT_FOUND without an exception
    assert info.value.status == ov.Status.NOT_FOUND
    assert "absent.xml" not in str(info.value)
    assert info.value.detail == "cannot find the value"  # ov_get_error_info's description


def test_bad_arguments_raise_before_any_native_call(core: ov.Core) -> None:
    with pytest.raises(TypeError, match="no OpenVINO element type"):
        ov.Tensor.from_numpy(np.array(["a"], dtype=object))
    with pytest.raises(TypeError):
        core.get_property("CPU", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a sequence"):
        ov.Tensor(ov.ElementType.F32, 4)  # type: ignore[arg-type]


def test_views_keep_their_tensor_and_block_close() -> None:
    t = ov.Tensor(ov.ElementType.I32, [2, 3])
    view = t.as_numpy()
    view[...] = np.arange(6, dtype=np.int32).reshape(2, 3)
    np.testing.assert_array_equal(t.to_numpy(), np.arange(6).reshape(2, 3))
    with pytest.raises(BufferError):
        t.close()
    with pytest.raises(BufferError):
        t.shape = [6]
    del view
    gc.collect()
    t.shape = [3, 2]
    assert t.shape == [3, 2]
    t.close()
    assert t.closed
    with pytest.raises(ValueError, match="closed"):
        t.to_numpy()


def test_non_contiguous_and_read_only_arrays_are_copied_once() -> None:
    base = np.arange(12, dtype=np.int64).reshape(3, 4)
    strided = ov.Tensor.from_numpy(base[:, ::2])
    np.testing.assert_array_equal(strided.to_numpy(), base[:, ::2])
    frozen = np.frombuffer(bytes(16), dtype=np.float32)
    tensor = ov.Tensor.from_numpy(frozen)
    tensor.as_numpy()[0] = 1.0  # writes its private copy, never the read-only bytes
    assert frozen[0] == 0.0
    assert ov.Tensor.from_numpy(np.zeros((0, 4), np.float32)).shape == [0, 4]


def test_genai_vlm_pipeline_takes_core_tensors(native: ov.Native, tmp_path: Path, build_dir: Path) -> None:
    # The GenAI VLM pipeline takes images as ov_tensor_t*: a real core tensor from this package goes
    # straight in (its c_pointer, re-typed by address for the other cffi binding). The native test
    # double of GenAI stands in for the pipeline (it reads the tensors' shapes and pixels through this
    # libopenvino_c, as the real library does, so no VLM model is needed).
    import openvino_genai_cffi as genai
    from support.double import build_double, live_objects

    double = build_double()
    genai.load(double, mode="abi")
    # One handle abstraction: both packages' classes derive from the shared runtime's Handle, whose
    # borrow the GenAI call uses for the tensors as for its own objects.
    assert genai.Handle is ov.Handle and issubclass(ov.Tensor, genai.Handle)
    images = [ov.Tensor.from_numpy(np.full((1, 8, 8, 3), shade, np.uint8)) for shade in (10, 200)]
    assert all(t.element_type == ov.ElementType.U8 and t.shape == [1, 8, 8, 3] for t in images)
    before = live_objects(double)
    cfg = genai.GenerationConfig(max_new_tokens=20)
    with genai.VLMPipeline(tmp_path, "CPU") as pipe:
        without = str(pipe.generate("Describe", [], cfg))
        with_two = str(pipe.generate("Describe", images, cfg))
        with_one = str(pipe.generate("Describe", images[:1], cfg))
        assert len({without, with_one, with_two}) == 3  # the answer depends on how many images arrived
        swapped = str(pipe.generate("Describe", images[::-1], cfg))
        assert swapped != with_two  # and on their pixels, in order: the bytes arrived
        assert "".join(pipe.stream("Describe", images, cfg)) == with_two
        # The tensors are borrowed, never released by GenAI: still usable here.
        assert images[1].to_numpy()[0, 0, 0, 0] == 200
        images[0].close()
        with pytest.raises(ValueError, match="closed"):
            pipe.generate("Describe", images, cfg)
    gc.collect()
    assert live_objects(double) == before


@pytest.mark.parametrize("shape", [(0, 8, 3), (8, 0, 3), (1, 8, 0, 3), (2, 0, 8, 3)])
def test_genai_vlm_pipeline_refuses_an_image_with_no_pixels(native: ov.Native, tmp_path: Path, shape: tuple[int, ...]) -> None:
    # The real library dies with SIGFPE on an image of height or width 0 (tests/double/MEASURED.md), and so
    # does the double: the binding asks the tensor's shape of libopenvino_c and refuses it before the call,
    # in every generate form, naming the image and its shape.
    import openvino_genai_cffi as genai
    from support.double import build_double, live_objects

    double = build_double()
    genai.load(double, mode="abi")
    good = ov.Tensor.from_numpy(np.full((1, 8, 8, 3), 7, np.uint8))
    empty = ov.Tensor.from_numpy(np.zeros(shape, np.uint8))
    no_image = ov.Tensor.from_numpy(np.zeros((0, 0, 8, 3), np.uint8))  # a batch of no images: the library takes it
    before = live_objects(double)
    cfg = genai.GenerationConfig(max_new_tokens=5)
    history = genai.ChatHistory()
    with genai.VLMPipeline(tmp_path, "CPU") as pipe:
        message = re.escape(f"images[1]: an image of shape {list(shape)} has no pixels (height or width 0)")
        with pytest.raises(ValueError, match=message):
            pipe.generate("Describe", [good, empty], cfg)
        with pytest.raises(ValueError, match=message):
            pipe.stream("Describe", [good, empty], cfg)
        history.append({"role": "user", "content": "Describe"})
        with pytest.raises(ValueError, match=message):
            pipe.generate(history, [good, empty], cfg)
        assert str(pipe.generate("Describe", [good, no_image], cfg))
    del history  # it keeps the native history of its last call (a VLM pipeline's state lives there)
    gc.collect()
    assert live_objects(double) == before


def test_wide_string_paths(core: ov.Core, tiny: tiny_ir.TinyIR, tmp_path: Path) -> None:
    # The *_unicode functions take wchar_t paths (4 bytes here, 2 on Windows): cffi converts str.
    folder = tmp_path / "модель ü 🚀"
    folder.mkdir()
    xml = folder / "tiny.xml"
    shutil.copyfile(tiny.xml, xml)
    shutil.copyfile(tiny.bin, folder / "tiny.bin")
    with core.read_model_unicode(str(xml)) as model:
        assert model.get_friendly_name() == "tiny_matmul_add_relu"
    with core.read_model(xml) as model:  # the UTF-8 form reaches the same file
        assert model.inputs_size == 1
    with core.compile_model_from_file_unicode(str(xml), "CPU", F32) as cm, cm.create_infer_request() as request:
        x = tiny_ir.sample_input()
        request.set_input_tensor(ov.Tensor.from_numpy(x))
        request.infer()
        np.testing.assert_allclose(request.get_output_tensor().to_numpy(), tiny.reference(x), rtol=1e-6, atol=1e-6)
    with pytest.raises(ov.StatusError) as info:
        core.read_model_unicode(str(folder / "absent ü.xml"))
    assert "absent ü.xml" in str(info.value)


def test_models_from_memory_and_exported_blobs(core: ov.Core, tiny: tiny_ir.TinyIR, tmp_path: Path) -> None:
    x = tiny_ir.sample_input(7)
    weights = ov.Tensor.from_numpy(np.frombuffer(tiny.bin.read_bytes(), np.uint8).copy())
    with core.read_model_from_memory_buffer(tiny.xml.read_text(), weights) as model:
        del weights  # the model keeps the tensor its constants may point into
        gc.collect()
        with core.compile_model(model, "CPU", F32) as cm:
            blob = tmp_path / "tiny.blob"
            cm.export_model(blob)
    # A blob does not carry the f32 hint; this CPU would import it in bf16: ask the device instead.
    core.set_property("CPU", "INFERENCE_PRECISION_HINT", "f32")
    with core.import_model(blob.read_bytes(), "CPU") as imported, imported.create_infer_request() as request:
        request.set_input_tensor(ov.Tensor.from_numpy(x))
        request.infer()
        np.testing.assert_allclose(request.get_output_tensor().to_numpy(), tiny.reference(x), rtol=1e-6, atol=1e-6)
    with pytest.raises(TypeError, match="bytes"):
        core.import_model(12345, "CPU")  # type: ignore[arg-type]


def test_log_callback_takes_a_python_callable(native: ov.Native) -> None:
    # A plain function-pointer typedef (no user data): a Python callable is wrapped with ffi.callback
    # and kept for the process (the library stores it in a static), replaced by the next call.
    received: list[Any] = []
    ov.util_set_log_callback(received.append)
    gc.collect()  # the wrapper must survive: the library still holds it
    with pytest.raises(TypeError, match="callable"):
        ov.util_set_log_callback(42)  # type: ignore[arg-type]
    ov.util_set_log_callback(None)  # NULL: logging goes back to OpenVINO's default
    ov.util_reset_log_callback()
