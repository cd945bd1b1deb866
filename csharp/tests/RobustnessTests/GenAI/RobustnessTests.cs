// Adversarial inputs to OpenVINO.GenAI against the native test double (tests/test_robustness_csharp.py
// runs it on Mono and CoreCLR). Prints "PASS <name>" or "FAIL <name>: <why>" per test.
// Usage: RobustnessTests.exe MODEL_PATH [TEST...]
using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OpenVINO.GenAI;
using OpenVINO.Interop;

namespace GenAIInterop.RobustnessTests
{
    public sealed class SkipTest : Exception
    {
        public SkipTest(string why) : base(why)
        {
        }
    }

    public static class RobustnessTests
    {
        private static string model;

        public static int Main(string[] args)
        {
            Console.OutputEncoding = new UTF8Encoding(false);
            model = args[0];
            var selected = new HashSet<string>(args.Skip(1));
            int failed = 0;
            foreach (MethodInfo test in typeof(RobustnessTests).GetMethods(BindingFlags.Public | BindingFlags.Static)
                         .Where(m => m.Name.StartsWith("Test", StringComparison.Ordinal)).OrderBy(m => m.Name))
            {
                string name = test.Name.Substring(4);
                if (selected.Count > 0 && !selected.Contains(name)) continue;
                try
                {
                    test.Invoke(null, null);
                    Console.WriteLine("PASS " + name);
                }
                catch (TargetInvocationException e) when (e.InnerException is SkipTest)
                {
                    Console.WriteLine("SKIP " + name + ": " + e.InnerException.Message);
                }
                catch (TargetInvocationException e)
                {
                    failed++;
                    Console.WriteLine("FAIL " + name + ": " + e.InnerException.ToString().Replace("\n", " | "));
                }
                Console.Out.Flush();
            }
            return failed == 0 ? 0 : 1;
        }

        private static void Check(bool condition, string what)
        {
            if (!condition) throw new Exception(what);
        }

        // A generation that is long unless stopped: no EOS, 200000 tokens (the double plans them all first).
        private const int LongAnswer = 200000;

        private static GenerationConfig Long()
        {
            return new GenerationConfig { MaxNewTokens = LongAnswer, IgnoreEos = true };
        }

        // In chat mode a turn the streamer stopped stays in the history, so the next turn's prompt
        // (counted by the double in words) shows how long the earlier answer got. Like the real
        // library, the double refuses (-17 at once) a call on a pipeline whose generation still runs,
        // so this retries until that generation has ended (each refused turn adds one prompt word to
        // the history); null when it has not ended within `within` (a hang guard, not a speed check).
        private static ulong? NextTurnInputWords(LLMPipeline pipe, TimeSpan within)
        {
            DateTime deadline = DateTime.UtcNow + within;
            var task = Task.Run(() =>
            {
                var config = new GenerationConfig { MaxNewTokens = 3 };
                {
                    while (true)
                    {
                        try
                        {
                            return (ulong?)pipe.Generate("Hello", config).PerfMetrics.NumInputTokens;
                        }
                        catch (GenAIException e) when (e.StatusCode == -17 && DateTime.UtcNow < deadline)
                        {
                            Thread.Sleep(10); // the earlier generation still runs
                        }
                    }
                }
            });
            return task.Wait(within) ? task.Result : (ulong?)null;
        }

        private static void CheckStoppedEarly(LLMPipeline pipe, string what)
        {
            ulong? words = NextTurnInputWords(pipe, TimeSpan.FromSeconds(60));
            Check(words.HasValue, what + ": its generation still runs 60 s after the enumerator was collected");
            Check(words.Value < LongAnswer / 10, what + ": the generation ran on after the enumerator was dropped ("
                  + words.Value + " words in the history)");
        }

        // -- callback results the C API does not define --

