using System;
using System.Threading;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A stream's generation occupying the object it runs on (a pipeline serves one generation at a time).
    /// When its consumer has stopped taking chunks (the stream's queue is full and the library's callback
    /// waits for room), the occupant gives way: to the next generation called on the same object, which stops
    /// it and waits for its call to return. Disposing the object stops its stream's generation whatever the
    /// consumer does (without waiting for it). This does not depend on the garbage
    /// collector, so an enumerator dropped without Dispose frees its pipeline even where a stale copy of its
    /// reference keeps it alive (Mono scans thread stacks conservatively).
    /// </summary>
    internal abstract class Occupant
    {
        // How long a call that made an occupant give way waits for its generation to return before it goes
        // ahead anyway (and meets the library's own "busy" error if the generation is still inside).
        private static readonly TimeSpan GiveWayTimeout = TimeSpan.FromSeconds(30);

        // The stream whose generation runs on this thread (set by the stream's worker around its call).
        [ThreadStatic]
        private static Occupant current;

        private NativeObject owner;

        /// <summary>True while the consumer takes no chunks and the generation waits for room.</summary>
        internal abstract bool Idle { get; }

        /// <summary>
        /// Stops the generation; the consumer is told why once it has taken the chunks already queued: another call
        /// on the object took over, or the object (named <paramref name="disposed"/>) was disposed.
        /// </summary>
        internal abstract void GiveWay(string disposed);

        /// <summary>Waits until the generation's call has returned; false when <paramref name="timeout"/> passed first.</summary>
        internal abstract bool WaitEnded(TimeSpan timeout);

        /// <summary>True on a stream's worker thread while it runs the stream's generation.</summary>
        internal static bool OnStreamThread
        {
            get { return current != null; }
        }

        /// <summary>Runs <paramref name="run"/> (the stream's generation) on the current thread as this occupant.</summary>
        internal void RunAsCurrent(Action run)
        {
            current = this;
            try
            {
                run();
            }
            finally
            {
                current = null;
                NativeObject held = Interlocked.Exchange(ref owner, null);
                if (held != null) Interlocked.CompareExchange(ref held.Occupant, null, this);
            }
        }

        /// <summary>
        /// A generation on <paramref name="target"/> is about to start on this thread: a stream's own call
        /// occupies it; any other call first makes an idle occupant give way.
        /// </summary>
        internal static void Arrive(NativeObject target)
        {
            if (target == null) return;
            Occupant self = current;
            if (self != null)
            {
                if (Interlocked.CompareExchange(ref self.owner, target, null) == null) Volatile.Write(ref target.Occupant, self);
                return;
            }
            Occupant holder = Volatile.Read(ref target.Occupant);
            if (holder != null && holder.Idle)
            {
                holder.GiveWay(null);
                holder.WaitEnded(GiveWayTimeout);
            }
        }

        /// <summary><paramref name="target"/> is being disposed: its occupant stops (without waiting).</summary>
        internal static void Leave(NativeObject target)
        {
            Occupant holder = Volatile.Read(ref target.Occupant);
            if (holder != null) holder.GiveWay(target.GetType().Name);
        }
    }
}
