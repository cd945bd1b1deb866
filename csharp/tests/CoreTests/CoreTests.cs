using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using OpenVINO.Core;

// Drives OpenVINO.Core against the real libopenvino_c (tests/test_core_csharp.py runs it on Mono and
// .NET 8): reads a tiny IR, compiles it on CPU, runs inference synchronously and asynchronously, and
// prints one `key: value` line per observation. The Python test compares the numbers with numpy, so
// the reference lives in one place. An unexpected exception ends the run with exit code 1.
internal static class CoreTests
{
    private static readonly Dictionary<string, string> F32 = new Dictionary<string, string>
    {
        { "INFERENCE_PRECISION_HINT", "f32" },
    };

    private static int Main(string[] args)
    {
        if (args.Length != 5)
        {
            Console.Error.WriteLine("usage: CoreTests <model.xml> <input: 4 floats> <second input: 4 floats> <batch input: 8 floats> <copy of model.xml at a non-ASCII path>");
            return 2;
        }
        try
        {
            Run(args[0], Floats(args[1]), Floats(args[2]), Floats(args[3]));
            WidePaths(args[4], Floats(args[1]));
            Report("done", "yes");
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("unexpected: " + e);
            return 1;
        }
    }

    private static void Run(string xml, float[] x, float[] x2, float[] batch)
    {
        Report("runtime", Type.GetType("Mono.Runtime") != null ? "mono" : "coreclr");
        Report("version", OpenVINOLibrary.GetOpenvinoVersion().BuildNumber);
        using (var core = new Core())
        {
            Report("devices", string.Join(",", core.AvailableDevices));
            Report("full_device_name", core.GetProperty("CPU", "FULL_DEVICE_NAME"));
            core.SetProperty("CPU", "NUM_STREAMS", "1");  // the variadic setter: one key/value pair
            Report("num_streams", core.GetProperty("CPU", "NUM_STREAMS"));
            CoreVersion[] versions = core.GetVersionsByDeviceName("CPU");
            Report("device_versions", string.Join(",", versions.Select(v => v.DeviceName + "=" + v.Version.Description)));

            using (var model = core.ReadModel(xml))
            {
                Report("friendly_name", model.GetFriendlyName());
                Report("inputs_outputs", model.InputsSize + "," + model.OutputsSize);
                using (var port = model.ConstInput())
                {
                    Report("input_name", port.GetAnyName());
                    Report("input_shape", Join(port.Shape));
                    Report("input_type", port.ElementType.ToString());
                    PartialShape partial = port.PartialShape;
                    Report("input_partial_shape", partial.ToString());
                    Report("partial_shape_text", OpenVINOLibrary.PartialShapeToString(partial));
                    Report("partial_shape_static", (!OpenVINOLibrary.PartialShapeIsDynamic(partial)).ToString());
                    Report("partial_to_shape", Join(OpenVINOLibrary.PartialShapeToShape(partial)));
                }
                using (var layout = new Layout("NC"))
                {
                    Report("layout", layout.ToString());
                }

                using (var compiled = core.CompileModel(model, "CPU", F32))
                using (var request = compiled.CreateInferRequest())
                {
                    Report("precision", compiled.GetProperty("INFERENCE_PRECISION_HINT"));
                    ImportExported(core, compiled, xml, x);
                    Synchronous(request, x);
                    Asynchronous(request, x2);
                    WrongShape(request);
                }

                // Reshape to a batch of two and run it.
                model.ReshapeSingleInput(OpenVINOLibrary.ShapeToPartialShape(new long[] { 2, 4 }));
                using (var compiled = core.CompileModel(model, "CPU", F32))
                using (var request = compiled.CreateInferRequest())
                using (var input = Tensor.FromArray(batch, 2, 4))
                {
                    request.SetInputTensor(input);
                    request.Infer();
                    using (var output = request.GetOutputTensor())
                    {
                        Report("batch_shape", Join(output.Shape));
                        Report("batch_output", Join(output.ToArray<float>()));
                    }
                }
            }
            Errors(core, xml);
        }
    }

    // A compiled model exported to a blob and imported from its bytes (a byte[] buffer argument).
    private static void ImportExported(Core core, CompiledModel compiled, string xml, float[] x)
    {
        string blob = xml + ".blob";
        compiled.ExportModel(blob);
        // A blob does not carry the f32 hint; this CPU would import it in bf16: ask the device instead.
        core.SetProperty("CPU", "INFERENCE_PRECISION_HINT", "f32");
        using (var imported = core.ImportModel(System.IO.File.ReadAllBytes(blob), "CPU"))
        using (var request = imported.CreateInferRequest())
        using (var input = Tensor.FromArray(x, 1, 4))
        {
            request.SetInputTensor(input);
            request.Infer();
            using (var output = request.GetOutputTensor()) Report("imported_output", Join(output.ToArray<float>()));
        }
        System.IO.File.Delete(blob);
    }

