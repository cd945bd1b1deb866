using System;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace OpenVINO.Interop
{
    /// <summary>
    /// The state of one native call with a callback: the user's delegate, reached from the C side
    /// through a GCHandle passed as the callback's user data, and what it threw. Disposing it (after
    /// the native call has returned) frees the GCHandle.
    /// </summary>
    public sealed class CallbackScope<TCallback> : IDisposable where TCallback : class
    {
        private GCHandle self;
        private readonly object gate = new object();
        private ExceptionDispatchInfo error;
        /// <summary>The user's delegate.</summary>
        public readonly TCallback Callback;
        private readonly Thread caller = Thread.CurrentThread;

        private readonly RunningCall running;

        /// <summary>Roots the scope (a GCHandle) until it is disposed.</summary>
        public CallbackScope(TCallback callback) : this(callback, null)
        {
        }

        /// <summary>The scope of <paramref name="running"/>, a call the process exit waits for (may be null).</summary>
        public CallbackScope(TCallback callback, RunningCall running)
        {
            Callback = callback;
            this.running = running;
            self = GCHandle.Alloc(this);
        }

        /// <summary>
        /// The call should end without calling user code again: the callback threw, the calling thread is
        /// being aborted, or the process exits (see <see cref="RunningCall"/>).
        /// </summary>
        public bool Ending
        {
            get { return Failed || CallerAborting || RunningCall.Exiting; }
        }

        /// <summary>Before user code runs in the callback: a process exit from inside it does not wait for this call.</summary>
        public void BeginCallback()
        {
            if (running != null) running.BeginCallback();
        }

        /// <summary>After user code in the callback has returned.</summary>
        public void EndCallback()
        {
            if (running != null) running.EndCallback();
        }

        /// <summary>
        /// Thread.Abort (Mono, .NET Framework) of the thread making the native call: the call runs in a
        /// finally block, so the abort waits until it has returned (unwinding the library's frames would
        /// leave its locks held); meanwhile the bridge asks the library to end the call.
        /// </summary>
        public bool CallerAborting
        {
            get { return (caller.ThreadState & ThreadState.AbortRequested) != 0; }
        }

        /// <summary>The GCHandle to pass as the callback's user data.</summary>
        public IntPtr UserData
        {
            get { return GCHandle.ToIntPtr(self); }
        }

        /// <summary>True once the callback threw (it is not called again).</summary>
        public bool Failed
        {
            get { lock (gate) return error != null; }
        }

        /// <summary>The scope whose <see cref="UserData"/> this is (null for a null pointer).</summary>
        public static CallbackScope<TCallback> FromUserData(IntPtr userData)
        {
            return userData == IntPtr.Zero ? null : GCHandle.FromIntPtr(userData).Target as CallbackScope<TCallback>;
        }

        /// <summary>Keeps the first exception of the callback, to rethrow after the call.</summary>
        public void Fail(Exception exception)
        {
            lock (gate)
            {
                if (error == null) error = ExceptionDispatchInfo.Capture(exception);
            }
        }

        /// <summary>Rethrows what the callback threw, if anything.</summary>
        public void ThrowIfFailed()
        {
            ExceptionDispatchInfo captured;
            lock (gate) captured = error;
            if (captured != null) captured.Throw();
        }

        /// <summary>Frees the GCHandle (after the native call has returned).</summary>
        public void Dispose()
        {
            if (self.IsAllocated) self.Free();
        }
    }
}
