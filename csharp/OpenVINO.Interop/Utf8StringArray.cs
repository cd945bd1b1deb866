using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>NUL-terminated UTF-8 copies of strings in native memory, with a <c>char**</c> array of them.</summary>
    public sealed unsafe class Utf8StringArray : IDisposable
    {
        private readonly IntPtr[] strings;
        private IntPtr table;

        private Utf8StringArray(IntPtr[] strings, bool isNull)
        {
            this.strings = strings;
            if (!isNull)
            {
                table = Marshal.AllocHGlobal(IntPtr.Size * Math.Max(1, strings.Length));
                for (int i = 0; i < strings.Length; i++) ((IntPtr*)table)[i] = strings[i];
            }
        }

        /// <summary>The <c>char**</c> array (null for a null array).</summary>
        public byte** Pointer
        {
            get { return (byte**)table; }
        }

        /// <summary>How many strings.</summary>
        public int Count
        {
            get { return strings.Length; }
        }

        /// <summary>The string at <paramref name="index"/>.</summary>
        public byte* this[int index]
        {
            get { return (byte*)strings[index]; }
        }

        /// <summary>Copies of <paramref name="values"/> (null: a null array); ArgumentException for a null element.</summary>
        public static Utf8StringArray From(string[] values, string paramName)
        {
            if (values == null) return new Utf8StringArray(new IntPtr[0], true);
            var strings = new IntPtr[values.Length];
            try
            {
                for (int i = 0; i < values.Length; i++)
                {
                    if (values[i] == null) throw new ArgumentException("element " + i + " is null", paramName);
                    strings[i] = Utf8.Allocate(values[i], paramName);
                }
            }
            catch
            {
                Free(strings);
                throw;
            }
            return new Utf8StringArray(strings, false);
        }

        /// <summary>Keys and values of <paramref name="pairs"/>, alternating.</summary>
        public static Utf8StringArray FromPairs(IEnumerable<KeyValuePair<string, string>> pairs, string paramName)
        {
            var flat = new List<string>();
            if (pairs != null)
            {
                foreach (var pair in pairs)
                {
                    if (pair.Key == null) throw new ArgumentException("a key is null", paramName);
                    if (pair.Value == null) throw new ArgumentException("the value of " + pair.Key + " is null", paramName);
                    flat.Add(pair.Key);
                    flat.Add(pair.Value);
                }
            }
            return From(flat.ToArray(), paramName);
        }

        private static void Free(IntPtr[] strings)
        {
            for (int i = 0; i < strings.Length; i++)
            {
                if (strings[i] != IntPtr.Zero) Marshal.FreeHGlobal(strings[i]);
                strings[i] = IntPtr.Zero;
            }
        }

        /// <summary>Frees the strings and the array.</summary>
        public void Dispose()
        {
            Free(strings);
            if (table != IntPtr.Zero) Marshal.FreeHGlobal(table);
            table = IntPtr.Zero;
        }
    }
}
