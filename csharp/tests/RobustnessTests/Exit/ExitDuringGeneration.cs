// The process exits while another thread is inside a generation (tests/test_robustness_csharp.py runs one
// case per process, on Mono and CoreCLR, against the test double, which aborts an exit during a generate as
// the real library crashes there). Prints "exiting" and exits with 3.
// Usage: ExitDuringGeneration.exe MODEL_PATH FORM BACKEND HOW
//   FORM: streamer (Generate with a callback), stream (a Stream enumerated), plain (Generate without a callback),
//         plain-inside (plain, but the exit waits until a probe generate on the pipeline is refused: the worker's
//         call is surely running; with GENAI_DOUBLE_PLAIN_GENERATE_MS set it outlasts the exit's bounded wait),
//         exit-in-callback (Environment.Exit called by the callback itself),
//         starts-during-exit (the thread's first generation begins once the exit has begun: a ProcessExit handler
//         of the program lets it start, and its callback, if it is ever called, holds the call until the handler
//         gives up waiting, so an exit that neither refused nor waited for it ends in the double's abort)
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
            if (form == "starts-during-exit") return StartsDuringExit(pipe, config, how);
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
                    catch (GenAIException) when (form == "plain-inside")
                    {
                        // The main thread's probe held the pipeline just then: generate again.
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
            if (form == "plain-inside") WaitUntilBusy(pipe);
            Console.WriteLine("exiting");
            if (how == "exit") Environment.Exit(3);
            return 3;
        }

        // Returns once a generate on the pipeline fails at once because another one runs (the double refuses a
        // second generate on a busy pipeline; a probe with a callback is never slowed down by the double).
        private static void WaitUntilBusy(LLMPipeline pipe)
        {
            var probe = new GenerationConfig { MaxNewTokens = 1 };
            DateTime until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < until)
            {
                try
                {
                    pipe.Generate("Hello", probe, chunk => StreamingStatus.Running);
                }
                catch (GenAIException)
                {
                    return;
                }
                Thread.Sleep(1);
            }
            Console.Error.WriteLine("the worker's generation never held the pipeline");
        }

        // The pipeline exists (the binding is in use) but no generation has run yet when the exit begins.
        private static int StartsDuringExit(LLMPipeline pipe, GenerationConfig config, string how)
        {
            var start = new ManualResetEventSlim();
            var settled = new ManualResetEventSlim();
            var release = new ManualResetEventSlim();
            var worker = new Thread(() =>
            {
                start.Wait();
                try
                {
                    pipe.Generate("Hello", config, chunk =>
                    {
                        settled.Set();
                        release.Wait(TimeSpan.FromSeconds(30));
                        return StreamingStatus.Running;
                    });
                }
                catch (InvalidOperationException e)
                {
                    Console.Error.WriteLine("worker: " + e.Message);  // refused: the process is exiting
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine("worker: " + e.GetType().Name + ": " + e.Message);
                }
                settled.Set();
            });
            worker.IsBackground = true;
            worker.Start();
            // Registered after the binding's own handler (the pipeline exists), as a program's handlers are.
            AppDomain.CurrentDomain.ProcessExit += (sender, e) =>
            {
                start.Set();
                if (!settled.Wait(TimeSpan.FromSeconds(30))) Console.Error.WriteLine("the generation neither ran nor was refused");
            };
            Console.WriteLine("exiting");
            if (how == "exit") Environment.Exit(3);
            return 3;
        }
    }
}
