// Test driver (tests/test_vlm_whisper_real.py): runs VLM turns described line by line on stdin with
// OpenVINO.GenAI's VLMPipeline and OpenVINO.Core tensors as images, and prints one line per turn, for
// comparison with Python openvino_genai.
//   VlmDriver MODEL_DIR [KEY=VALUE]...                 (pipeline properties)
// Input lines (fields separated by tabs):
//   IMAGE name file dims source    raw uint8 pixels; dims "H,W,3" or "1,H,W,3"; source "array" (Tensor.FromArray
//                                  wraps a byte[]) or "copy" (Tensor.FromSpan copies into a tensor it allocates)
//   MAX_NEW_TOKENS n
//   START_CHAT / FINISH_CHAT
//   TURN prompt names stop_after form    names comma-separated (may be empty); form "callback" or "iterator"
// Output per turn: text TAB generated tokens TAB input tokens, then TAB and each streamed piece. The tiny
// model emits printable ASCII only, so no piece holds a tab or a newline (the test checks the reference).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Ov = OpenVINO.Core;
using OpenVINO.GenAI;

namespace OpenVINO.GenAI.Tests
{
    public static class VlmDriver
    {
        public static int Main(string[] args)
        {
            var properties = new List<KeyValuePair<string, string>>();
            for (int i = 1; i < args.Length; i++)
            {
                int eq = args[i].IndexOf('=');
                properties.Add(new KeyValuePair<string, string>(args[i].Substring(0, eq), args[i].Substring(eq + 1)));
            }
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
            var tensors = new Dictionary<string, Ov.Tensor>();
            try
            {
                using (var pipeline = new VLMPipeline(args[0], "CPU", properties))
                {
                    var config = new GenerationConfig();
                    string line;
                    while ((line = Console.In.ReadLine()) != null)
                    {
                        string[] f = line.Split('\t');
                        switch (f[0])
                        {
                            case "IMAGE":
                                byte[] pixels = File.ReadAllBytes(f[2]);
                                long[] dims = f[3].Split(',').Select(long.Parse).ToArray();
                                tensors[f[1]] = f[4] == "array" ? Ov.Tensor.FromArray(pixels, dims)
                                                                : Ov.Tensor.FromSpan<byte>(pixels, dims);
                                break;
                            case "MAX_NEW_TOKENS":
                                config.MaxNewTokens = int.Parse(f[1]);
                                break;
                            case "START_CHAT":
                                pipeline.StartChat();
                                break;
                            case "FINISH_CHAT":
                                pipeline.FinishChat();
                                break;
                            case "TURN":
                                output.WriteLine(Turn(pipeline, config, tensors, f[1], f[2], int.Parse(f[3]), f[4]));
                                break;
                            default:
                                Console.Error.WriteLine("unknown line: " + line);
                                return 2;
                        }
                    }
                }
                return 0;
            }
            finally
            {
                foreach (var tensor in tensors.Values) tensor.Dispose();
            }
        }

        private static string Turn(VLMPipeline pipeline, GenerationConfig config, Dictionary<string, Ov.Tensor> tensors,
                                   string prompt, string names, int stopAfter, string form)
        {
            // OpenVINO.Core tensors go in as they are: both bindings' objects are OpenVINO.Interop.NativeObjects.
            Ov.Tensor[] images = names.Length == 0 ? new Ov.Tensor[0] : names.Split(',').Select(n => tensors[n]).ToArray();
            var chunks = new List<string>();
            VLMDecodedResults results;
            if (form == "iterator" && stopAfter == 0)
            {
                foreach (string chunk in pipeline.Stream(prompt, images, config)) chunks.Add(chunk);
                // The iterator form gives no results object: generate again for the text and metrics
                // (greedy, so the same), and check the pieces make up that text.
                results = pipeline.Generate(prompt, images, config);
            }
            else
            {
                results = pipeline.Generate(prompt, images, config, chunk =>
                {
                    chunks.Add(chunk);
                    return stopAfter > 0 && chunks.Count >= stopAfter ? StreamingStatus.Stop : StreamingStatus.Running;
                });
            }
            PerfMetrics metrics = results.PerfMetrics;
            var row = new StringBuilder(results.ToString());
            row.Append('\t').Append(metrics.NumGeneratedTokens).Append('\t').Append(metrics.NumInputTokens);
            foreach (string chunk in chunks) row.Append('\t').Append(chunk);
            return row.ToString();
        }
    }
}
