using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Turns a generation that reports chunks through a callback into an enumerable (sync and async).
    /// Each enumeration runs the generation once, on a dedicated worker thread; chunks are queued as
    /// the callback delivers them (from whatever thread the library uses) and handed to the consumer.
    /// The queue is bounded: when the consumer falls behind, the callback waits, so a stream nobody
    /// reads holds the generation instead of buffering without limit. Leaving early answers STOP to
    /// the next chunk, a cancelled token answers CANCEL; disposal waits until the native call has
    /// returned, so nothing is still running when the loop is over. An enumerator that is never
    /// disposed stops its generation once it is collected.
    /// </summary>
    public sealed class ChunkStream<TStatus> : IEnumerable<string>, IAsyncEnumerable<string> where TStatus : struct
    {
        // Chunks the callback may deliver ahead of the consumer before it waits.
        private const int Capacity = 16;
        private readonly Action<Func<string, TStatus>> run;
        private readonly TStatus proceed, stop, cancel;
        private readonly CancellationToken token;

        /// <summary>A stream running <paramref name="run"/>; its callback answers <paramref name="proceed"/>, <paramref name="stop"/> (the loop was left) or <paramref name="cancel"/> (the token was cancelled).</summary>
        public ChunkStream(Action<Func<string, TStatus>> run, TStatus proceed, TStatus stop, TStatus cancel, CancellationToken token)
        {
            this.run = run;
            this.proceed = proceed;
            this.stop = stop;
            this.cancel = cancel;
            this.token = token;
        }

        /// <summary>Starts a generation when enumeration starts.</summary>
        public IEnumerator<string> GetEnumerator()
        {
            return new Pump(this, token, null);
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }

        /// <summary>Starts a generation when enumeration starts; either token cancels it.</summary>
        public IAsyncEnumerator<string> GetAsyncEnumerator(CancellationToken cancellationToken = default(CancellationToken))
        {
            if (!cancellationToken.CanBeCanceled || cancellationToken == token) return new Pump(this, token, null);
            if (!token.CanBeCanceled) return new Pump(this, cancellationToken, null);
            var linked = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
            return new Pump(this, linked.Token, linked);
        }

        /// <summary>
        /// What the worker thread and the library's callback share with the enumerator. It never refers
        /// to the enumerator, so an enumerator nobody disposed can be collected (and stop the call)
        /// while the call runs.
        /// </summary>
        private sealed class Channel
        {
            internal const int Running = 0, Stopping = 1, Cancelling = 2;
            private readonly ChunkStream<TStatus> owner;
            internal readonly object Gate = new object();
            internal readonly Queue<string> Queue = new Queue<string>();
            internal TaskCompletionSource<bool> Signalled;
            internal ExceptionDispatchInfo Error;
            internal bool Done;
            private int request;

            internal Channel(ChunkStream<TStatus> owner)
            {
                this.owner = owner;
            }

            internal void Run()
            {
                IDisposable exit = null;
                try
                {
                    exit = RunningCall.OnExit(() => Request(Cancelling));
                    owner.run(OnChunk);
                }
                catch (Exception e)
                {
                    lock (Gate) Error = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    if (exit != null) exit.Dispose();
                    lock (Gate) Done = true;
                    Signal();
                }
            }

            private TStatus OnChunk(string chunk)
            {
                lock (Gate)
                {
                    while (Volatile.Read(ref request) == Running && Queue.Count >= Capacity) Monitor.Wait(Gate);
                    int wanted = Volatile.Read(ref request);
                    if (wanted == Cancelling) return owner.cancel;
                    if (wanted == Stopping) return owner.stop;
                    Queue.Enqueue(chunk);
                }
                Signal();
                return owner.proceed;
            }

            internal void Request(int what)
            {
                Interlocked.CompareExchange(ref request, what, Running);
                Signal();
            }

            internal void Stop()
            {
                Request(Stopping);
            }

            // Wakes the consumer (sync or async) and a callback waiting for room in the queue.
            internal void Signal()
            {
                TaskCompletionSource<bool> waiting;
                lock (Gate)
                {
                    waiting = Signalled;
                    Signalled = null;
                    Monitor.PulseAll(Gate);
                }
                if (waiting != null) waiting.TrySetResult(true);
            }
        }

        private sealed class Pump : IEnumerator<string>, IAsyncEnumerator<string>
        {
            private readonly Channel channel;
            private readonly CancellationToken token;
            private readonly CancellationTokenSource linked;
            private CancellationTokenRegistration registration;
            private Task worker;
            private string current;

            internal Pump(ChunkStream<TStatus> owner, CancellationToken token, CancellationTokenSource linked)
            {
                channel = new Channel(owner);
                this.token = token;
                this.linked = linked;
            }

            // Never disposed: stop the generation (without waiting, this is the finalizer thread).
            ~Pump()
            {
                if (worker != null) channel.Stop();
            }

            public string Current
            {
                get { return current; }
            }

            object IEnumerator.Current
            {
                get { return current; }
            }

            private void Start()
            {
                if (worker != null) return;
                token.ThrowIfCancellationRequested();
                var shared = channel;
                registration = token.Register(() => shared.Request(Channel.Cancelling));
                worker = Task.Factory.StartNew(shared.Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }

            // Under the lock: true/false when the next step is known, null when the caller must wait.
            private bool? TryNext()
            {
                if (token.IsCancellationRequested) throw new OperationCanceledException(token);
                if (channel.Queue.Count > 0)
                {
                    current = channel.Queue.Dequeue();
                    Monitor.PulseAll(channel.Gate);  // room for a waiting callback
                    return true;
                }
                if (channel.Done)
                {
                    if (channel.Error != null) channel.Error.Throw();
                    return false;
                }
                return null;
            }

            public bool MoveNext()
            {
                Start();
                lock (channel.Gate)
                {
                    while (true)
                    {
                        bool? next = TryNext();
                        if (next.HasValue) return next.Value;
                        Monitor.Wait(channel.Gate);
                    }
                }
            }

            public ValueTask<bool> MoveNextAsync()
            {
                try
                {
                    Start();
                    lock (channel.Gate)
                    {
                        bool? next = TryNext();
                        if (next.HasValue) return new ValueTask<bool>(next.Value);
                    }
                }
                catch (Exception e)
                {
                    return new ValueTask<bool>(Faulted(e));
                }
                return new ValueTask<bool>(WaitAsync());
            }

            private static Task<bool> Faulted(Exception e)
            {
                var failed = new TaskCompletionSource<bool>();
                var cancelled = e as OperationCanceledException;
                if (cancelled != null) failed.SetCanceled();
                else failed.SetException(e);
                return failed.Task;
            }

            private async Task<bool> WaitAsync()
            {
                while (true)
                {
                    Task wait;
                    lock (channel.Gate)
                    {
                        bool? next = TryNext();
                        if (next.HasValue) return next.Value;
                        if (channel.Signalled == null) channel.Signalled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                        wait = channel.Signalled.Task;
                    }
                    await wait.ConfigureAwait(false);
                }
            }

            public void Reset()
            {
                throw new NotSupportedException("start a new enumeration instead");
            }

            public void Dispose()
            {
                GC.SuppressFinalize(this);
                if (worker != null)
                {
                    channel.Stop();
                    RunningCall.Wait(worker);
                }
                Release();
            }

            public ValueTask DisposeAsync()
            {
                GC.SuppressFinalize(this);
                if (worker == null)
                {
                    Release();
                    return default(ValueTask);
                }
                channel.Stop();
                return new ValueTask(DisposeWorkerAsync());
            }

            private async Task DisposeWorkerAsync()
            {
                await worker.ConfigureAwait(false);
                Release();
            }

            private void Release()
            {
                registration.Dispose();
                if (linked != null) linked.Dispose();
            }
        }
    }
}
