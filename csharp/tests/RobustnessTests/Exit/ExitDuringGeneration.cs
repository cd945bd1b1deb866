// The process exits while another thread is inside a generation (tests/test_robustness_csharp.py runs one
// case per process, on Mono and CoreCLR, against the test double, which aborts an exit during a generate as
// the real library crashes there). Prints "exiting" and exits with 3.
// Usage: ExitDuringGeneration.exe MODEL_PATH FORM BACKEND HOW
//   FORM: streamer (Generate with a callback), stream (a Stream enumerated), plain (Generate without a callback),
//         exit-in-callback (Environment.Exit called by the callback itself)
//   BACKEND: PA (callbacks on the library's worker thread) or SDPA (on the calling thread)
//   HOW: return (from Main) or exit (Environment.Exit)
using System;
using System.Collections.Generic;
using System.Threading;
using OpenVINO.GenAI;

namespace GenAIInterop.RobustnessTests
{
    public static class ExitDuringGeneration
    {
        public static int Main(string[] args)
        {
            string model = args[0], form = args[1], backend = args[2], how = args[3];
            var pipe = new LLMPipeline(model, "CPU", new Dictionary<string, string> { { "ATTENTION_BACKEND", backend } });
            var config = new GenerationConfig { MaxNewTokens = 100000, IgnoreEos = true };
            var going = new ManualResetEventSlim();
            var worker = new Thread(() =>
            {
                // A new generation as soon as one ends: one is always running when the process exits.
                while (true)
                {
                    try
                    {
                        switch (form)
                        {
                            case "streamer":
                                pipe.Generate("Hello", config, chunk => going.Set());
                                break;
                            case "stream":
                                foreach (string chunk in pipe.Stream("Hello", config)) going.Set();
                                break;
                            case "exit-in-callback":
                                pipe.Generate("Hello", config, chunk =>
                                {
                                    Console.WriteLine("exiting");
                                    Environment.Exit(3);
                                });
                                break;
                            default:
                                going.Set();
                                pipe.Generate("Hello", config);
                                break;
                        }
                    }
                    catch (Exception e)
                    {
                        Console.Error.WriteLine("worker: " + e.GetType().Name + ": " + e.Message);
                        return;
                    }
                }
            });
            worker.IsBackground = true;
            worker.Start();
            if (form == "exit-in-callback")
            {
                worker.Join();
                return 1;  // not reached: the callback exits
            }
            going.Wait(TimeSpan.FromSeconds(60));
            Console.WriteLine("exiting");
            if (how == "exit") Environment.Exit(3);
            return 3;
        }
    }
}
