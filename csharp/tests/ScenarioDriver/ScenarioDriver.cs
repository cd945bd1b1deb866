// Runs one cross-language scenario (tests/scenarios/SPEC.md) through the C# binding and prints its
// JSON transcript. Usage: ScenarioDriver.exe SCENARIO.json MODEL_PATH
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using OpenVINO.GenAI;
using OpenVINO.Interop;
using OpenVINO.GenAI.Native;

namespace GenAIInterop.Tests
{
    public static class ScenarioDriver
    {
        // The order SPEC.md sets configuration keys in.
        private static readonly string[] ConfigKeys =
        {
            "max_new_tokens", "ignore_eos", "min_new_tokens", "stop_strings", "include_stop_str_in_output",
            "stop_token_ids", "temperature", "do_sample", "rng_seed",
        };

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate long LiveObjects();

        public static int Main(string[] args)
        {
            if (args.Length != 2)
            {
                Console.Error.WriteLine("usage: ScenarioDriver SCENARIO.json MODEL_PATH");
                return 2;
            }
            var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
            stdout.Write(Run(args[0], args[1], NativeLibraryLoader.IsMono ? "csharp-mono" : "csharp-coreclr"));
            stdout.WriteLine();
            stdout.Flush();
            return 0;
        }

        public static string Run(string scenarioPath, string modelPath, string language)
        {
            var scenario = (OrderedObject)MiniJson.Parse(File.ReadAllText(scenarioPath, Encoding.UTF8));
            var transcript = new OrderedObject();
            transcript.Add("scenario", scenario["name"]);
            transcript.Add("language", language);
            var pipeline = (OrderedObject)scenario["pipeline"] ?? new OrderedObject();
            string device = (string)pipeline["device"] ?? "CPU";
            string path = modelPath + ((string)pipeline["model_path_suffix"] ?? "");
            var properties = new List<KeyValuePair<string, string>>();
            var declared = (OrderedObject)pipeline["properties"];
            if (declared != null)
            {
                foreach (var pair in declared.Pairs) properties.Add(new KeyValuePair<string, string>(pair.Key, (string)pair.Value));
            }
            var bench = (OrderedObject)scenario["bench"];

            LLMPipeline pipe;
            try
            {
                pipe = new LLMPipeline(path, device, properties);
            }
            catch (GenAIException<Status> e)
            {
                transcript.Add("create_status", e.StatusName);
                transcript.Add("turns", new List<object>());
                transcript.Add("live_objects", LiveObjectCount());
                return MiniJson.Write(transcript);
            }
            transcript.Add("create_status", "OK");
            var turns = new List<object>();
            using (pipe)
            {
                var pipelineConfig = (OrderedObject)scenario["pipeline_config"];
                if (pipelineConfig != null)
                {
                    var current = pipe.GetGenerationConfig();
                    {
                        Apply(current, pipelineConfig);
                        pipe.SetGenerationConfig(current);
                    }
                }
                var configValues = (OrderedObject)scenario["config"];
                GenerationConfig config = null;
                if (configValues != null)
                {
                    config = new GenerationConfig();
                    Apply(config, configValues);
                }
                if (bench != null) return Bench(pipe, config, scenario, language);
                bool chat = scenario["chat"] is bool && (bool)scenario["chat"];
                if (chat) pipe.StartChat();
                var prompts = (List<object>)scenario["turns"];
                for (int i = 0; i < prompts.Count; i++) turns.Add(Turn(pipe, config, (string)prompts[i], Policy(scenario, i)));
                if (chat) pipe.FinishChat();
            }
            transcript.Add("turns", turns);
            transcript.Add("live_objects", LiveObjectCount());
            return MiniJson.Write(transcript);
        }

        private static OrderedObject Policy(OrderedObject scenario, int turn)
        {
            var policy = (OrderedObject)scenario["policy"];
            var run = new OrderedObject();
            run.Add("action", "run");
            if (policy == null) return run;
            var only = (List<object>)policy["turns"];
            if (only != null && !only.Contains((double)turn)) return run;
            return policy;
        }

