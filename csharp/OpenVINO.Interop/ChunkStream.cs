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
    /// disposed stops its generation once it is collected, and at the latest when its pipeline is called
    /// again or disposed: a generation whose consumer takes no chunks (the queue is full) gives way to the
    /// next generation called on the same object, and disposing that object stops it (see
    /// <see cref="Occupant"/>); its enumerator, if used again, yields the chunks already queued and then throws
    /// InvalidOperationException (another call took over) or ObjectDisposedException.
    /// </summary>
    public sealed class ChunkStream<TStatus> : IEnumerable<string>, IAsyncEnumerable<string> where TStatus : struct
    {
        // Chunks the callback may deliver ahead of the consumer before it waits.
        private const int Capacity = 16;

        // How long a callback waits for room before it asks for a garbage collection (milliseconds), doubled after
        // each one up to the maximum: a consumer that only pauses costs a collection now and then.
        private const int StalledCollect = 2000;
        private const int StalledCollectMax = 64000;
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
            return new Enumerator(new Pump(this, token, null));
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }

        /// <summary>Starts a generation when enumeration starts; either token cancels it.</summary>
        public IAsyncEnumerator<string> GetAsyncEnumerator(CancellationToken cancellationToken = default(CancellationToken))
        {
            if (!cancellationToken.CanBeCanceled || cancellationToken == token) return new Enumerator(new Pump(this, token, null));
            if (!token.CanBeCanceled) return new Enumerator(new Pump(this, cancellationToken, null));
            var linked = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
            return new Enumerator(new Pump(this, linked.Token, linked));
        }

        /// <summary>
        /// What the worker thread and the library's callback share with the enumerator. It never refers
        /// to the enumerator, so an enumerator nobody disposed can be collected (and stop the call)
        /// while the call runs.
        /// </summary>
        private sealed class Channel : Occupant
        {
            internal const int Running = 0, Stopping = 1, Cancelling = 2;
            private readonly ChunkStream<TStatus> owner;
            internal readonly object Gate = new object();
            internal readonly Queue<string> Queue = new Queue<string>();
            internal TaskCompletionSource<bool> Signalled;
            internal ExceptionDispatchInfo Error;
            internal bool Done;
            private int request;
            private bool waitingForRoom;
            private bool gaveWay, returned;
            private string disposedOwner;

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
                    RunAsCurrent(() =>
                    {
                        owner.run(OnChunk);
                        lock (Gate) returned = true;
                    });
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
                    int patience = StalledCollect;
                    while (Volatile.Read(ref request) == Running && Queue.Count >= Capacity)
                    {
                        waitingForRoom = true;
                        if (!Monitor.Wait(Gate, patience) && Queue.Count >= Capacity && Volatile.Read(ref request) == Running)
                        {
                            patience = Math.Min(patience * 2, StalledCollectMax);
                            // Nobody has taken a chunk for a while: an enumerator dropped without Dispose is found by
                            // a collection only (Mono's conservative stack scan can miss it in the one the program forced).
                            Monitor.Exit(Gate);
                            try
                            {
                                GC.Collect();
                            }
                            finally
                            {
                                Monitor.Enter(Gate);
                            }
                        }
                    }
                    waitingForRoom = false;
                    int wanted = Volatile.Read(ref request);
                    if (wanted == Cancelling) return owner.cancel;
                    if (wanted == Stopping) return owner.stop;
                    Queue.Enqueue(chunk);
                }
                Signal();
                return owner.proceed;
            }

            internal bool Request(int what)
            {
                bool first = Interlocked.CompareExchange(ref request, what, Running) == Running;
                Signal();
                return first;
            }

            internal override bool Idle
            {
                get { lock (Gate) return waitingForRoom && !Done; }
            }

            internal override void GiveWay(string disposed)
            {
                lock (Gate)
                {
                    if (returned || Volatile.Read(ref request) != Running) return;
                    gaveWay = true;
                    disposedOwner = disposed;
                }
                Request(Stopping);
            }

            internal override bool WaitEnded(TimeSpan timeout)
            {
                DateTime deadline = DateTime.UtcNow + timeout;
                lock (Gate)
                {
                    while (!Done)
                    {
                        TimeSpan left = deadline - DateTime.UtcNow;
                        if (left <= TimeSpan.Zero) return false;
                        Monitor.Wait(Gate, left);
                    }
                }
                return true;
            }

            // Under the lock, once the generation has ended: why it was stopped for another call or a Dispose.
            internal Exception GaveWayError()
            {
                if (!gaveWay) return null;
                if (disposedOwner != null)
                {
                    return new ObjectDisposedException(disposedOwner, "this stream's generation was stopped because its "
                        + disposedOwner + " was disposed");
                }
                return new InvalidOperationException("this stream was stopped to let another generation run on the same object: "
                    + "it runs one generation at a time, and this stream's consumer had stopped taking chunks");
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

        // What the caller holds: nothing else (no worker thread, no callback, no continuation) refers to it,
        // so a conservative collector (Mono scans thread stacks conservatively) finds no stale reference to it
        // on the threads that ran the generation.
        private sealed class Enumerator : IEnumerator<string>, IAsyncEnumerator<string>
        {
            private readonly Pump pump;

            internal Enumerator(Pump pump)
            {
                this.pump = pump;
            }

            // Never disposed: stop the generation (without waiting, this is the finalizer thread).
            ~Enumerator()
            {
                pump.Abandon();
            }

            public string Current
            {
                get { return pump.Current; }
            }

            object IEnumerator.Current
            {
                get { return pump.Current; }
            }

            public bool MoveNext()
            {
                bool next = pump.MoveNext();
                Scrub();
                return next;
            }

            public ValueTask<bool> MoveNextAsync()
            {
                ValueTask<bool> next = pump.MoveNextAsync();
                Scrub();
                return next;
            }

            public void Reset()
            {
                throw new NotSupportedException("start a new enumeration instead");
            }

            public void Dispose()
            {
                GC.SuppressFinalize(this);
                pump.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                GC.SuppressFinalize(this);
                return pump.DisposeAsync();
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static unsafe void Scrub()
        {
            long* area = stackalloc long[4096];
            for (int i = 0; i < 4096; i++) area[i] = 0;
        }

        private sealed class Pump
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

            internal void Abandon()
            {
                if (worker != null) channel.Stop();
            }

            public string Current
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
                    Exception gaveWay = channel.GaveWayError();
                    if (gaveWay != null) throw gaveWay;
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

            public void Dispose()
            {
                if (worker != null)
                {
                    channel.Stop();
                    RunningCall.Wait(worker);
                }
                Release();
            }

            public ValueTask DisposeAsync()
            {
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
