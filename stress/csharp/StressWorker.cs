// One campaign of the stress tool (stress/, `python -m stress`) in one process, for C# on Mono or CoreCLR.
// Usage: StressWorker.exe CAMPAIGN SECONDS MODEL SEED
//   soak | lifecycle | concurrency | badinput: run for SECONDS, print "FIGURE name value" lines,
//     "TRANSCRIPT key sha256" lines (texts, compared across runtimes by the harness) and
//     "EVENT what" lines (the first few problems), then "DONE".
//   exit-return | exit-environment | exit-in-callback: start a long generation on another thread and
//     leave the process while it runs (the harness times the exit and reads the exit status);
//   exit-plain-return | exit-plain-environment: the same with generations without a callback (a loop, so one
//     always runs; the exit can only wait for it), on the default or the SDPA backend (by the seed);
//   exit-plain-inside-return | exit-plain-inside-environment: plain, and the exit begins only once a probe
//     generate was refused (the worker's call surely runs);
//   exit-starts-during-exit-return | exit-starts-during-exit-environment: the thread's first generation starts
//     from a ProcessExit handler of this program (registered after the binding's), so it must be refused.
// The harness (stress/campaigns.py) decides what counts as a failure; this program only counts.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OpenVINO.GenAI;
using OpenVINO.GenAI.Native;

namespace GenAIInterop.Stress
{
    public static class StressWorker
    {
        private delegate long LiveObjects();

        private delegate UIntPtr LiveKindsText(byte[] buffer, UIntPtr size);

        private static readonly string[] Prompts =
        {
            "Hello", "Tell me a story", "café naïve", "世界", "The quick brown fox", "🚀 launch", "a", "Why?",
        };

        private static string model;
        private static Random random;
        private static DateTime deadline;
        private static readonly Dictionary<string, double> Figures = new Dictionary<string, double>();
        private static readonly Dictionary<string, string> Expected = new Dictionary<string, string>();
        private static readonly object Gate = new object();
        private static int events;
        private static readonly HashSet<string> SeenEvents = new HashSet<string>();
        private static bool real;

