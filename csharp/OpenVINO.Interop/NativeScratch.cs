using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Native memory for the arguments of one call (arrays and strings inside structs passed by value),
    /// freed when the call is over.
    /// </summary>
    public sealed unsafe class NativeScratch : IDisposable
    {
        private readonly List<IntPtr> blocks = new List<IntPtr>();

        /// <summary>A block of <paramref name="bytes"/> bytes (at least one), freed with the scratch.</summary>
        public void* Allocate(long bytes)
        {
            if (bytes < 0) throw new ArgumentOutOfRangeException(nameof(bytes));
            IntPtr block = Marshal.AllocHGlobal(new IntPtr(Math.Max(1L, bytes)));
            blocks.Add(block);
            return (void*)block;
        }

        /// <summary>A NUL-terminated UTF-8 copy of <paramref name="value"/> (null for null).</summary>
        public byte* CString(string value, string paramName)
        {
            if (value == null) return null;
            byte[] bytes = Utf8.Encode(value, paramName);
            var block = (byte*)Allocate(bytes.Length);
            Marshal.Copy(bytes, 0, (IntPtr)block, bytes.Length);
            return block;
        }

        /// <summary>Frees every block.</summary>
        public void Dispose()
        {
            foreach (IntPtr block in blocks) Marshal.FreeHGlobal(block);
            blocks.Clear();
        }
    }
}
