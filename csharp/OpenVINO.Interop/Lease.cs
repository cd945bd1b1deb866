using System;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A handle kept alive (reference-counted) for the duration of one native call, so that a concurrent
    /// <c>Dispose</c> can't release the object under the callee.
    /// </summary>
    public struct Lease : IDisposable
    {
        private readonly SafeHandle handle;
        /// <summary>The native pointer, valid until the lease is disposed.</summary>
        public readonly IntPtr Pointer;

        private Lease(SafeHandle handle)
        {
            this.handle = handle;
            Pointer = handle.DangerousGetHandle();
        }

        /// <summary>Leases <paramref name="owner"/>'s handle (a default lease for null); ObjectDisposedException once it is disposed.</summary>
        public static Lease Of(NativeObject owner, string objectName = null)
        {
            return owner == null ? default(Lease) : Of(owner.Handle, objectName ?? owner.GetType().Name);
        }

        /// <summary>
        /// Leases <paramref name="owner"/>'s handle where a C function takes a <paramref name="nativeType"/> pointer
        /// (a default lease for null): an object of any binding holding that C type, else ArgumentException.
        /// </summary>
        public static Lease OfType(NativeObject owner, string nativeType, string paramName)
        {
            if (owner == null) return default(Lease);
            CheckType(owner, nativeType, paramName, null);
            return Of(owner.Handle, owner.GetType().Name);
        }

        internal static void CheckType(NativeObject owner, string nativeType, string paramName, string element)
        {
            if (owner.NativeType != nativeType)
            {
                throw new ArgumentException((element ?? "") + "a " + owner.GetType().Name + " holds a " + owner.NativeType
                    + ", not a " + nativeType, paramName);
            }
        }

        /// <summary>Leases <paramref name="handle"/> (a default lease for null); ObjectDisposedException naming <paramref name="objectName"/> once it is closed.</summary>
        public static Lease Of(SafeHandle handle, string objectName)
        {
            if (handle == null) return default(Lease);
            if (handle.IsClosed) throw new ObjectDisposedException(objectName);
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                throw new ObjectDisposedException(objectName);
            }
            return new Lease(handle);
        }

        /// <summary>Ends the lease.</summary>
        public void Dispose()
        {
            if (handle != null) handle.DangerousRelease();
        }
    }
}
