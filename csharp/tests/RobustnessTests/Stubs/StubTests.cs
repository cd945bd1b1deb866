// OpenVINO.GenAI against stub native libraries (tests/support/version_stubs.py) that behave as no real
// library should, or as an older one is laid out, and against real older libraries.
// tests/test_robustness_csharp.py runs one case per process (on Mono and CoreCLR) and checks what it prints.
// Usage: StubTests.exe CASE
using System;
using System.Reflection;
using System.Text;
using OpenVINO.GenAI;
using OpenVINO.GenAI.Native;

namespace GenAIInterop.RobustnessTests
{
    public static class StubTests
    {
        public static int Main(string[] args)
        {
            Console.OutputEncoding = new UTF8Encoding(false);
            switch (args[0])
            {
                case "null-out":
                    return NullOut();
                case "version-first":
                    return VersionFirst();
                case "check-order":
                    return CheckOrder();
                case "create-first":
                    // The program's first call is a pipeline's constructor (version detection runs first).
                    Report("LLMPipeline", () => new LLMPipeline("model", "CPU"));
                    return 0;
                default:
                    Console.WriteLine("unknown case " + args[0]);
                    return 2;
            }
        }

        // Prints what a constructor threw: "Type: message".
        private static void Report(string what, Func<IDisposable> create)
        {
            try
            {
                create().Dispose();
                Console.WriteLine(what + ": no exception");
            }
            catch (Exception e)
            {
                Console.WriteLine(what + ": " + e.GetType().Name + ": " + e.Message.Replace("\n", " | "));
            }
        }

        // The first thing the program touches is ApiVersion (no other class of the binding has run its static
        // constructor yet); then members newer than the library must be refused, never called.
        private static int VersionFirst()
        {
            Console.WriteLine("installed=" + (ApiVersion.Installed ?? "none"));
            Console.WriteLine("candidates=" + string.Join(",", ApiVersion.Candidates));
            Report("LLMPipeline", () => new LLMPipeline("model", "CPU"));
            // ChatHistory is a plain value: its native history is made when a call takes it.
            Report("ChatHistory", () =>
            {
                var history = new ChatHistory();
                history.Append("user", "x");
                try
                {
                    return (IDisposable)typeof(ChatHistory).GetMethod("ForCall", BindingFlags.NonPublic | BindingFlags.Instance)
                        .Invoke(history, new object[] { null });
                }
                catch (TargetInvocationException e)
                {
                    throw e.InnerException;
                }
            });
            return 0;
        }

        // A member is refused by version, or given arguments are refused, in the same order in each form.
        private static int CheckOrder()
        {
            using (var pipe = new LLMPipeline("model", "CPU"))
            {
                Func<string, StreamingStatus> onChunk = chunk => StreamingStatus.Running;
                Action<string> onEach = chunk => { };
                Try("GenerateWithHistory", () => pipe.Generate((ChatHistory)null));
                Try("GenerateWithHistory(Func)", () => pipe.Generate((ChatHistory)null, null, onChunk));
                Try("GenerateWithHistory(Action)", () => pipe.Generate((ChatHistory)null, null, onEach));
                Try("GenerateWithHistory(null callback)", () => pipe.Generate((ChatHistory)null, null, (Func<string, StreamingStatus>)null));
                Try("StreamWithHistory", () => pipe.Stream((ChatHistory)null));
                Try("StreamWithHistoryAsync", () => pipe.StreamAsync((ChatHistory)null));
            }
            return 0;
        }

        private static void Try(string what, Func<object> call)
        {
            try
            {
                call();
                Console.WriteLine(what + ": no exception");
            }
            catch (Exception e)
            {
                Console.WriteLine(what + ": " + e.GetType().Name);
            }
        }

        // Every function of the stub returns OK (0) and writes none of its outputs.
        private static int NullOut()
        {
            Report("GenerationConfig", RawConfig);
            Report("LLMPipeline", () => new LLMPipeline("model", "CPU"));
            return 0;
        }

        // The native config as the binding makes it at call time (GenerationConfig itself is a plain object): the
        // first native call of the program, of a function every version has.
        private static IDisposable RawConfig()
        {
            NativeLibraryLoader.Initialize();
            return RawConfigCall();
        }

        // In a method of its own: Mono binds a DllImport name when it compiles the method that calls it.
        private static unsafe IDisposable RawConfigCall()
        {
            ApiVersion.Require("ov_genai_generation_config_create", 0);
            IntPtr config;
            try
            {
                NativeMethods.ov_genai_generation_config_create(&config);
            }
            catch (DllNotFoundException e) { throw NativeLibraryLoader.Explain(e); }
            if (config == IntPtr.Zero)
                throw new GenAIException("ov_genai_generation_config_create reported success but returned no GenerationConfig");
            NativeMethods.ov_genai_generation_config_free(config);
            return new System.IO.MemoryStream();
        }
    }
}
