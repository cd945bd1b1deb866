using System;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A native pointer this binding does not own, or owns through a release function you supply (for
    /// objects of another library, such as tensors of OpenVINO's core C API).
    /// </summary>
    public sealed class ForeignHandle : SafeHandle
    {
        private readonly Action<IntPtr> release;

        /// <summary>Wraps <paramref name="pointer"/>; <paramref name="release"/> (may be null) runs on dispose.</summary>
        public ForeignHandle(IntPtr pointer, Action<IntPtr> release = null) : base(IntPtr.Zero, true)
        {
            SetHandle(pointer);
            this.release = release;
        }

        /// <summary>True when no native object is held.</summary>
        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

        /// <summary>Runs the release function, if any.</summary>
        protected override bool ReleaseHandle()
        {
            if (release != null) release(handle);
            return true;
        }
    }
}
