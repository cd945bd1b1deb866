using System;
using System.Threading;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Support for generated code: the streaming callback of one call that takes a
    /// <see cref="CancellationToken"/>. Once the token is cancelled, the next chunk the library delivers
    /// is answered with the cancel value instead of calling user code, so the native generation ends at
    /// its next step and the object is free for the next call; the caller then throws
    /// <see cref="OperationCanceledException"/> (<see cref="Finish{T}"/>).
    /// </summary>
    public sealed class Cancellable<TStatus>
    {
        private readonly Func<string, TStatus> inner;
        private readonly CancellationToken token;
        private readonly TStatus running;
        private readonly TStatus cancel;
        private int cancelled;

        /// <summary>Wraps <paramref name="inner"/> (null: a callback that only watches the token and answers
        /// <paramref name="running"/>).</summary>
        public Cancellable(Func<string, TStatus> inner, CancellationToken token, TStatus running, TStatus cancel)
        {
            this.inner = inner;
            this.token = token;
            this.running = running;
            this.cancel = cancel;
        }

        /// <summary>The callback to pass to the native call.</summary>
        public Func<string, TStatus> Callback
        {
            get { return Invoke; }
        }

        /// <summary>Whether the callback answered the cancel value because the token was cancelled.</summary>
        public bool Cancelled
        {
            get { return Volatile.Read(ref cancelled) != 0; }
        }

        private TStatus Invoke(string chunk)
        {
            if (token.IsCancellationRequested)
            {
                Volatile.Write(ref cancelled, 1);
                return cancel;
            }
            return inner == null ? running : inner(chunk);
        }

        /// <summary>After the native call: when it was cancelled, disposes <paramref name="result"/> (when it
        /// is disposable) and throws <see cref="OperationCanceledException"/>; else returns it.</summary>
        public T Finish<T>(T result)
        {
            if (!Cancelled) return result;
            var disposable = result as IDisposable;
            if (disposable != null) disposable.Dispose();
            throw new OperationCanceledException("the generation was cancelled", token);
        }

        /// <summary>A callback answering <paramref name="stop"/> when <paramref name="callback"/> returns true.</summary>
        public static Func<string, TStatus> FromBool(Func<string, bool> callback, TStatus running, TStatus stop)
        {
            if (callback == null) throw new ArgumentNullException(nameof(callback));
            return chunk => callback(chunk) ? stop : running;
        }

        /// <summary>A callback that calls <paramref name="callback"/> and always answers <paramref name="running"/>.</summary>
        public static Func<string, TStatus> FromAction(Action<string> callback, TStatus running)
        {
            if (callback == null) throw new ArgumentNullException(nameof(callback));
            return chunk => { callback(chunk); return running; };
        }
    }
}