    private static void Synchronous(InferRequest request, float[] x)
    {
        // Zero-copy: the tensor wraps the array.
        var input = Tensor.FromArray((float[])x.Clone(), 1, 4);
        Report("input_wraps_array", input.WrapsManagedArray.ToString());
        request.SetInputTensor(input);
        request.Infer();
        using (var output = request.GetOutputTensor())
        {
            Report("sync_output", Join(output.ToArray<float>()));
            Report("output_shape", Join(output.Shape));
            Report("output_type", output.ElementType.ToString());
        }

        // The request keeps the tensor (and its pinned array) even once the caller drops and disposes it.
        input.Dispose();
        input = null;
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        var scribble = new List<float[]>();
        for (int i = 0; i < 2000; i++) scribble.Add(Enumerable.Repeat(1e6f, 4).ToArray());
        request.Infer();
        GC.KeepAlive(scribble);
        using (var output = request.GetOutputTensor())
        {
            Report("sync_after_gc", Join(output.ToArray<float>()));
        }

        // The request's own input memory, written through a span copy.
        using (var own = request.GetInputTensor())
        {
            own.CopyFrom(new ReadOnlySpan<float>(x));
            request.Infer();
        }
        using (var output = request.GetOutputTensor())
        {
            var copy = new float[3];
            output.CopyTo(new Span<float>(copy));
            Report("span_output", Join(copy));
        }
    }

    private static void Asynchronous(InferRequest request, float[] x2)
    {
        int caller = Thread.CurrentThread.ManagedThreadId;
        int callbackThread = -1;
        int calls = 0;
        var arrived = new ManualResetEventSlim(false);
        request.SetCallback(() =>
        {
            callbackThread = Thread.CurrentThread.ManagedThreadId;
            Interlocked.Increment(ref calls);
            arrived.Set();
        });
        using (var input = Tensor.FromSpan(new ReadOnlySpan<float>(x2), 1, 4))
        {
            request.SetInputTensor(input);
            request.StartAsync();
            Report("callback_arrived", arrived.Wait(30000).ToString());
            request.Wait();
            Report("callback_on_other_thread", (callbackThread != caller && callbackThread != -1).ToString());
            using (var output = request.GetOutputTensor())
            {
                Report("async_output", Join(output.ToArray<float>()));
            }
            // The task form, several times in a row on the same request.
            for (int i = 0; i < 3; i++)
            {
                Report("infer_async_completed", request.InferAsync().Wait(30000).ToString());
            }
            using (var output = request.GetOutputTensor())
            {
                Report("infer_async_output", Join(output.ToArray<float>()));
            }
            Report("callback_calls", Volatile.Read(ref calls).ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void WrongShape(InferRequest request)
    {
        using (var wrong = Tensor.FromArray(new float[5], 1, 5))
        {
            try
            {
                request.SetInputTensor(wrong);
                Report("wrong_shape_error", "none");
            }
            catch (OpenVINOException e)
            {
                Report("wrong_shape_function", e.Function);
                Report("wrong_shape_status", e.StatusName);
                Report("wrong_shape_error", e.Message);
            }
        }
        try
        {
            Tensor.FromArray(new float[3], 1, 4);
            Report("bad_argument", "none");
        }
        catch (ArgumentException e)
        {
            Report("bad_argument", e.GetType().Name);
        }
    }

    // The *_unicode functions take wchar_t paths: UTF-32 here, UTF-16 on Windows (WideString).
    private static void WidePaths(string xml, float[] x)
    {
        using (var core = new Core())
        {
            using (var model = core.ReadModelUnicode(xml))
            {
                Report("unicode_friendly_name", model.GetFriendlyName());
            }
            using (var compiled = core.CompileModelFromFileUnicode(xml, "CPU", F32))
            using (var request = compiled.CreateInferRequest())
            using (var input = Tensor.FromArray(x, 1, 4))
            {
                request.SetInputTensor(input);
                request.Infer();
                using (var output = request.GetOutputTensor()) Report("unicode_output", Join(output.ToArray<float>()));
            }
            string absent = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(xml), "absent ü.xml");
            try
            {
                core.ReadModelUnicode(absent).Dispose();
                Report("unicode_missing_error", "none");
            }
            catch (OpenVINOException e)
            {
                Report("unicode_missing_error", e.Message);
            }
        }
    }

    private static void Errors(Core core, string xml)
    {
        string missing = xml + ".missing.xml";
        try
        {
            core.ReadModel(missing).Dispose();
            Report("missing_model_error", "none");
        }
        catch (OpenVINOException e)
        {
            Report("missing_model_function", e.Function);
            Report("missing_model_status", e.StatusName);
            Report("missing_model_error", e.Message);
            Report("missing_model_path", missing);
        }
        using (var model = core.ReadModel(xml))
        {
            try
            {
                core.CompileModel(model, "CPU", new Dictionary<string, string> { { "NO_SUCH_KEY", "1" } }).Dispose();
                Report("unknown_property_error", "none");
            }
            catch (OpenVINOException e)
            {
                Report("unknown_property_error", e.Message);
            }
        }
        try
        {
            core.GetVersionsByDeviceName("NO_SUCH_DEVICE");
            Report("not_found_error", "none");
        }
        catch (OpenVINOException e)
        {
            Report("not_found_error", e.Message);
        }
        var disposed = new Core();
        disposed.Dispose();
        try
        {
            disposed.GetProperty("CPU", "FULL_DEVICE_NAME");
            Report("use_after_dispose", "none");
        }
        catch (ObjectDisposedException)
        {
            Report("use_after_dispose", "ObjectDisposedException");
        }
    }

    private static float[] Floats(string text)
    {
        return text.Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    }

    private static string Join(float[] values)
    {
        return string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
    }

    private static string Join(long[] values)
    {
        return string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
    }

    private static void Report(string key, string value)
    {
        Console.WriteLine(key + ": " + (value ?? "<null>").Replace("\r", "").Replace("\n", "\\n"));
    }
}
