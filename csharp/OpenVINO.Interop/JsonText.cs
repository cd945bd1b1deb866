using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A small JSON reader and writer (no dependency that Mono lacks), for generation config files and plain
    /// values such as chat messages: objects are <c>Dictionary&lt;string, object&gt;</c>, arrays <c>List&lt;object&gt;</c>,
    /// integers <c>long</c> (or <c>ulong</c>, <c>double</c> when larger), other numbers <c>double</c>, plus string, bool
    /// and null. Support for generated and hand-written binding code.
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

        /// <summary>
        /// A deep copy of <paramref name="value"/> in the shapes <see cref="Parse"/> gives (any string-keyed dictionary a
        /// <c>Dictionary&lt;string, object&gt;</c>, any other sequence a <c>List&lt;object&gt;</c>, integers <c>long</c>
        /// (<c>ulong</c> above its range), other numbers <c>double</c>); ArgumentException naming <paramref name="where"/>
        /// and the path inside it for what JSON cannot hold (another type, a null key, NaN or an infinity).
        /// </summary>
        public static object Copy(object value, string where)
        {
            if (value == null || value is string || value is bool) return value;
            if (value is int || value is long || value is short || value is sbyte || value is byte || value is ushort || value is uint)
                return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            if (value is ulong) return (ulong)value <= long.MaxValue ? (object)(long)(ulong)value : value;
            if (value is double || value is float || value is decimal)
            {
                double d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(d) || double.IsInfinity(d)) throw new ArgumentException(where + ": JSON cannot hold " + d.ToString(CultureInfo.InvariantCulture), where);
                return d;
            }
            var dict = value as IDictionary<string, object>;
            if (dict != null)
            {
                var copy = new Dictionary<string, object>(dict.Count);
                foreach (var pair in dict)
                {
                    if (pair.Key == null) throw new ArgumentException(where + ": a null key", where);
                    copy[pair.Key] = Copy(pair.Value, where + "[" + Quote(pair.Key) + "]");
                }
                return copy;
            }
            var items = value as System.Collections.IEnumerable;
            if (items != null && !(value is System.Collections.IDictionary))
            {
                var list = new List<object>();
                foreach (var item in items) list.Add(Copy(item, where + "[" + list.Count.ToString(CultureInfo.InvariantCulture) + "]"));
                return list;
            }
            throw new ArgumentException(where + ": JSON cannot hold a " + value.GetType().Name
                + " (use strings, booleans, numbers, null, string-keyed dictionaries and lists of these)", where);
        }

        /// <summary>The JSON text of <paramref name="value"/> (checked as <see cref="Copy"/> checks it), written as Python's
        /// <c>json.dumps</c> writes it: <c>", "</c> and <c>": "</c> as separators, non-ASCII characters kept.</summary>
        public static string Write(object value, string where)
        {
            var text = new StringBuilder();
            Write(text, value, where);
            return text.ToString();
        }

        private static void Write(StringBuilder text, object value, string where)
        {
            value = value is Dictionary<string, object> || value is List<object> ? value : Copy(value, where);
            var dict = value as Dictionary<string, object>;
            var list = value as List<object>;
            if (value == null) text.Append("null");
            else if (value is string) text.Append(Quote((string)value));
            else if (value is bool) text.Append((bool)value ? "true" : "false");
            else if (value is long || value is ulong) text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            else if (value is double)
            {
                double d = (double)value;
                string r = d.ToString("R", CultureInfo.InvariantCulture);
                text.Append(r.IndexOfAny(new[] { '.', 'E', 'e' }) < 0 ? r + ".0" : r);
            }
            else if (dict != null)
            {
                text.Append('{');
                bool first = true;
                foreach (var pair in dict)
                {
                    if (pair.Key == null) throw new ArgumentException(where + ": a null key", where);
                    if (!first) text.Append(", ");
                    first = false;
                    text.Append(Quote(pair.Key)).Append(": ");
                    Write(text, pair.Value, where + "[" + Quote(pair.Key) + "]");
                }
                text.Append('}');
            }
            else
            {
                text.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0) text.Append(", ");
                    Write(text, list[i], where + "[" + i.ToString(CultureInfo.InvariantCulture) + "]");
                }
                text.Append(']');
            }
        }

        /// <summary>A JSON string literal for <paramref name="value"/> (quotes included), escaped as RFC 8259 requires.</summary>
        public static string Quote(string value)
        {
            if (value == null) throw new ArgumentNullException(nameof(value));
            var text = new StringBuilder(value.Length + 2);
            text.Append('"');
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': text.Append("\\\""); break;
                    case '\\': text.Append("\\\\"); break;
                    case '\n': text.Append("\\n"); break;
                    case '\r': text.Append("\\r"); break;
                    case '\t': text.Append("\\t"); break;
                    case '\b': text.Append("\\b"); break;
                    case '\f': text.Append("\\f"); break;
                    default:
                        if (c < 0x20) text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else text.Append(c);
                        break;
                }
            }
            return text.Append('"').ToString();
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
