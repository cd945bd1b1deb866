using System;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>Native pointers of several objects, each kept alive for one call, as a <c>T**</c> array.</summary>
    public sealed unsafe class HandleArray : IDisposable
    {
        private readonly Lease[] leases;
        private IntPtr table;
        private int taken;

        private HandleArray(int count, bool isNull)
        {
            leases = new Lease[count];
            if (!isNull) table = Marshal.AllocHGlobal(IntPtr.Size * Math.Max(1, count));
        }

        /// <summary>The <c>T**</c> array (null for a null array).</summary>
        public IntPtr* Pointer
        {
            get { return (IntPtr*)table; }
        }

        /// <summary>How many objects.</summary>
        public int Count
        {
            get { return leases.Length; }
        }

        /// <summary>Leases the handle of each of <paramref name="items"/> (null: a null array).</summary>
        public static HandleArray From<T>(T[] items, string paramName) where T : NativeObject
        {
            return From(items, item => item.Handle, paramName);
        }

        /// <summary>
        /// Leases each of <paramref name="items"/> where a C function takes an array of <paramref name="nativeType"/>
        /// pointers (null: a null array): objects of any binding holding that C type, else ArgumentException.
        /// </summary>
        public static HandleArray OfType(NativeObject[] items, string nativeType, string paramName)
        {
            if (items != null)
            {
                for (int i = 0; i < items.Length; i++)
                {
                    if (items[i] != null) Lease.CheckType(items[i], nativeType, paramName, "element " + i + ": ");
                }
            }
            return From(items, paramName);
        }

        private static HandleArray From<T>(T[] items, Func<T, SafeHandle> handleOf, string paramName) where T : class
        {
            if (items == null) return new HandleArray(0, true);
            var array = new HandleArray(items.Length, false);
            try
            {
                for (int i = 0; i < items.Length; i++)
                {
                    if (items[i] == null) throw new ArgumentException("element " + i + " is null", paramName);
                    array.leases[i] = Lease.Of(handleOf(items[i]), items[i].GetType().Name);
                    array.taken = i + 1;
                    ((IntPtr*)array.table)[i] = array.leases[i].Pointer;
                }
            }
            catch
            {
                array.Dispose();
                throw;
            }
            return array;
        }

        /// <summary>Releases the handles and frees the array.</summary>
        public void Dispose()
        {
            for (int i = 0; i < taken; i++) leases[i].Dispose();
            taken = 0;
            if (table != IntPtr.Zero) Marshal.FreeHGlobal(table);
            table = IntPtr.Zero;
        }
    }
}