        public static void TestUndefinedStatusFromCallbackIsAnError()
        {
            using (var pipe = new LLMPipeline(model, "CPU"))
            {
                var config = new GenerationConfig { MaxNewTokens = 20 };
                int calls = 0;
                try
                {
                    pipe.Generate("Hello", config, chunk => { calls++; return (StreamingStatus)7; });
                }
                catch (ArgumentOutOfRangeException e)
                {
                    Check(e.Message.Contains("7"), "the message names the value: " + e.Message);
                    Check(calls == 1, "user code is not called again after the bad value, got " + calls + " calls");
                    return;
                }
                throw new Exception("no ArgumentOutOfRangeException for (StreamingStatus)7");
            }
        }

        // -- objects passed where another type is expected --

        public static void TestOwnHandleIsNotTakenAsATensor()
        {
            // The VLM pipeline takes any binding's object as an image (NativeObject[]); one that holds no
            // ov_tensor_t (here this library's own JsonContainer) would be read as a tensor.
            using (var config = new JsonContainer())
            {
                try
                {
                    using (var tensor = new TensorReference(new IntPtr(1)))
                    {
                        Lease.OfType(config, tensor.NativeType, "rgbs").Dispose();
                    }
                }
                catch (ArgumentException e)
                {
                    Check(e.Message.Contains("JsonContainer holds a ov_genai_json_container"), "the message names the object: " + e.Message);
                    return;
                }
                throw new Exception("a JsonContainer was accepted as a tensor");
            }
        }

        // -- Thread.Abort while the library calls back --

        private static void AbortDuringGeneration(string backend)
        {
            if (Type.GetType("Mono.Runtime") == null) throw new SkipTest("Thread.Abort exists on Mono (and .NET Framework) only");
            var properties = new Dictionary<string, string> { { "ATTENTION_BACKEND", backend } };
            using (var pipe = new LLMPipeline(model, "CPU", properties))
            {
                var config = new GenerationConfig { MaxNewTokens = 2000, IgnoreEos = true };
                var firstChunk = new ManualResetEventSlim();
                string outcome = "none";
                var generating = new Thread(() =>
                {
                    try
                    {
                        pipe.Generate("Hello", config, chunk => { firstChunk.Set(); Thread.Sleep(1); });
                        outcome = "returned";
                    }
                    catch (ThreadAbortException)
                    {
                        outcome = "aborted";
                        AbortWithoutRethrow();
                    }
                    catch (Exception e)
                    {
                        outcome = e.GetType().Name;
                    }
                });
                generating.Start();
                Check(firstChunk.Wait(TimeSpan.FromSeconds(60)), "a first chunk");
                AbortThread(generating);
                Check(generating.Join(TimeSpan.FromSeconds(60)), "the aborted thread ends");
                Check(outcome == "aborted", "the abort reaches the thread that called Generate, got " + outcome);
                // An abort that unwound the library's frames left its pipeline lock held: this would wait forever.
                Check(NextTurnInputWords(pipe, TimeSpan.FromSeconds(60)).HasValue, "the pipeline answers after the abort");
            }
        }

#pragma warning disable SYSLIB0006
        private static void AbortThread(Thread thread)
        {
            thread.Abort();
        }

        private static void AbortWithoutRethrow()
        {
            Thread.ResetAbort();
        }
#pragma warning restore SYSLIB0006

        public static void TestThreadAbortInACallbackOnTheCallingThread()
        {
            AbortDuringGeneration("SDPA");
        }

        public static void TestThreadAbortDeliveredAtTheFinalFlush()
        {
            AbortDuringGeneration("PA");
        }

