using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Base of every class owning a native object, in every binding (OpenVINO.GenAI, OpenVINO.Core, ...):
    /// <see cref="Dispose"/> releases it at once (a second call does nothing); any use afterwards throws
    /// <see cref="ObjectDisposedException"/>. A native call in progress on another thread keeps the object
    /// alive until it returns. <see cref="NativeType"/> names the C type it holds, so a binding can take
    /// another binding's objects where its C API takes that type (a GenAI VLM pipeline takes
    /// OpenVINO.Core tensors as <c>ov_tensor_t*</c>) and refuse any other object.
    /// </summary>
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

        /// <summary>The C type this object points to, e.g. <c>ov_tensor_t</c>.</summary>
        public string NativeType { get; }

        /// <summary>True once <see cref="Dispose"/> has been called.</summary>
        public bool IsDisposed
        {
            get { return Handle.IsClosed; }
        }

        /// <summary>
        /// Releases the native object (once the last native call using it has returned). A stream generating on it
        /// is stopped: its enumerator yields the chunks already queued, then throws ObjectDisposedException.
        /// </summary>
        public void Dispose()
        {
            Interop.Occupant.Leave(this);
            Handle.Dispose();
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
