using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Handle"]/*'/>
    public abstract class NativeObject : IDisposable
    {
        internal readonly SafeHandle Handle;

        /// <summary>Takes ownership of <paramref name="handle"/>, a pointer to a C <paramref name="nativeType"/>.</summary>
        protected NativeObject(SafeHandle handle, string nativeType)
        {
            if (handle == null) throw new ArgumentNullException(nameof(handle));
            if (handle.IsInvalid) throw new ArgumentException("the handle holds no native object", nameof(handle));
            if (string.IsNullOrEmpty(nativeType)) throw new ArgumentException("no C type name", nameof(nativeType));
            Handle = handle;
            NativeType = nativeType;
        }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Handle.native_type"]/*'/>
        public string NativeType { get; }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Handle.closed"]/*'/>
        public bool IsDisposed
        {
            get { return Handle.IsClosed; }
        }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Handle.close"]/*'/>
        public void Dispose()
        {
            Interop.Occupant.Leave(this);
            Handle.Dispose();
            ReleaseDependents();
        }

        // The object whose call made this one, while its results are read (see MadeBy).
        private NativeObject madeBy;

        // Objects released at the latest with this one (see ReleaseWith), weakly held: the collector may free them first.
        private readonly object dependentsGate = new object();
        private List<WeakReference> dependents;
        private int pruneAt = 16;
        private bool dependentsReleased;

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Handle.made_by"]/*'/>
        public void MadeBy(NativeObject producer)
        {
            madeBy = producer == null ? null : producer.Origin();
        }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Handle.release_with"]/*'/>
        public void ReleaseWith(NativeObject producer)
        {
            if (producer == null) return;
            if (!producer.Origin().Adopt(this)) Dispose();
        }

        // The object that made this one (through MadeBy), or this one.
        private NativeObject Origin()
        {
            NativeObject origin = this;
            while (origin.madeBy != null) origin = origin.madeBy;
            return origin;
        }

        // Records a dependent; false once this object's dependents were released (it was disposed).
        private bool Adopt(NativeObject dependent)
        {
            lock (dependentsGate)
            {
                if (dependentsReleased) return false;
                if (dependents == null) dependents = new List<WeakReference>();
                if (dependents.Count >= pruneAt)
                {
                    dependents.RemoveAll(IsGone);
                    pruneAt = Math.Max(16, 2 * dependents.Count);
                }
                dependents.Add(new WeakReference(dependent));
                return true;
            }
        }

        private static bool IsGone(WeakReference reference)
        {
            var target = reference.Target as NativeObject;
            return target == null || target.IsDisposed;
        }

        // Disposing: the dependents still alive go too. One that is no longer reachable has been found by a collection
        // already (a weak reference is cleared only then), so its finalizer releases it.
        private void ReleaseDependents()
        {
            List<WeakReference> taken;
            lock (dependentsGate)
            {
                dependentsReleased = true;
                taken = dependents;
                dependents = null;
            }
            if (taken == null) return;
            foreach (WeakReference reference in taken)
            {
                var target = reference.Target as NativeObject;
                if (target != null) target.Dispose();
            }
        }

        /// <summary>How many dependents this object records (for tests).</summary>
        internal int DependentCount
        {
            get { lock (dependentsGate) { return dependents == null ? 0 : dependents.Count; } }
        }

        // The stream generation running on this object, if any (see Occupant).
        internal Occupant Occupant;

        private readonly object retainedGate = new object();
        private Dictionary<string, object> retained;

        /// <summary>
        /// Keeps <paramref name="value"/> (an object the library now holds, such as a tensor over your
        /// memory) alive as long as this object; a later value for the same <paramref name="slot"/>
        /// replaces it. Disposing does not drop it: the library may still use it through others.
        /// </summary>
        protected void Retain(string slot, object value)
        {
            lock (retainedGate)
            {
                if (retained == null) retained = new Dictionary<string, object>();
                retained[slot] = value;
            }
        }

        /// <summary>How many objects this one keeps for the library (for tests).</summary>
        internal int RetainedCount
        {
            get { lock (retainedGate) { return retained == null ? 0 : retained.Count; } }
        }
    }
}
