using System;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A pointer to a C <see cref="NativeObject.NativeType"/> obtained outside the bindings (from a library of your
    /// own, say), as a <see cref="NativeObject"/> the bindings take wherever their C API takes that type. Objects of
    /// another binding need no wrapping: pass them as they are.
    /// </summary>
    public class ForeignObject : NativeObject
    {
        /// <summary>
        /// Wraps <paramref name="pointer"/>, a <paramref name="nativeType"/>*; <paramref name="release"/> (e.g. the
        /// owning library's free function) runs on dispose when given, otherwise the pointer is never released here.
        /// </summary>
        public ForeignObject(string nativeType, IntPtr pointer, Action<IntPtr> release = null)
            : base(Wrap(nativeType, pointer, release), nativeType)
        {
        }

        private static ForeignHandle Wrap(string nativeType, IntPtr pointer, Action<IntPtr> release)
        {
            if (pointer == IntPtr.Zero) throw new ArgumentException("null " + nativeType + " pointer", nameof(pointer));
            return new ForeignHandle(pointer, release);
        }
    }
}