        public static int Main(string[] args)
        {
            Console.OutputEncoding = new UTF8Encoding(false);
            string campaign = args[0];
            double seconds = double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
            model = args[2];
            random = new Random(int.Parse(args[3]));
            real = Environment.GetEnvironmentVariable("GENAI_STRESS_REAL") == "1";
            deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
            if (campaign.StartsWith("exit-", StringComparison.Ordinal)) return ExitDuringGeneration(campaign);
            Figures["live_objects_start"] = Live();
            var clock = Stopwatch.StartNew();
            switch (campaign)
            {
                case "soak": Soak(); break;
                case "lifecycle": Lifecycle(); break;
                case "concurrency": Concurrency(); break;
                case "badinput": BadInput(); break;
                default: Console.Error.WriteLine("unknown campaign " + campaign); return 2;
            }
            Collect();
            Figures["live_objects_end"] = Live();
            foreach (var kind in LiveKinds()) Figures["live_end_" + kind.Key] = kind.Value;
            Figures["seconds"] = clock.Elapsed.TotalSeconds;
            lock (Gate)
            {
                foreach (var pair in Expected.OrderBy(p => p.Key, StringComparer.Ordinal))
                    Console.WriteLine("TRANSCRIPT " + pair.Key + " " + Sha256(pair.Value));
                foreach (var pair in Figures.OrderBy(p => p.Key, StringComparer.Ordinal))
                    Console.WriteLine("FIGURE " + pair.Key + " " + pair.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }
            Console.WriteLine("DONE");
            Console.Out.Flush();
            return 0;
        }

        // -- helpers --

        private static bool Running()
        {
            return DateTime.UtcNow < deadline;
        }

        private static void Count(string name, double by = 1)
        {
            lock (Gate)
            {
                double value;
                Figures.TryGetValue(name, out value);
                Figures[name] = value + by;
            }
        }

        private static void Max(string name, double value)
        {
            lock (Gate)
            {
                double old;
                if (!Figures.TryGetValue(name, out old) || value > old) Figures[name] = value;
            }
        }

        private static void Event(string what)
        {
            lock (Gate)
            {
                if (!SeenEvents.Add(what)) return; // each problem once, the first 20 different ones
                if (events++ < 20) Console.WriteLine("EVENT " + what.Replace("\n", " | "));
            }
        }

        private static string Sha256(string text)
        {
            using (var sha = SHA256.Create())
            {
                return string.Concat(sha.ComputeHash(Encoding.UTF8.GetBytes(text)).Select(b => b.ToString("x2")));
            }
        }

        private static double Live()
        {
            try
            {
                IntPtr function = NativeLibraryLoader.GetExport(NativeMethods.Library, "genai_double_live_objects");
                var count = (LiveObjects)Marshal.GetDelegateForFunctionPointer(function, typeof(LiveObjects));
                return count();
            }
            catch (EntryPointNotFoundException)
            {
                return -1; // the real library: no counter
            }
        }

        // The double's live objects per kind ("perf_metrics" -> 1), to say which kind a leak is made of.
        private static Dictionary<string, double> LiveKinds()
        {
            var kinds = new Dictionary<string, double>();
            if (Live() < 0) return kinds;
            IntPtr function = NativeLibraryLoader.GetExport(NativeMethods.Library, "genai_double_live_kinds");
            var buffer = new byte[1024];
            ((LiveKindsText)Marshal.GetDelegateForFunctionPointer(function, typeof(LiveKindsText)))(buffer, (UIntPtr)buffer.Length);
            string text = Encoding.UTF8.GetString(buffer, 0, Array.IndexOf(buffer, (byte)0));
            foreach (string pair in text.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = pair.Split('=');
                kinds[parts[0]] = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            return kinds;
        }

        private static double RssKb()
        {
            foreach (string line in File.ReadAllLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return double.Parse(line.Substring(6).Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            return -1;
        }

        private static void Collect()
        {
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }

        private static Dictionary<string, string> Properties(string backend)
        {
            var properties = new Dictionary<string, string>();
            if (backend != null) properties["ATTENTION_BACKEND"] = backend;
            if (real) properties["INFERENCE_PRECISION_HINT"] = "f32";
            return properties;
        }

        private static LLMPipeline Pipeline(string backend)
        {
            return new LLMPipeline(model, "CPU", Properties(backend));
        }

        // The text of one prompt must be the same every time (and in every runtime: the harness compares).
        private static void CheckText(string key, string text)
        {
            lock (Gate)
            {
                string expected;
                if (!Expected.TryGetValue(key, out expected))
                {
                    Expected[key] = text;
                    return;
                }
                if (expected != text)
                {
                    Count("wrong_transcripts");
                    Event("wrong transcript for " + key + ": " + Quote(text) + " != " + Quote(expected));
                }
            }
        }

        private static string Quote(string text)
        {
            return "\"" + (text.Length > 80 ? text.Substring(0, 80) + "..." : text) + "\"";
        }

        private static void Unexpected(string where, Exception e)
        {
            Count("exceptions");
            Event(where + ": " + e.GetType().Name + ": " + e.Message);
        }

        // A generate refused because the pipeline's previous generation still runs (-17) is retried:
        // how long that takes is how long the previous generation kept the pipeline busy.
        private static double MillisecondsUntilIdle(LLMPipeline pipe, double limitMs)
        {
            var clock = Stopwatch.StartNew();
            var config = new GenerationConfig { MaxNewTokens = 2 };
            {
                while (true)
                {
                    try
                    {
                        pipe.Generate("Hello", config);
                        return clock.Elapsed.TotalMilliseconds;
                    }
                    catch (GenAIException e)
                    {
                        if (e.StatusCode != -17 || clock.Elapsed.TotalMilliseconds > limitMs) throw;
                        Thread.Sleep(1);
                    }
                }
            }
        }

        // -- soak: streaming with GC forced inside every callback, callbacks on worker threads --

        private static void Soak()
        {
            using (var pa = Pipeline(null))
            using (var sdpa = Pipeline("SDPA"))
            {
                var config = new GenerationConfig { MaxNewTokens = 48 };
                int caller = 0;
                long i = 0;
                while (Running() || i == 0) // at least one generation, however short the run
                {
                    string prompt = Prompts[i % Prompts.Length];
                    bool usePa = (i / Prompts.Length) % 2 == 0;
                    LLMPipeline pipe = usePa ? pa : sdpa;
                    string key = (usePa ? "pa:" : "sdpa:") + prompt;
                    int form = (int)(i % 3);
                    i++;
                    caller = Thread.CurrentThread.ManagedThreadId;
                    var chunks = new StringBuilder();
                    try
                    {
                        if (form == 0)
                        {
                            var results = pipe.Generate(prompt, config, chunk =>
                            {
                                chunks.Append(chunk);
                                Count("chunks");
                                if (Thread.CurrentThread.ManagedThreadId != caller) Count("worker_thread_callbacks");
                                GC.Collect();
                                return StreamingStatus.Running;
                            });
                            string text = results.ToString();
                            if (text != chunks.ToString())
                            {
                                Count("wrong_transcripts");
                                Event("streamed chunks differ from the result: " + Quote(chunks.ToString()) + " vs " + Quote(text));
                            }
                        }
                        else if (form == 1)
                        {
                            foreach (string chunk in pipe.Stream(prompt, config))
                            {
                                chunks.Append(chunk);
                                Count("chunks");
                                GC.Collect();
                            }
                        }
                        else
                        {
                            IAsyncEnumerator<string> e = pipe.StreamAsync(prompt, config).GetAsyncEnumerator();
                            try
                            {
                                while (e.MoveNextAsync().AsTask().Result)
                                {
                                    chunks.Append(e.Current);
                                    Count("chunks");
                                    GC.Collect();
                                }
                            }
                            finally
                            {
                                e.DisposeAsync().AsTask().Wait();
                            }
                        }
                        CheckText(key, chunks.ToString());
                        Count("generations");
                    }
                    catch (Exception e)
                    {
                        Unexpected("soak " + key, e);
                    }
                }
            }
        }

        // -- lifecycle: create/generate/free cycles; half disposed, half left to the finalizers --

        private static void Lifecycle()
        {
            var start = DateTime.UtcNow;
            var warm = start + TimeSpan.FromTicks((deadline - start).Ticks / 2);
            bool warmed = false;
            long cycle = 0;
            int samples = 0;
            while (Running() || cycle == 0)
            {
                // RSS every tenth of the run (after a collection): the harness prints the curve.
                if (DateTime.UtcNow >= start + TimeSpan.FromTicks((deadline - start).Ticks * samples / 10))
                {
                    Collect();
                    Figures["rss_kb_" + (samples * 10).ToString("D3")] = RssKb();
                    Figures["managed_kb_" + (samples * 10).ToString("D3")] = GC.GetTotalMemory(true) / 1024;
                    samples++;
                }
                string prompt = Prompts[cycle % Prompts.Length];
                try
                {
                    if (cycle % 2 == 0) DisposedCycle(prompt);
                    else DroppedCycle(prompt);
                    Count("cycles");
                }
                catch (Exception e)
                {
                    Unexpected("lifecycle", e);
                }
                cycle++;
                if (!warmed && DateTime.UtcNow >= warm)
                {
                    Collect();
                    Figures["rss_warm_kb"] = RssKb();
                    Figures["live_objects_warm"] = Live();
                    warmed = true;
                }
            }
            Collect();
            if (!warmed) Figures["rss_warm_kb"] = RssKb();
            Figures["rss_end_kb"] = RssKb();
            Figures["managed_end_kb"] = GC.GetTotalMemory(true) / 1024;
        }

        private static void DisposedCycle(string prompt)
        {
            using (var pipe = Pipeline(null))
            {
                var config = new GenerationConfig { MaxNewTokens = 16 };
                var results = pipe.Generate(prompt, config, chunk => StreamingStatus.Running);
                CheckText("lifecycle:" + prompt, results.ToString());
                if (results.PerfMetrics.NumGeneratedTokens == 0) throw new Exception("no tokens");
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void DroppedCycle(string prompt)
        {
            var pipe = Pipeline(null);
            var config = new GenerationConfig { MaxNewTokens = 16 };
            var results = pipe.Generate(prompt, config, chunk => StreamingStatus.Running);
            var metrics = results.PerfMetrics;
            CheckText("lifecycle:" + prompt, results.ToString());
            if (metrics.NumGeneratedTokens == 0) throw new Exception("no tokens");
            // Nothing disposed: the finalizers release them.
        }

        // -- concurrency --

        private static void Concurrency()
        {
            var skip = new HashSet<string>((Environment.GetEnvironmentVariable("GENAI_STRESS_SKIP") ?? "").Split(','));
            string[] names = { "parallel", "random-cancel", "dispose-from-another-thread", "dropped-stream", "dropped-stream-async", "early-exit" };
            int round = -1;
            while (Running() || round < names.Length - 1) // every step at least once
            {
                round++;
                if (skip.Contains(names[round % 6])) continue;
                Console.WriteLine("STEP " + names[round % 6]); // the last one names the step a crash interrupted
                Console.Out.Flush();
                try
                {
                    switch (round % 6)
                    {
                        case 0: Parallel(); break;
                        case 1: RandomCancel(); break;
                        case 2: DisposeFromAnotherThread(); break;
                        case 3: DroppedEnumerator(false); break;
                        case 4: DroppedEnumerator(true); break;
                        default: EarlyExit(); break;
                    }
                }
                catch (Exception e)
                {
                    Unexpected("concurrency " + names[round % 6], e);
                }
            }
        }

        private static void Parallel()
        {
            var threads = new List<Thread>();
            for (int t = 0; t < 4; t++)
            {
                int seed = t;
                var thread = new Thread(() =>
                {
                    try
                    {
                        using (var pipe = Pipeline(seed % 2 == 0 ? null : "SDPA"))
                        {
                            var config = new GenerationConfig { MaxNewTokens = 32 };
                            for (int k = 0; k < 3; k++)
                            {
                                string prompt = Prompts[(seed + k) % Prompts.Length];
                                var chunks = new StringBuilder();
                                var results = pipe.Generate(prompt, config, chunk => { chunks.Append(chunk); return StreamingStatus.Running; });
                                CheckText((seed % 2 == 0 ? "pa:" : "sdpa:") + prompt + ":32", results.ToString());
                                Count("parallel_generations");
                            }
                        }
                    }
                    catch (Exception e)
                    {
                        Unexpected("parallel", e);
                    }
                });
                threads.Add(thread);
                thread.Start();
            }
            foreach (var thread in threads)
            {
                if (!thread.Join(TimeSpan.FromSeconds(60)))
                {
                    Count("stuck");
                    Event("a parallel generation did not end within 60 s");
                }
            }
        }

        private static GenerationConfig Long()
        {
            return new GenerationConfig { MaxNewTokens = real ? 2000 : 200000, IgnoreEos = true };
        }

        private static void RandomCancel()
        {
            using (var pipe = Pipeline(random.Next(2) == 0 ? null : "SDPA"))
            {
                var config = Long();
                for (int k = 0; k < 4; k++)
                {
                    var source = new CancellationTokenSource();
                    int delay = random.Next(0, 20);
                    var canceller = new Thread(() => { Thread.Sleep(delay); source.Cancel(); });
                    canceller.Start();
                    var clock = Stopwatch.StartNew();
                    IAsyncEnumerator<string> e = pipe.StreamAsync("Hello", config, source.Token).GetAsyncEnumerator();
                    try
                    {
                        while (e.MoveNextAsync().AsTask().Result) { }
                        Count("cancel_completed");
                    }
                    catch (AggregateException ae)
                    {
                        if (!(ae.InnerException is OperationCanceledException)) Unexpected("cancel", ae.InnerException);
                        else Count("cancels");
                    }
                    finally
                    {
                        e.DisposeAsync().AsTask().Wait();
                    }
                    canceller.Join();
                    Max("cancel_max_ms", clock.Elapsed.TotalMilliseconds - delay);
                    double idle = MillisecondsUntilIdle(pipe, 10000);
                    Max("busy_after_cancel_max_ms", idle);
                }
            }
        }

        private static void DisposeFromAnotherThread()
        {
            var pipe = Pipeline(random.Next(2) == 0 ? null : "SDPA");
            var config = Long();
            {
                var first = new ManualResetEventSlim();
                string outcome = null;
                var generating = new Thread(() =>
                {
                    try
                    {
                        pipe.Generate("Hello", config, chunk => { first.Set(); return StreamingStatus.Running; });
                        outcome = "returned";
                    }
                    catch (ObjectDisposedException)
                    {
                        outcome = "disposed";
                    }
                    catch (Exception e)
                    {
                        outcome = e.GetType().Name;
                    }
                });
                generating.Start();
                if (!first.Wait(TimeSpan.FromSeconds(30)))
                {
                    Count("stuck");
                    Event("no first chunk within 30 s");
                }
                Thread.Sleep(random.Next(0, 5));
                var clock = Stopwatch.StartNew();
                var disposer = new Thread(() => pipe.Dispose());
                disposer.Start();
                bool disposed = disposer.Join(TimeSpan.FromSeconds(30));
                bool ended = generating.Join(TimeSpan.FromSeconds(30));
                Max("dispose_from_other_thread_max_ms", clock.Elapsed.TotalMilliseconds);
                if (!disposed || !ended)
                {
                    Count("stuck");
                    Event("Dispose from another thread: disposer ended " + disposed + ", generating thread ended " + ended);
                    return;
                }
                if (outcome != "returned" && outcome != "disposed") Unexpected("dispose from another thread", new Exception(outcome));
                Count("disposes_from_other_thread");
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Abandon(LLMPipeline pipe, GenerationConfig config, bool async)
        {
            if (async)
            {
                IAsyncEnumerator<string> chunks = pipe.StreamAsync("Hello", config).GetAsyncEnumerator();
                chunks.MoveNextAsync().AsTask().Wait();
            }
            else
            {
                IEnumerator<string> chunks = pipe.Stream("Hello", config).GetEnumerator();
                chunks.MoveNext();
            }
        }

        private static void DroppedEnumerator(bool async)
        {
            using (var pipe = Pipeline(null))
            {
                var config = Long();
                Abandon(pipe, config, async);
                Collect();
                double ms;
                try
                {
                    ms = MillisecondsUntilIdle(pipe, 60000);
                }
                catch (GenAIException)
                {
                    Count("stuck");
                    Event("a dropped " + (async ? "StreamAsync" : "Stream") + " enumerator kept its pipeline busy for 60 s");
                    return;
                }
                Count("dropped_enumerators");
                Max("dropped_enumerator_release_max_ms", ms);
                if (ms > 2000) Count("dropped_enumerator_slow_release");
            }
        }

        private static void EarlyExit()
        {
            using (var pipe = Pipeline(random.Next(2) == 0 ? null : "SDPA"))
            {
                var config = Long();
                for (int k = 0; k < 5; k++)
                {
                    Stopwatch leaving = null;
                    int wanted = random.Next(1, 4);
                    int got = 0;
                    foreach (string chunk in pipe.Stream("Hello", config))
                    {
                        if (++got == wanted)
                        {
                            leaving = Stopwatch.StartNew();
                            break;
                        }
                    }
                    if (leaving != null)
                    {
                        Count("early_exits");
                        Count("early_exit_total_ms", leaving.Elapsed.TotalMilliseconds);
                        Max("early_exit_max_ms", leaving.Elapsed.TotalMilliseconds);
                    }
                }
            }
        }

        // -- exit while another thread generates --

        private static int ExitDuringGeneration(string mode)
        {
            string how = mode.EndsWith("-environment", StringComparison.Ordinal) ? "environment" : "return";
            string form = mode == "exit-in-callback" ? "in-callback"
                : mode.StartsWith("exit-plain-inside-", StringComparison.Ordinal) ? "plain-inside"
                : mode.StartsWith("exit-plain-", StringComparison.Ordinal) ? "plain"
                : mode.StartsWith("exit-starts-during-exit-", StringComparison.Ordinal) ? "starts-during-exit" : "streamer";
            var pipe = Pipeline(form == "streamer" || form == "in-callback" || random.Next(2) == 0 ? null : "SDPA");
            var config = Long();
            if (form == "starts-during-exit") return StartsDuringExit(pipe, config, how);
            var first = new ManualResetEventSlim();
            var worker = new Thread(() =>
            {
                while (true)  // plain forms: a new generation as soon as one ends, so one is always running
                {
                    try
                    {
                        if (form == "plain" || form == "plain-inside")
                        {
                            first.Set();
                            pipe.Generate("Hello", config);
                            continue;
                        }
                        pipe.Generate("Hello", config, chunk =>
                        {
                            first.Set();
                            if (form == "in-callback")
                            {
                                Console.WriteLine("GENERATING");
                                Console.Out.Flush();
                                Environment.Exit(0);
                            }
                            return StreamingStatus.Running;
                        });
                        return;
                    }
                    catch (GenAIException) when (form == "plain-inside")
                    {
                        // The main thread's probe held the pipeline just then: generate again.
                    }
                    catch (InvalidOperationException)
                    {
                        return;  // refused: the process is exiting
                    }
                }
            });
            worker.IsBackground = true;
            worker.Start();
            if (!first.Wait(TimeSpan.FromSeconds(60)))
            {
                Console.WriteLine("EVENT no first chunk");
                return 3;
            }
            if (form == "in-callback") Thread.Sleep(Timeout.Infinite); // the callback exits
            if (form == "plain-inside" && !WaitUntilBusy(pipe))
            {
                Console.WriteLine("EVENT the worker's plain generation never held the pipeline");
                return 3;
            }
            Console.WriteLine("GENERATING");
            Console.Out.Flush();
            if (how == "environment") Environment.Exit(0);
            return 0;
        }

        // True once a generate on the pipeline failed at once because another one runs (a second generate on a
        // busy pipeline is refused; a probe with a callback is never slowed down by the double).
        private static bool WaitUntilBusy(LLMPipeline pipe)
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
                    return true;
                }
                Thread.Sleep(1);
            }
            return false;
        }

        // The pipeline exists (the binding is in use) but no generation has run when the exit begins: a handler of
        // this program, registered after the binding's, starts the first one; the binding must refuse it (or wait
        // for it). Its callback, if ever called, holds the call so that an exit that did neither shows (the double
        // aborts such an exit).
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
                        release.Wait(TimeSpan.FromSeconds(20));
                        return StreamingStatus.Running;
                    });
                }
                catch (InvalidOperationException)
                {
                    // refused: the process is exiting
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine("worker: " + e.GetType().Name + ": " + e.Message);
                }
                settled.Set();
            });
            worker.IsBackground = true;
            worker.Start();
            AppDomain.CurrentDomain.ProcessExit += (sender, e) =>
            {
                start.Set();
                if (!settled.Wait(TimeSpan.FromSeconds(20))) Console.Error.WriteLine("the generation neither ran nor was refused");
            };
            Console.WriteLine("GENERATING");
            Console.Out.Flush();
            if (how == "environment") Environment.Exit(0);
            return 0;
        }

