// Benchmarks a local LLM through OpenVINO GenAI, with the options and output of OpenVINO GenAI's C
// sample benchmark_genai_c: warm-up runs, then the performance metrics of the measured runs added up
// (load time, generate/tokenization/detokenization time, TTFT, TPOT, throughput).
//   BenchmarkGenAI -m MODEL [-p PROMPT] [--nw N] [-n N] [--mt N] [-d DEVICE]
//   (in a project made with `dotnet new genai-benchmark`: dotnet run -- -m MODEL ...)
// MODEL is an OpenVINO model folder (e.g. exported with optimum-cli) or a .gguf file.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using OpenVINO.GenAI;
using OpenVINO.Interop;

namespace OpenVINO.GenAI.Samples
{
    public static class BenchmarkGenAI
    {
        private const string Usage =
            "Usage: benchmark_genai [OPTIONS]\n" +
            "Options:\n" +
            "  -m, --model            Path to model and tokenizers base directory\n" +
            "  -p, --prompt           Prompt (default: \"The Sky is blue because\")\n" +
            "  --nw, --num_warmup      Number of warmup iterations (default: 1)\n" +
            "  -n, --num_iter         Number of iterations (default: 3)\n" +
            "  --mt, --max_new_tokens  Maximal number of new tokens (default: 20)\n" +
            "  -d, --device           Device (default: CPU)\n" +
            "  -h, --help             Print usage";

        private static readonly Dictionary<string, string> Names = new Dictionary<string, string>
        {
            { "-m", "model" }, { "--model", "model" }, { "-p", "prompt" }, { "--prompt", "prompt" },
            { "--nw", "num_warmup" }, { "--num_warmup", "num_warmup" }, { "-n", "num_iter" }, { "--num_iter", "num_iter" },
            { "--mt", "max_new_tokens" }, { "--max_new_tokens", "max_new_tokens" }, { "-d", "device" }, { "--device", "device" },
        };

        public static int Main(string[] args)
        {
            var options = new Dictionary<string, string>
            {
                { "prompt", "The Sky is blue because" }, { "num_warmup", "1" }, { "num_iter", "3" },
                { "max_new_tokens", "20" }, { "device", "CPU" },
            };
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] == "-h" || args[i] == "--help")
                {
                    Console.WriteLine(Usage);
                    return 0;
                }
                string name;
                if (!Names.TryGetValue(args[i], out name)) return Fail("Error: Unknown option " + args[i]);
                if (i + 1 >= args.Length) return Fail("Error: --" + name + " requires an argument");
                options[name] = args[++i];
            }
            ulong warmup, iterations, maxNewTokens;
            if (!options.ContainsKey("model")) return Fail("Error: --model is required\n" + Usage);
            if (!ulong.TryParse(options["num_warmup"], NumberStyles.None, CultureInfo.InvariantCulture, out warmup)
                || !ulong.TryParse(options["num_iter"], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
                || !ulong.TryParse(options["max_new_tokens"], NumberStyles.None, CultureInfo.InvariantCulture, out maxNewTokens))
                return Fail("Error: --num_warmup, --num_iter and --max_new_tokens need whole numbers");
            if (iterations == 0) return Fail("Error: --num_iter must be at least 1");

            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
            string prompt = options["prompt"];
            output.WriteLine("Model: " + options["model"]);
            output.WriteLine("Prompt: " + prompt);
            output.WriteLine("Num Warmup: " + warmup);
            output.WriteLine("Num Iter: " + iterations);
            output.WriteLine("Max New Tokens: " + maxNewTokens);
            output.WriteLine("Device: " + options["device"]);
            try
            {
                using (var pipeline = new LLMPipeline(options["model"], options["device"]))
                {
                    var config = new GenerationConfig();
                    config.MaxNewTokens = checked((int)maxNewTokens);
                    for (ulong i = 0; i < warmup; i++)
                    {
                        pipeline.Generate(prompt, config);
                    }
                    PerfMetrics total = pipeline.Generate(prompt, config).PerfMetrics;
                    for (ulong i = 1; i < iterations; i++)
                    {
                        total = total + pipeline.Generate(prompt, config).PerfMetrics;
                    }
                    output.WriteLine(Format("{0:F2} ms", total.LoadTime.TotalMilliseconds));  // upstream's sample prints it without a label
                    output.WriteLine(Line("Generate time", total.GenerateDuration, "ms"));
                    output.WriteLine(Line("Tokenization time", total.TokenizationDuration, "ms"));
                    output.WriteLine(Line("Detokenization time", total.DetokenizationDuration, "ms"));
                    output.WriteLine(Line("TTFT", total.Ttft, "ms"));
                    output.WriteLine(Line("TPOT", total.Tpot, "ms/token"));
                    output.WriteLine(Line("Throughput", total.Throughput, "tokens/s"));
                }
            }
            catch (LibraryVersionException e)
            {
                // The installed OpenVINO GenAI is older than this program needs.
                return Fail("Error: " + e.Message);
            }
            catch (GenAIException e)
            {
                return Fail("Error: " + e.Message);
            }
            catch (DllNotFoundException e)
            {
                return Fail("Error: " + e.Message);
            }
            return 0;
        }

        private static string Line(string label, MeanStdPair<TimeSpan> value, string unit)
        {
            return Format("{0}: {1:F2} ± {2:F2} {3}", label, value.Mean.TotalMilliseconds, value.Std.TotalMilliseconds, unit);
        }

        private static string Line(string label, MeanStdPair<float> value, string unit)
        {
            return Format("{0}: {1:F2} ± {2:F2} {3}", label, value.Mean, value.Std, unit);
        }

        private static string Format(string format, params object[] values)
        {
            return string.Format(CultureInfo.InvariantCulture, format, values);
        }

        private static int Fail(string message)
        {
            Console.Error.WriteLine(message);
            return 1;
        }
    }
}
