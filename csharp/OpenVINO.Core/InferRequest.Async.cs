using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using OpenVINO.Core.Native;
using OpenVINO.Interop;

namespace OpenVINO.Core
{
    // Hand-written (not generated): the completion callback and InferAsync.
    //
    // ov_infer_request_set_callback keeps the ov_callback_t *pointer* it is given and reads it on an
    // OpenVINO worker thread at every completion, so the struct lives in native memory owned by a
    // CompletionBridge for as long as the request may call it. The callback carries no error: a task
    // from InferAsync completes, then calls Wait(), which rethrows a failed inference as an
    // OpenVINOException with OpenVINO's message.
    public sealed partial class InferRequest
    {
        private readonly object completionGate = new object();
        private CompletionBridge completion;

        /// <summary>
        /// Calls <c>ov_infer_request_set_callback</c>: <paramref name="callback"/> runs on an OpenVINO worker
        /// thread each time an asynchronous inference (<see cref="StartAsync"/>, <see cref="InferAsync"/>)
        /// ends. An exception it throws never reaches native code; <see cref="LastCallbackException"/> keeps it.
        /// </summary>
        public void SetCallback(Action callback)
        {
            if (callback == null) throw new ArgumentNullException(nameof(callback));
            Bridge().UserCallback = callback;
        }

        /// <summary>What the callback given to <see cref="SetCallback"/> threw last, or null.</summary>
        public Exception LastCallbackException
        {
            get
            {
                CompletionBridge bridge = completion;
                return bridge == null ? null : bridge.LastException;
            }
        }

        /// <summary>
        /// Starts an inference (<c>ov_infer_request_start_async</c>) and completes when it ends: the task
        /// faults with <see cref="OpenVINOException"/> (OpenVINO's message) when the inference failed.
        /// </summary>
        public Task InferAsync()
        {
            CompletionBridge bridge = Bridge();
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            bridge.Enqueue(this, done);
            try
            {
                StartAsync();
            }
            catch
            {
                bridge.Cancel(done);
                throw;
            }
            return done.Task.ContinueWith(finished =>
            {
                // The completion callback says nothing about errors: Wait() rethrows them.
                Wait();
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        private unsafe CompletionBridge Bridge()
        {
            lock (completionGate)
            {
                if (completion != null) return completion;
                var bridge = new CompletionBridge();
                Status status;
                try
                {
                    using (var self = Lease.Of(this))
                    {
                        status = NativeMethods.ov_infer_request_set_callback(self.Pointer, bridge.Struct);
                    }
                }
                catch
                {
                    bridge.Dispose();
                    throw;
                }
                if (status != Status.Ok)
                {
                    bridge.Dispose();
                    StatusCheck.Check(status, "ov_infer_request_set_callback");
                }
                completion = bridge;  // kept by this request; the library holds its struct from now on
                return bridge;
            }
        }
    }

    /// <summary>The native <c>ov_callback_t</c> of one request, and where its completions go.</summary>
    internal sealed unsafe class CompletionBridge : IDisposable
    {
        private static readonly CallbackFunc Trampoline = Invoke;
        private static readonly IntPtr FunctionPointer = Marshal.GetFunctionPointerForDelegate(Trampoline);
        // Bridges with an inference in flight, with their request: kept reachable until it completes.
        private static readonly Dictionary<CompletionBridge, InferRequest> InFlight = new Dictionary<CompletionBridge, InferRequest>();

        private readonly object gate = new object();
        private readonly Queue<TaskCompletionSource<bool>> pending = new Queue<TaskCompletionSource<bool>>();
        private GCHandle self;
        internal Native.Callback* Struct;
        internal volatile Action UserCallback;
        internal volatile Exception LastException;

        internal CompletionBridge()
        {
            // Weak: the request's field keeps the bridge; a stray completion after collection is ignored.
            self = GCHandle.Alloc(this, GCHandleType.Weak);
            Struct = (Native.Callback*)Marshal.AllocHGlobal(sizeof(Native.Callback));
            Struct->callback_func = FunctionPointer;
            Struct->args = GCHandle.ToIntPtr(self);
        }

        // No finalizer: the native request may outlive this object (its SafeHandle is released by a
        // critical finalizer, in no fixed order with ours) and still read the struct and the handle
        // when it completes or is torn down. Once set, the 16-byte struct and a weak GCHandle stay
        // allocated for the life of the process; a completion after collection finds no target.

        /// <summary>Frees the struct; only for a bridge the library never received.</summary>
        public void Dispose()
        {
            Release();
        }

        internal void Enqueue(InferRequest request, TaskCompletionSource<bool> done)
        {
            lock (gate)
            {
                pending.Enqueue(done);
            }
            lock (InFlight)
            {
                InFlight[this] = request;
            }
        }

        internal void Cancel(TaskCompletionSource<bool> done)
        {
            lock (gate)
            {
                var rest = new Queue<TaskCompletionSource<bool>>();
                foreach (var item in pending)
                {
                    if (item != done) rest.Enqueue(item);
                }
                pending.Clear();
                foreach (var item in rest) pending.Enqueue(item);
                if (pending.Count == 0) Forget();
            }
        }

        private void Forget()
        {
            lock (InFlight)
            {
                InFlight.Remove(this);
            }
        }

        private void Completed()
        {
            TaskCompletionSource<bool> done = null;
            lock (gate)
            {
                if (pending.Count > 0) done = pending.Dequeue();
                if (pending.Count == 0) Forget();
            }
            Action callback = UserCallback;
            if (callback != null)
            {
                try
                {
                    callback();
                }
                catch (Exception e)
                {
                    LastException = e;
                }
            }
            if (done != null) done.TrySetResult(true);
        }

        // Runs on an OpenVINO worker thread; never lets an exception reach native code.
        private static void Invoke(IntPtr args)
        {
            try
            {
                var bridge = GCHandle.FromIntPtr(args).Target as CompletionBridge;
                if (bridge != null) bridge.Completed();
            }
            catch (Exception)
            {
                // Nothing can be reported from here; Completed() already catches user code.
            }
        }

        private void Release()
        {
            if (Struct != null)
            {
                Marshal.FreeHGlobal((IntPtr)Struct);
                Struct = null;
            }
            if (self.IsAllocated) self.Free();
        }
    }
}
