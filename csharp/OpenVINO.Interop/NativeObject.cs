using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Base of every class owning a native object: <see cref="Dispose"/> releases it at once (a second
    /// call does nothing); any use afterwards throws <see cref="ObjectDisposedException"/>. A native call
    /// in progress on another thread keeps the object alive until it returns.
    /// </summary>
    public abstract class NativeObject : IDisposable
    {
        internal readonly SafeHandle Handle;

        /// <summary>Takes ownership of <paramref name="handle"/>.</summary>
        protected NativeObject(SafeHandle handle)
        {
            if (handle == null) throw new ArgumentNullException(nameof(handle));
            if (handle.IsInvalid) throw new ArgumentException("the handle holds no native object", nameof(handle));
            Handle = handle;
        }

        /// <summary>True once <see cref="Dispose"/> has been called.</summary>
        public bool IsDisposed
        {
            get { return Handle.IsClosed; }
        }

        /// <summary>Releases the native object (once the last native call using it has returned).</summary>
        public void Dispose()
        {
            Handle.Dispose();
        }

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
