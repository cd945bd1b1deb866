using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A small JSON reader for generation config files (no dependency that Mono lacks): objects become
    /// <c>Dictionary&lt;string, object&gt;</c>, arrays <c>List&lt;object&gt;</c>, integers <c>long</c> (or <c>ulong</c>,
    /// <c>double</c> when larger), other numbers <c>double</c>, plus string, bool and null. Support for generated code.
    /// </summary>
    public static class JsonText
    {
        /// <summary>The value <paramref name="text"/> holds; FormatException naming the offset when it is not JSON.</summary>
        public static object Parse(string text)
        {
            int i = 0;
            object value = ReadValue(text, ref i);
            SkipSpace(text, ref i);
            if (i != text.Length) throw Fail(i, "unexpected text after the value");
            return value;
        }

        private static FormatException Fail(int at, string what)
        {
            return new FormatException("not valid JSON at offset " + at.ToString(CultureInfo.InvariantCulture) + ": " + what);
        }

        private static void SkipSpace(string s, ref int i)
        {
            while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
        }

        private static object ReadValue(string s, ref int i)
        {
            SkipSpace(s, ref i);
            if (i >= s.Length) throw Fail(i, "unexpected end");
            char c = s[i];
            if (c == '{')
            {
                var obj = new Dictionary<string, object>();
                i++;
                SkipSpace(s, ref i);
                if (i < s.Length && s[i] == '}') { i++; return obj; }
                while (true)
                {
                    SkipSpace(s, ref i);
                    if (i >= s.Length || s[i] != '"') throw Fail(i, "expected a key");
                    string key = ReadString(s, ref i);
                    SkipSpace(s, ref i);
                    if (i >= s.Length || s[i] != ':') throw Fail(i, "expected ':'");
                    i++;
                    obj[key] = ReadValue(s, ref i);
                    SkipSpace(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == '}') { i++; return obj; }
                    throw Fail(i, "expected ',' or '}'");
                }
            }
            if (c == '[')
            {
                var list = new List<object>();
                i++;
                SkipSpace(s, ref i);
                if (i < s.Length && s[i] == ']') { i++; return list; }
                while (true)
                {
                    list.Add(ReadValue(s, ref i));
                    SkipSpace(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == ']') { i++; return list; }
                    throw Fail(i, "expected ',' or ']'");
                }
            }
            if (c == '"') return ReadString(s, ref i);
            if (string.CompareOrdinal(s, i, "true", 0, 4) == 0) { i += 4; return true; }
            if (string.CompareOrdinal(s, i, "false", 0, 5) == 0) { i += 5; return false; }
            if (string.CompareOrdinal(s, i, "null", 0, 4) == 0) { i += 4; return null; }
            int start = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0) i++;
            string number = s.Substring(start, i - start);
            if (number.Length == 0) throw Fail(start, "unexpected character '" + c + "'");
            long l;
            if (long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
            ulong u;
            if (ulong.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out u)) return u;
            double d;
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out d)) return d;
            throw Fail(start, "bad number '" + number + "'");
        }

        private static string ReadString(string s, ref int i)
        {
            var text = new StringBuilder();
            i++;
            while (i < s.Length)
            {
                char c = s[i++];
                if (c == '"') return text.ToString();
                if (c != '\\') { text.Append(c); continue; }
                if (i >= s.Length) break;
                char e = s[i++];
                switch (e)
                {
                    case 'n': text.Append('\n'); break;
                    case 't': text.Append('\t'); break;
                    case 'r': text.Append('\r'); break;
                    case 'b': text.Append('\b'); break;
                    case 'f': text.Append('\f'); break;
                    case 'u':
                        if (i + 4 > s.Length) throw Fail(i, "short \\u escape");
                        text.Append((char)int.Parse(s.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    default: text.Append(e); break;
                }
            }
            throw Fail(i, "unterminated string");
        }
    }
}
