// OpenVINO.GenAI against stub native libraries (tests/support/version_stubs.py) that behave as no real
// library should, or as an older one is laid out. tests/test_robustness_csharp.py runs one case per process
// (on Mono and CoreCLR) and checks what it prints.
// Usage: StubTests.exe CASE
using System;
using System.Text;
using OpenVINO.GenAI;

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

        // Every function of the stub returns OK (0) and writes none of its outputs.
        private static int NullOut()
        {
            Report("GenerationConfig", () => new GenerationConfig());
            Report("LLMPipeline", () => new LLMPipeline("model", "CPU"));
            return 0;
        }
    }
}
