using System;
using System.Linq;
using Ov = OpenVINO.Core;
using GenAI = OpenVINO.GenAI;

// The GenAI VLM pipeline takes its images as ov_tensor_t*: OpenVINO.Core tensors go in as they are (both
// bindings' classes derive from OpenVINO.Interop.NativeObject; each is kept alive during each call, never
// released by GenAI). tests/test_core_csharp.py runs this against the real libopenvino_c (tensors) and the native
// GenAI test double (pipeline), which reads their shapes and pixels through libopenvino_c, as the real library does.
internal static class VlmWithCoreTensors
{
    private static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: VlmWithCoreTensors <model folder>");
            return 2;
        }
        try
        {
            var dark = Enumerable.Repeat((byte)10, 8 * 8 * 3).ToArray();
            var light = Enumerable.Repeat((byte)200, 8 * 8 * 3).ToArray();
            using (var first = Ov.Tensor.FromArray(dark, 1, 8, 8, 3))
            using (var second = Ov.Tensor.FromArray(light, 1, 8, 8, 3))
            using (var pipe = new GenAI.VLMPipeline(args[0], "CPU"))
            {
                var config = new GenAI.GenerationConfig();
                config.MaxNewTokens = 20;
                var both = new[] { first, second };
                string without, withOne, withTwo;
                without = pipe.Generate("Describe", new Ov.Tensor[0], config).ToString();
                withOne = pipe.Generate("Describe", both.Take(1).ToArray(), config).ToString();
                withTwo = pipe.Generate("Describe", both, config).ToString();
                Report("image_type", first.ElementType + " " + string.Join(",", first.Shape));
                Report("answers_differ", (without != withOne && withOne != withTwo && without != withTwo).ToString());
                Report("pixels_matter", (pipe.Generate("Describe", new[] { second, first }, config).ToString() != withTwo).ToString());
                Report("streamed_equals", (string.Concat(pipe.Stream("Describe", both, config)) == withTwo).ToString());
                Report("tensor_still_usable", second.ToArray<byte>()[0].ToString());
                // An image with no pixels kills the real library (SIGFPE; the double too): refused before the call.
                foreach (long[] shape in new[] { new long[] { 0, 8, 3 }, new long[] { 8, 0, 3 }, new long[] { 1, 8, 0, 3 }, new long[] { 2, 0, 8, 3 } })
                {
                    using (var empty = Ov.Tensor.FromArray(new byte[0], shape))
                    {
                        string key = "empty_image_" + string.Join("x", shape);
                        try
                        {
                            pipe.Generate("Describe", new[] { first, empty }, config);
                            Report(key, "accepted");
                        }
                        catch (ArgumentException e)
                        {
                            Report(key, e.ParamName + " | " + e.Message.Split('\n')[0].Split('\r')[0]);
                        }
                    }
                }
                using (var noImage = Ov.Tensor.FromArray(new byte[0], 0, 0, 8, 3))
                {
                    Report("batch_of_no_images", (pipe.Generate("Describe", new[] { first, noImage }, config).ToString() == withOne).ToString());
                }
                first.Dispose();
                try
                {
                    pipe.Generate("Describe", both, config);
                    Report("disposed_tensor", "accepted");
                }
                catch (ObjectDisposedException)
                {
                    Report("disposed_tensor", "ObjectDisposedException");
                }
            }
            Report("done", "yes");
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("unexpected: " + e);
            return 1;
        }
    }

    private static void Report(string key, string value)
    {
        Console.WriteLine(key + ": " + value);
    }
}