        private static void Apply(GenerationConfig config, OrderedObject values)
        {
            foreach (string key in ConfigKeys)
            {
                if (!values.Has(key)) continue;
                object value = values[key];
                switch (key)
                {
                    case "max_new_tokens": config.MaxNewTokens = (int)(double)value; break;
                    case "ignore_eos": config.IgnoreEos = (bool)value; break;
                    case "min_new_tokens": config.MinNewTokens = (int)(double)value; break;
                    case "stop_strings": config.StopStrings = ((List<object>)value).ConvertAll(s => (string)s).ToArray(); break;
                    case "include_stop_str_in_output": config.IncludeStopStrInOutput = (bool)value; break;
                    case "stop_token_ids": config.StopTokenIds = ((List<object>)value).ConvertAll(v => (long)(double)v).ToArray(); break;
                    case "temperature": config.Temperature = (float)(double)value; break;
                    case "do_sample": config.DoSample = (bool)value; break;
                    case "rng_seed": config.RngSeed = (long)(double)value; break;
                }
            }
        }

        private static OrderedObject Turn(LLMPipeline pipe, GenerationConfig config, string prompt, OrderedObject policy)
        {
            var chunks = new List<object>();
            var statuses = new List<object>();
            var threads = new List<object>();
            string action = (string)policy["action"];
            int after = policy["after"] == null ? 0 : (int)(double)policy["after"];
            string message = (string)policy["message"] ?? "user error";
            int caller = Thread.CurrentThread.ManagedThreadId;
            int calls = 0;
            Exception thrown = null;
            Func<string, StreamingStatus> callback = chunk =>
            {
                calls++;
                chunks.Add(chunk);
                threads.Add(Thread.CurrentThread.ManagedThreadId == caller ? "caller" : "worker");
                if (calls == after && action == "throw")
                {
                    statuses.Add("THROW");
                    thrown = new InvalidOperationException(message);
                    throw thrown;
                }
                StreamingStatus answer = calls == after && action == "stop" ? StreamingStatus.Stop
                    : calls == after && action == "cancel" ? StreamingStatus.Cancel : StreamingStatus.Running;
                statuses.Add(answer.ToCName().Replace("OV_GENAI_STREAMING_STATUS_", ""));
                return answer;
            };
            var turn = new OrderedObject();
            turn.Add("prompt", prompt);
            string text = null, status = "OK", error = null;
            object generated = null;
            try
            {
                var results = pipe.Generate(prompt, config, callback);
                text = results.ToString();
                generated = (double)results.PerfMetrics.NumGeneratedTokens;
            }
            catch (GenAIException<Status> e)
            {
                status = e.StatusName;
            }
            catch (InvalidValueException)
            {
                status = "INVALID_CONFIG";  // refused before the call
            }
            catch (InvalidOperationException e) when (thrown != null)
            {
                status = "USER_ERROR";
                error = ReferenceEquals(e, thrown) ? e.Message : "(another exception) " + e.Message;
            }
            turn.Add("chunks", chunks);
            turn.Add("statuses", statuses);
            turn.Add("callback_threads", threads);
            turn.Add("text", text);
            turn.Add("status", status);
            turn.Add("error", error);
            turn.Add("num_generated_tokens", generated);
            return turn;
        }

        private static string Bench(LLMPipeline pipe, GenerationConfig config, OrderedObject scenario, string language)
        {
            long calls = 0;
            string prompt = (string)((List<object>)scenario["turns"])[0];
            var clock = Stopwatch.StartNew();
            pipe.Generate(prompt, config, chunk =>
            {
                calls++;
                return StreamingStatus.Running;
            });
            clock.Stop();
            var result = new OrderedObject();
            result.Add("scenario", scenario["name"]);
            result.Add("language", language);
            result.Add("chunks", (double)calls);
            result.Add("seconds", clock.Elapsed.TotalSeconds);
            return MiniJson.Write(result);
        }

        // The double's count of live handles; null against the real library (no such export).
        private static object LiveObjectCount()
        {
            try
            {
                IntPtr function = NativeLibraryLoader.GetExport(NativeMethods.Library, "genai_double_live_objects");
                var count = (LiveObjects)Marshal.GetDelegateForFunctionPointer(function, typeof(LiveObjects));
                // Results are plain values; the native metrics their PerfMetrics keep (for +) go when collected.
                for (int i = 0; i < 20 && count() != 0; i++)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
                return (double)count();
            }
            catch (EntryPointNotFoundException)
            {
                return null;
            }
        }
    }
}
