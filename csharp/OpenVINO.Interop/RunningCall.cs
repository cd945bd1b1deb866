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
    /// <c>Environment.Exit</c>): calls started from then on are refused (InvalidOperationException); every
    /// running call is asked to end (its callback answers the error value without calling user code, and a
    /// stream's callback waiting for room is woken); the exit waits for them to return, at most
    /// <see cref="ExitTimeout"/>. A call that cannot return (the exit was called from inside its callback, or
    /// its callback's user code goes on for more than a second, or the wait timed out) would leave the library
    /// to clean up under it: the process then ends at once (<c>_exit</c>, after flushing the console) with the
    /// exit code asked for, so ProcessExit handlers registered after this one do not run. On Mono that is also
    /// how an exit during a call ends once the calls have returned: Mono's own shutdown was measured to hang
    /// for good when the threads that ran them wait on monitors.
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
        private static readonly CancellationTokenSource ExitSource = new CancellationTokenSource();

        private readonly Thread caller = Thread.CurrentThread;
        private volatile Thread callbackThread;

        static RunningCall()
        {
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
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
            var call = new RunningCall();
            lock (Gate)
            {
                if (exiting) throw new InvalidOperationException(function + " was not started: the process is exiting");
                Running.Add(call);
            }
            return call;
        }

        /// <summary>
        /// Registers a call about to start on <paramref name="owner"/> (refused once the process exits). A stream's
        /// generation whose consumer takes no chunks gives way to it first (see <see cref="Occupant"/>).
        /// </summary>
        public static RunningCall Enter(string function, NativeObject owner)
        {
            RunningCall call = Enter(function);
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
            lock (Gate)
            {
                while (true)
                {
                    bool waiting = false;
                    stuck = false;
                    foreach (RunningCall call in Running)
                    {
                        // A call this thread is inside, or whose callback has been running user code since
                        // before the exit (Environment.Exit called there: CoreCLR raises ProcessExit on
                        // another thread), cannot return before the process ends.
                        if (call.HeldBy(self) || (call.callbackThread != null && DateTime.UtcNow - start >= UserCodeGrace)) stuck = true;
                        else waiting = true;
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
            // calls wait on monitors (a stream's consumer and worker): after an exit during a call, end there too.
            if (stuck || (active && Type.GetType("Mono.Runtime") != null))
            {
                // The library's exit-time clean-up would run under a call that is still inside it (a crash)
                // or the runtime would wait for it (a hang): end the process now, with the exit code asked for.
                Terminate(Environment.ExitCode);
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
