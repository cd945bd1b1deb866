using System;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenVINO.Interop
{
    /// <summary>
    /// <c>wchar_t</c> strings: UTF-16 where <c>wchar_t</c> is 2 bytes (Windows), UTF-32 where it is 4
    /// (Linux, macOS), NUL-terminated, in the byte order of this machine.
    /// </summary>
    public static class WideString
    {
        /// <summary>NUL-terminated <c>wchar_t</c> bytes of <paramref name="value"/> (null for null).</summary>
        public static byte[] Encode(string value, string paramName)
        {
            if (value == null) return null;
            if (value.IndexOf('\0') >= 0)
            {
                throw new ArgumentException("contains a NUL character, where C would see the end of the string", paramName);
            }
            bool utf16 = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            Encoding encoding = utf16
                ? (Encoding)new UnicodeEncoding(!BitConverter.IsLittleEndian, false, true)
                : new UTF32Encoding(!BitConverter.IsLittleEndian, false, true);
            try
            {
                int unit = utf16 ? 2 : 4;
                byte[] bytes = new byte[encoding.GetByteCount(value) + unit];
                encoding.GetBytes(value, 0, value.Length, bytes, 0);
                return bytes;
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException("is not valid UTF-16 (a lone surrogate)", paramName, e);
            }
        }
    }
}
