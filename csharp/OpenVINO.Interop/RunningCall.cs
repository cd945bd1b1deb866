using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace OpenVINO.Interop
{
    /// <summary>
    /// One native call in progress that the process must not exit under: each call of a function taking a
    /// callback (the generations), with or without one. Measured: the real GenAI library crashes when the
    /// process exits while another thread is inside generate (its destructors run under the call), and Mono
    /// never exited (it waited for the threads involved). So at ProcessExit (return from Main,
    /// <c>Environment.Exit</c>; the handler is installed when a binding is first used, see <see cref="Install"/>):
    /// calls started from then on are refused (InvalidOperationException); every
    /// running call is asked to end (its callback answers the error value without calling user code, and a
    /// stream's callback waiting for room is woken); the exit waits for them to return, at most
    /// <see cref="ExitTimeout"/>. A call that cannot return (the exit was called from inside its callback, or
    /// its callback's user code goes on for more than a second, or the wait timed out: a generation without a
    /// callback cannot be asked to stop) would leave the library to clean up under it: the process then ends at
    /// once (<c>_exit</c>, after flushing the console; a timed-out wait says so on stderr) with the exit code
    /// asked for, so ProcessExit handlers registered after this one do not run. On Mono that is also
    /// how an exit during a call ends once the calls have returned, and an exit while another thread that has
    /// made such calls lives: Mono's own shutdown was measured to hang for good when the threads that ran
    /// them wait on monitors.
    /// </summary>
    public sealed class RunningCall : IDisposable
    {
        /// <summary>How long the process exit waits for running calls to return.</summary>
        public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

        // How long user code of a callback may go on running after the exit began before its call is taken
        // for one that will never return (its callback called Environment.Exit).
        private static readonly TimeSpan UserCodeGrace = TimeSpan.FromSeconds(1);

        private static readonly object Gate = new object();
        private static readonly HashSet<RunningCall> Running = new HashSet<RunningCall>();
        private static readonly HashSet<Action> Stoppers = new HashSet<Action>();
        private static volatile bool exiting;
        // Threads that have made such calls (dead ones dropped now and then): on Mono, an exit while another of
        // them lives ends the process at once (see OnProcessExit).
        private static readonly HashSet<Thread> Callers = new HashSet<Thread>();
        private static readonly CancellationTokenSource ExitSource = new CancellationTokenSource();

        private readonly Thread caller = Thread.CurrentThread;
        private volatile Thread callbackThread;

        // The calls in progress on this thread, innermost first (a callback may call again).
        [ThreadStatic]
        private static RunningCall current;

        private RunningCall outer;
        private string function;
        private NativeObject owner;
        private bool stream;
        private string calledFrom;

        static RunningCall()
        {
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        }

        /// <summary>
        /// Installs the process-exit handler (once; see the class summary). <see cref="LibraryLoader.Initialize"/>
        /// calls it, so it is in place before a binding class makes its first native call. Installing it at the
        /// first generation instead was too late: a runtime raises ProcessExit to the handlers registered when the
        /// exit begins (CoreCLR on its finalizer thread while the exiting thread waits), so a thread whose first
        /// generation started just then registered a handler that was never called, and its call was neither
        /// refused nor waited for (measured: the test double's exit-time abort in about 1 of 10 runs on CoreCLR
        /// when the main thread exited as a worker began its first generate without a callback).
        /// </summary>
        internal static void Install()
        {
            // Running the static constructor is the whole work.
        }

        private RunningCall()
        {
        }

        /// <summary>True once the process has begun to exit: callbacks answer at once that the call should end.</summary>
        public static bool Exiting
        {
            get { return exiting; }
        }

        /// <summary>Cancelled when the process begins to exit.</summary>
        public static CancellationToken ExitToken
        {
            get { return ExitSource.Token; }
        }

        /// <summary>
        /// Waits for <paramref name="task"/> (a worker running a native call); once the process exits, at most
        /// <see cref="ExitTimeout"/> (the runtime may have ended that worker's thread before it ran).
        /// </summary>
        public static void Wait(Task task)
        {
            try
            {
                try
                {
                    task.Wait(ExitToken);
                }
                catch (OperationCanceledException)
                {
                    task.Wait(ExitTimeout);
                }
            }
            catch (AggregateException)
            {
                // The worker reports its own errors.
            }
        }

        /// <summary>Registers a call about to start; refused once the process exits.</summary>
        public static RunningCall Enter(string function)
        {
            // Refused without taking the lock first: on Mono a thread entering a monitor while the runtime shuts
            // down was seen to deadlock that shutdown.
            if (exiting) throw Refused(function);
            var call = new RunningCall();
            call.function = function;
            lock (Gate)
            {
                if (exiting) throw Refused(function);
                Running.Add(call);
                if (Callers.Add(call.caller) && Callers.Count > 64) Callers.RemoveWhere(thread => !thread.IsAlive);
            }
            call.outer = current;
            current = call;
            return call;
        }

        private static InvalidOperationException Refused(string function)
        {
            return new InvalidOperationException(function + " was not started: the process is exiting");
        }

        /// <summary>
        /// Registers a call about to start on <paramref name="owner"/> (refused once the process exits). A stream's
        /// generation whose consumer takes no chunks gives way to it first (see <see cref="Occupant"/>).
        /// </summary>
        public static RunningCall Enter(string function, NativeObject owner)
        {
            RunningCall call = Enter(function);
            call.owner = owner;
            call.stream = Occupant.OnStreamThread;
            if (!call.stream) call.calledFrom = CalledFrom();
            Occupant.Arrive(owner);
            return call;
        }

        /// <summary>Runs <paramref name="stop"/> when the process begins to exit, until the returned registration is disposed.</summary>
        public static IDisposable OnExit(Action stop)
        {
            lock (Gate)
            {
                if (!exiting)
                {
                    Stoppers.Add(stop);
                    return new Unregister(stop);
                }
            }
            stop();
            return new Unregister(null);
        }

        /// <summary>User code of this call's callback runs on the current thread (until <see cref="EndCallback"/>).</summary>
        public void BeginCallback()
        {
            callbackThread = Thread.CurrentThread;
        }

        /// <summary>User code of this call's callback has returned.</summary>
        public void EndCallback()
        {
            callbackThread = null;
        }

        /// <summary>The call has returned.</summary>
        public void Dispose()
        {
            lock (Gate)
            {
                if (Running.Remove(this)) Monitor.PulseAll(Gate);
            }
            if (current == this) current = outer;
        }

        /// <summary>
        /// The other calls (taking callbacks) running now on the object the current thread's innermost call was
        /// made on, described for an error message: what holds that object while this call failed. Empty when
        /// the current thread is inside no such call or nothing else holds its object.
        /// </summary>
        public static IList<string> OthersOnCurrentObject()
        {
            var found = new List<string>();
            RunningCall self = current;
            if (self == null || self.owner == null) return found;
            lock (Gate)
            {
                foreach (RunningCall other in Running)
                {
                    if (other != self && ReferenceEquals(other.owner, self.owner)) found.Add(other.Describe());
                }
            }
            found.Sort(StringComparer.Ordinal);
            return found;
        }

        /// <summary>The object the current thread's innermost call was made on, or null.</summary>
        public static NativeObject CurrentObject
        {
            get { return current == null ? null : current.owner; }
        }

        private string Describe()
        {
            string thread = string.IsNullOrEmpty(caller.Name)
                ? "managed thread " + caller.ManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : "thread '" + caller.Name + "'";
            if (stream)
            {
                return function + " of a stream not finished (enumerate it to the end or dispose it; it runs on " + thread + ")";
            }
            // "LLMPipeline.Generate called from App.Main (ov_genai_llm_pipeline_generate) on thread 'worker'"
            return (calledFrom != null ? calledFrom + " (" + function + ")" : function) + " on " + thread;
        }

        // "Class.Method called from Type.Method": the binding's public method and the first method on the stack
        // outside the OpenVINO bindings (the caller's); null when the stack says nothing.
        private static string CalledFrom()
        {
            try
            {
                var trace = new System.Diagnostics.StackTrace(2, false);
                string api = null;  // the outermost public method of a binding: what the caller called
                for (int i = 0; i < trace.FrameCount; i++)
                {
                    System.Reflection.MethodBase method = trace.GetFrame(i).GetMethod();
                    Type type = method == null ? null : method.DeclaringType;
                    if (type == null) continue;
                    string assembly = type.Assembly.GetName().Name;
                    if (assembly.StartsWith("OpenVINO.", StringComparison.Ordinal))
                    {
                        if (method.IsPublic && type.IsPublic && assembly != "OpenVINO.Interop") api = type.Name + "." + method.Name;
                        continue;
                    }
                    while (type.DeclaringType != null && type.Name.StartsWith("<", StringComparison.Ordinal)) type = type.DeclaringType;
                    string name = method.Name;
                    string caller;
                    if (!name.StartsWith("<", StringComparison.Ordinal)) caller = type.Name + "." + name;
                    else
                    {
                        // A lambda: Roslyn names it <Outer>b__N_M, mcs <Outer>m__N or <>m__N.
                        int close = name.IndexOf('>');
                        caller = close > 1 ? type.Name + "." + name.Substring(1, close - 1) + " (a lambda in it)" : "a lambda in " + type.Name;
                    }
                    return (api != null ? api + " " : "") + "called from " + caller;
                }
            }
            catch (Exception)
            {
                // A description only: never let it fail the call.
            }
            return null;
        }

        // A call the exiting thread itself is inside (directly or in its callback) cannot return before it.
        private bool HeldBy(Thread thread)
        {
            return caller == thread || callbackThread == thread;
        }

        private static void OnProcessExit(object sender, EventArgs e)
        {
            Action[] stops;
            bool active;
            lock (Gate)
            {
                exiting = true;
                active = Running.Count > 0 || Stoppers.Count > 0;
                foreach (Thread caller in Callers)
                {
                    // Between two calls now, and maybe about to make the next one during Mono's shutdown.
                    if (caller != Thread.CurrentThread && caller.IsAlive) active = true;
                }
                try
                {
                    ExitSource.Cancel();
                }
                catch (AggregateException)
                {
                }
                stops = new Action[Stoppers.Count];
                Stoppers.CopyTo(stops);
                Stoppers.Clear();
            }
            foreach (Action stop in stops)
            {
                try
                {
                    stop();
                }
                catch (Exception)
                {
                    // Exiting anyway; the wait below is bounded.
                }
            }
            Thread self = Thread.CurrentThread;
            DateTime start = DateTime.UtcNow;
            DateTime deadline = start + ExitTimeout;
            bool stuck;
            int late = 0;  // calls still running when the wait gave up
            lock (Gate)
            {
                while (true)
                {
                    bool waiting = false;
                    stuck = false;
                    late = 0;
                    foreach (RunningCall call in Running)
                    {
                        // A call this thread is inside, or whose callback has been running user code since
                        // before the exit (Environment.Exit called there: CoreCLR raises ProcessExit on
                        // another thread), cannot return before the process ends.
                        if (call.HeldBy(self) || (call.callbackThread != null && DateTime.UtcNow - start >= UserCodeGrace)) stuck = true;
                        else
                        {
                            waiting = true;
                            late++;
                        }
                    }
                    TimeSpan left = deadline - DateTime.UtcNow;
                    if (!waiting) break;
                    if (left <= TimeSpan.Zero)
                    {
                        stuck = true;
                        break;
                    }
                    Monitor.Wait(Gate, left < UserCodeGrace ? left : UserCodeGrace);
                }
            }
            // Mono's own shutdown, which follows, was measured to hang for good when the threads that ran the
            // calls wait on monitors (a stream's consumer and worker), and when a thread that makes calls in a
            // loop entered a monitor just then (1 to 2 runs in 100 of ExitDuringGeneration plain ... exit): after
            // an exit during a call, or while another thread that made calls lives, end there too.
            if (stuck || (active && Type.GetType("Mono.Runtime") != null))
            {
                if (late > 0 && DateTime.UtcNow >= deadline)
                {
                    // Said, as the process ends differently than asked (no later ProcessExit handler runs).
                    Warn(late.ToString(System.Globalization.CultureInfo.InvariantCulture) + " generation(s) still inside the native library "
                         + ExitTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)
                         + " s after the process began to exit (a generation without a callback cannot be asked to stop): "
                         + "the process ends now, without the library's exit-time clean-up, which would crash under them");
                }
                // The library's exit-time clean-up would run under a call that is still inside it (a crash)
                // or the runtime would wait for it (a hang): end the process now, with the exit code asked for.
                Terminate(Environment.ExitCode);
            }
        }

        private static void Warn(string message)
        {
            try
            {
                Console.Error.WriteLine("OpenVINO.Interop: " + message);
            }
            catch (Exception)
            {
                // Nothing more to say.
            }
        }

        private static void Terminate(int code)
        {
            try
            {
                Console.Out.Flush();
                Console.Error.Flush();
            }
            catch (Exception)
            {
                // Nothing more to say.
            }
            if (Path.DirectorySeparatorChar == '\\')
            {
                TerminateProcess(GetCurrentProcess(), unchecked((uint)code));
                return;
            }
            try
            {
                ExitGlibc(code);
            }
            catch (DllNotFoundException)
            {
                ExitLibc(code);  // macOS, musl
            }
            catch (EntryPointNotFoundException)
            {
                ExitLibc(code);
            }
        }

        [DllImport("libc.so.6", EntryPoint = "_exit")]
        private static extern void ExitGlibc(int code);

        [DllImport("libc", EntryPoint = "_exit")]
        private static extern void ExitLibc(int code);

        [DllImport("kernel32", EntryPoint = "GetCurrentProcess")]
        private static extern IntPtr GetCurrentProcess();

        [DllImport("kernel32", EntryPoint = "TerminateProcess")]
        private static extern bool TerminateProcess(IntPtr process, uint code);

        private sealed class Unregister : IDisposable
        {
            private Action stop;

            internal Unregister(Action stop)
            {
                this.stop = stop;
            }

            public void Dispose()
            {
                Action registered = Interlocked.Exchange(ref stop, null);
                if (registered != null)
                {
                    lock (Gate) Stoppers.Remove(registered);
                }
            }
        }
    }
}