        // -- bad input: every case must end in the one clear exception it documents --

        private static void BadInput()
        {
            var cases = new List<KeyValuePair<string, Action>>();
            cases.Add(Case("missing model path", () => new LLMPipeline(model + "/no/such/model", "CPU").Dispose()));
            cases.Add(Case("unknown device", () => new LLMPipeline(model, "NOPE").Dispose()));
            cases.Add(Case("null model path", () => new LLMPipeline(null, "CPU").Dispose()));
            cases.Add(Case("unknown property", () => new LLMPipeline(model, "CPU", new Dictionary<string, string> { { "NO_SUCH_KEY", "1" } }).Dispose()));
            var expected = new Dictionary<string, string[]>
            {
                { "missing model path", new[] { "GenAIException" } },
                { "unknown device", new[] { "GenAIException" } },
                { "null model path", new[] { "ArgumentNullException" } },
                { "unknown property", new[] { "GenAIException" } },
                { "null prompt", new[] { "ArgumentNullException" } },
                { "disposed pipeline", new[] { "ObjectDisposedException" } },
                { "zero max_new_tokens", new[] { "InvalidValueException" } },
                { "top_p 5 with sampling", new[] { "InvalidValueException" } },
                { "callback throws", new[] { "InvalidOperationException" } },
                { "undefined streaming status", new[] { "ArgumentOutOfRangeException" } },
                { "lone surrogate in prompt", new[] { "ok", "ArgumentException" } },
                { "NUL in prompt", new[] { "ok", "ArgumentException" } },
                { "invalid JSON", new[] { "GenAIException" } },
                { "pop from empty history", new[] { "ArgumentOutOfRangeException" } },
                { "message index out of range", new[] { "ArgumentOutOfRangeException" } },
                { "a megabyte prompt", new[] { "ok" } },
                { "null callback", new[] { "ArgumentNullException" } },
            };
            using (var pipe = Pipeline(null))
            {
                var disposed = Pipeline(null);
                disposed.Dispose();
                cases.Add(Case("null prompt", () => pipe.Generate((string)null)));
                cases.Add(Case("disposed pipeline", () => disposed.Generate("Hello")));
                cases.Add(Case("zero max_new_tokens", () =>
                {
                    var c = new GenerationConfig { MaxNewTokens = 0 }; pipe.Generate("Hello", c);
                }));
                cases.Add(Case("top_p 5 with sampling", () =>
                {
                    var c = new GenerationConfig { MaxNewTokens = 4, DoSample = true, TopP = 5 }; pipe.Generate("Hello", c);
                }));
                cases.Add(Case("callback throws", () =>
                {
                    var c = new GenerationConfig { MaxNewTokens = 8 };
                    pipe.Generate("Hello", c, (Func<string, StreamingStatus>)(chunk => { throw new InvalidOperationException("boom"); }));
                }));
                cases.Add(Case("undefined streaming status", () =>
                {
                    var c = new GenerationConfig { MaxNewTokens = 8 };
                    pipe.Generate("Hello", c, chunk => (StreamingStatus)7);
                }));
                cases.Add(Case("lone surrogate in prompt", () =>
                {
                    var c = new GenerationConfig { MaxNewTokens = 4 }; pipe.Generate("a\ud800b", c);
                }));
                cases.Add(Case("NUL in prompt", () =>
                {
                    var c = new GenerationConfig { MaxNewTokens = 4 }; pipe.Generate("a\0b", c);
                }));
                cases.Add(Case("invalid JSON", () => JsonContainer.FromJsonString("{\"a\": ").Dispose()));
                cases.Add(Case("pop from empty history", () =>
                {
                    new ChatHistory().Pop();
                }));
                cases.Add(Case("message index out of range", () =>
                {
                    var unused = new ChatHistory()[5];
                }));
                cases.Add(Case("a megabyte prompt", () =>
                {
                    var c = new GenerationConfig { MaxNewTokens = 4 }; pipe.Generate(new string('x', 1 << 20), c);
                }));
                cases.Add(Case("null callback", () =>
                {
                    var c = new GenerationConfig { MaxNewTokens = 4 }; pipe.Generate("Hello", c, (Func<string, StreamingStatus>)null);
                }));
                if (real)
                {
                    // A megabyte prompt through a real model takes long; one case is enough there.
                    cases.RemoveAll(c => c.Key == "a megabyte prompt");
                }
                int passes = 0;
                while (Running() || passes == 0) // every case at least once
                {
                    foreach (var c in cases)
                    {
                        string outcome;
                        try
                        {
                            c.Value();
                            outcome = "ok";
                        }
                        catch (Exception e)
                        {
                            outcome = e.GetType().Name;
                            int tick = outcome.IndexOf('`');
                            if (tick >= 0) outcome = outcome.Substring(0, tick);
                        }
                        Count("bad_inputs");
                        if (!expected[c.Key].Contains(outcome))
                        {
                            Count("unclear_errors");
                            Event("bad input '" + c.Key + "': " + outcome + ", expected " + string.Join(" or ", expected[c.Key]));
                        }
                        if (!Running() && passes > 0) break;
                    }
                    passes++;
                }
            }
        }

        private static KeyValuePair<string, Action> Case(string name, Action action)
        {
            return new KeyValuePair<string, Action>(name, action);
        }
    }
}