        // -- enumerators that are never disposed --

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void AbandonAfterOneChunk(LLMPipeline pipe, GenerationConfig config)
        {
            IEnumerator<string> chunks = pipe.Stream("Hello", config).GetEnumerator();
            Check(chunks.MoveNext(), "a first chunk");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void AbandonAsyncAfterOneChunk(LLMPipeline pipe, GenerationConfig config)
        {
            IAsyncEnumerator<string> chunks = pipe.StreamAsync("Hello", config).GetAsyncEnumerator();
            Check(chunks.MoveNextAsync().AsTask().Result, "a first chunk");
        }

        private static void CollectGarbage()
        {
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }

        public static void TestAbandonedStreamStopsItsGeneration()
        {
            using (var pipe = new LLMPipeline(model, "CPU"))
            {
                var config = Long();
                pipe.StartChat();
                AbandonAfterOneChunk(pipe, config);
                CollectGarbage();
                CheckStoppedEarly(pipe, "an undisposed Stream enumerator");
            }
        }

        public static void TestAbandonedAsyncStreamStopsItsGeneration()
        {
            using (var pipe = new LLMPipeline(model, "CPU"))
            {
                var config = Long();
                pipe.StartChat();
                AbandonAsyncAfterOneChunk(pipe, config);
                CollectGarbage();
                CheckStoppedEarly(pipe, "an undisposed StreamAsync enumerator");
            }
        }

        // -- a stream whose consumer stopped taking chunks (issue 13 (4): a stale reference on Mono's conservatively
        // scanned stacks keeps a dropped enumerator alive, so the garbage collector can't be what frees the pipeline;
        // an enumerator the program still holds is the extreme case, on every runtime) --

        private static void CheckGaveWay(LLMPipeline pipe, Func<bool> next, string what)
        {
            CheckStoppedEarly(pipe, what);  // the next call on the pipeline runs (retried while the stream still fills its queue)
            int queued = 0;
            try
            {
                while (next()) queued++;
            }
            catch (InvalidOperationException e)
            {
                Check(e.Message.Contains("stopped taking chunks"), what + ": the error says why: " + e.Message);
                Check(queued <= 16, what + ": " + queued + " chunks after the first, more than the queue holds");
                return;
            }
            throw new Exception(what + ": the stream that gave way ended without saying so, after " + queued + " more chunks");
        }

        public static void TestAHeldStreamNoLongerReadGivesWayToTheNextCall()
        {
            using (var pipe = new LLMPipeline(model, "CPU"))
            {
                var config = Long();
                pipe.StartChat();
                IEnumerator<string> chunks = pipe.Stream("Hello", config).GetEnumerator();
                Check(chunks.MoveNext(), "a first chunk");
                CheckGaveWay(pipe, chunks.MoveNext, "a Stream enumerator held but no longer read");
                chunks.Dispose();
            }
        }

        public static void TestAHeldAsyncStreamNoLongerReadGivesWayToTheNextCall()
        {
            using (var pipe = new LLMPipeline(model, "CPU"))
            {
                var config = Long();
                pipe.StartChat();
                IAsyncEnumerator<string> chunks = pipe.StreamAsync("Hello", config).GetAsyncEnumerator();
                Check(chunks.MoveNextAsync().AsTask().Result, "a first chunk");
                CheckGaveWay(pipe, () =>
                {
                    try
                    {
                        return chunks.MoveNextAsync().AsTask().Result;
                    }
                    catch (AggregateException e)
                    {
                        throw e.InnerException;
                    }
                }, "a StreamAsync enumerator held but no longer read");
                chunks.DisposeAsync().AsTask().Wait();
            }
        }

        public static void TestDisposingThePipelineStopsItsStream()
        {
            var pipe = new LLMPipeline(model, "CPU");
            var config = Long();
            {
                IEnumerator<string> chunks = pipe.Stream("Hello", config).GetEnumerator();
                Check(chunks.MoveNext(), "a first chunk");
                pipe.Dispose();
                var drain = Task.Run(() =>
                {
                    int more = 0;
                    try
                    {
                        while (chunks.MoveNext()) more++;
                        return "ended normally after " + more + " more chunks";
                    }
                    catch (ObjectDisposedException e)
                    {
                        return more <= 16 && e.Message.Contains("LLMPipeline") ? "stopped" : "stopped after " + more + " more chunks: " + e.Message;
                    }
                });
                Check(drain.Wait(TimeSpan.FromSeconds(60)), "the stream still runs 60 s after its pipeline was disposed");
                Check(drain.Result == "stopped", "after Dispose of its pipeline the stream " + drain.Result);
                chunks.Dispose();
            }
        }
    }
}
