// Stream/StreamAsync enumerators dropped without Dispose, then GC.Collect + WaitForPendingFinalizers: each
// generation must end so its pipeline takes the next call (tests/test_robustness_csharp.py runs it on Mono and
// CoreCLR against the test double). Prints "stuck ..." and exits with 1 when a pipeline is still busy 30 s
// later (a hang guard, not a speed check), else "done". Stale references on Mono's conservatively scanned
// stacks decide whether it fails, so the shape of this program matters: it reproduced issue 13 (4) as it is.
// Usage: DroppedEnumerators.exe MODEL_PATH ROUNDS
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using OpenVINO.GenAI;

namespace GenAIInterop.RobustnessTests
{
    public static class DroppedEnumerators
    {
        private static WeakReference dropped;

        public static int Main(string[] args)
        {
            string model = args[0];
            int rounds = int.Parse(args[1]);
            foreach (string backend in new[] { "PA", "SDPA" })
            foreach (string mode in new[] { "sync", "async" })
            {
                var properties = new Dictionary<string, string> { { "ATTENTION_BACKEND", backend } };
                using (var pipe = new LLMPipeline(model, "CPU", properties))
                {
                    var config = new GenerationConfig { MaxNewTokens = 200000, IgnoreEos = true };
                    for (int round = 0; round < rounds; round++)
                    {
                        if (mode == "sync") Drop(pipe, config); else DropAsync(pipe, config);
                        for (int i = 0; i < 3; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
                        var clock = Stopwatch.StartNew();
                        var small = new GenerationConfig { MaxNewTokens = 3 };
                        {
                            while (true)
                            {
                                try
                                {
                                    pipe.Generate("Hello", small);
                                    break;
                                }
                                catch (GenAIException e) when (e.StatusCode == -17)
                                {
                                    Thread.Sleep(10);
                                    if (clock.Elapsed.TotalSeconds > 3) { GC.Collect(); GC.WaitForPendingFinalizers(); }
                                    if (clock.Elapsed.TotalSeconds > 30)
                                    {
                                        Console.WriteLine("stuck " + backend + " " + mode + " round " + round
                                            + ": the generation of a dropped enumerator still runs 30 s after GC.Collect"
                                            + (dropped.IsAlive ? " (the enumerator was not collected)" : ""));
                                        Console.Out.Flush();
                                        Environment.Exit(1);  // that generation holds the pipeline: disposing it would wait
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Console.WriteLine("done");
            return 0;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Drop(LLMPipeline pipe, GenerationConfig config)
        {
            var chunks = pipe.Stream("Hello", config).GetEnumerator();
            chunks.MoveNext();
            dropped = new WeakReference(chunks);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void DropAsync(LLMPipeline pipe, GenerationConfig config)
        {
            var chunks = pipe.StreamAsync("Hello", config).GetAsyncEnumerator();
            chunks.MoveNextAsync().AsTask().Wait();
            dropped = new WeakReference(chunks);
        }
    }
}
