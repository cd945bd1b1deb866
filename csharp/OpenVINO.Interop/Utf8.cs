using System;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenVINO.Interop
{
    /// <summary>UTF-8 both ways (never the ANSI code page); NUL-terminated for C.</summary>
    public static unsafe class Utf8
    {
        private static readonly Encoding Strict = new UTF8Encoding(false, true);

        /// <summary>NUL-terminated UTF-8 bytes of <paramref name="value"/> (null for null); ArgumentException for an embedded NUL or a lone surrogate.</summary>
        public static byte[] Encode(string value, string paramName)
        {
            if (value == null) return null;
            if (value.IndexOf('\0') >= 0)
            {
                throw new ArgumentException("contains a NUL character, where C would see the end of the string", paramName);
            }
            try
            {
                byte[] bytes = new byte[Strict.GetByteCount(value) + 1];
                Strict.GetBytes(value, 0, value.Length, bytes, 0);
                return bytes;
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException("is not valid UTF-16 (a lone surrogate) and has no UTF-8 form", paramName, e);
            }
        }

        /// <summary>The string at a NUL-terminated UTF-8 pointer (null for null).</summary>
        public static string Decode(byte* text)
        {
            if (text == null) return null;
            int length = 0;
            while (text[length] != 0) length++;
            return Encoding.UTF8.GetString(text, length);
        }

        /// <summary>The UTF-8 string in <paramref name="buffer"/> up to its first NUL.</summary>
        public static string Decode(byte[] buffer)
        {
            int length = Array.IndexOf(buffer, (byte)0);
            return Encoding.UTF8.GetString(buffer, 0, length < 0 ? buffer.Length : length);
        }

        /// <summary>An AllocHGlobal block with the NUL-terminated UTF-8 bytes of <paramref name="value"/>.</summary>
        public static IntPtr Allocate(string value, string paramName)
        {
            byte[] bytes = Encode(value, paramName);
            IntPtr block = Marshal.AllocHGlobal(bytes.Length);
            Marshal.Copy(bytes, 0, block, bytes.Length);
            return block;
        }
    }
}
