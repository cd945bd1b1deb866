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
            object value = ReadValue(text, ref i, 0);
            SkipSpace(text, ref i);
            if (i != text.Length) throw Fail(i, "unexpected text after the value");
            return value;
        }

        /// <summary>
        /// A deep copy of <paramref name="value"/> in the shapes <see cref="Parse"/> gives (any string-keyed dictionary, and
        /// an anonymous object by its properties, a <c>Dictionary&lt;string, object&gt;</c>, any other sequence a
        /// <c>List&lt;object&gt;</c>, a char a string, integers <c>long</c>
        /// (<c>ulong</c> above its range), other numbers <c>double</c>); ArgumentException naming <paramref name="where"/>
        /// and the path inside it for what JSON cannot hold (another type, a null key, NaN or an infinity).
        /// </summary>
        public static object Copy(object value, string where)
        {
            return CopyAt(value, where, 0);
        }

        // Deeper than this is refused before the stack runs out (Copy, Parse): a dictionary or list that holds itself
        // would otherwise end the process (a StackOverflowException cannot be caught); Python's json refuses a cycle too.
        private const int MaxDepth = 1000;

        private static object CopyAt(object value, string where, int depth)
        {
            if (depth > MaxDepth) throw new ArgumentException(where + ": nested deeper than " + MaxDepth + " levels (a dictionary or list that holds itself?)", where);
            if (value is string) return Whole((string)value, where);
            if (value == null || value is bool) return value;
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
                    copy[Whole(pair.Key, where)] = CopyAt(pair.Value, where + "[" + Quote(pair.Key) + "]", depth + 1);
                }
                return copy;
            }
            var other = value as System.Collections.IDictionary;  // Dictionary<string, string> and the like
            if (other != null)
            {
                var copy = new Dictionary<string, object>(other.Count);
                foreach (System.Collections.DictionaryEntry pair in other)
                {
                    var key = pair.Key as string;
                    if (key == null) throw new ArgumentException(where + ": JSON object keys are strings, not " + pair.Key.GetType().Name, where);
                    copy[Whole(key, where)] = CopyAt(pair.Value, where + "[" + Quote(key) + "]", depth + 1);
                }
                return copy;
            }
            if (value is char) return value.ToString();
            if (IsAnonymous(value.GetType()))
            {
                // An anonymous object (new { role = "user", content = "Hi" }): an object of its properties, in the
                // order they were written (its one constructor takes them in that order).
                var copy = new Dictionary<string, object>();
                foreach (var parameter in value.GetType().GetConstructors()[0].GetParameters())
                {
                    var property = value.GetType().GetProperty(parameter.Name);
                    copy[parameter.Name] = CopyAt(property.GetValue(value, null), where + "[" + Quote(parameter.Name) + "]", depth + 1);
                }
                return copy;
            }
            var items = value as System.Collections.IEnumerable;
            if (items != null)
            {
                var list = new List<object>();
                foreach (var item in items) list.Add(CopyAt(item, where + "[" + list.Count.ToString(CultureInfo.InvariantCulture) + "]", depth + 1));
                return list;
            }
            throw new ArgumentException(where + ": JSON cannot hold a " + value.GetType().Name
                + " (use strings, booleans, numbers, null, string-keyed dictionaries, anonymous objects and lists of these)", where);
        }

        // A string the library can take: a lone surrogate has no UTF-8 form (refused when it is given, not at the
        // later call that sends it; the official package refuses it at once too).
        private static string Whole(string value, string where)
        {
            for (int i = 0; i < value.Length; i++)
            {
                if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
                else if (char.IsSurrogate(value[i]))
                    throw new ArgumentException(where + ": a string holds a lone surrogate (\\u" + ((int)value[i]).ToString("x4", CultureInfo.InvariantCulture) + "), which has no UTF-8 form", where);
            }
            return value;
        }

        private static bool IsAnonymous(Type type)
        {
            // C# compilers name them <>f__AnonymousType0`2 (Roslyn) or <>__AnonType0`2 (mcs) and mark them generated.
            return type.Name.StartsWith("<>", StringComparison.Ordinal) && type.Name.Contains("Anon")
                && type.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false)
                && type.GetConstructors().Length == 1;
        }

        /// <summary>A number as Python's <c>json.dumps</c> writes it (its <c>repr</c>): the shortest digits that read back
        /// as the same double, fixed notation from 1e-4 up to 1e16 (<c>1.0</c>, <c>0.0001</c>), else <c>1e+16</c>,
        /// <c>1.5e-05</c>.</summary>
        private static string Number(double d)
        {
            // The fewest correctly rounded digits that read back as d: Python's repr picks exactly those.
            string s = null;
            double back;
            for (int digits = 1; digits <= 17; digits++)
            {
                s = Math.Abs(d).ToString("E" + (digits - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out back) && back == Math.Abs(d)) break;
            }
            bool negative = BitConverter.DoubleToInt64Bits(d) < 0;  // -0.0 too (Mono prints it without its sign)
            int e = s.IndexOf('E');
            string digitsText = s.Substring(0, e).Replace(".", "").TrimEnd('0');
            int exponent = int.Parse(s.Substring(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            if (digitsText.Length == 0)
            {
                digitsText = "0";
                exponent = 0;
            }
            var text = new StringBuilder(negative ? "-" : "");
            if (exponent >= -4 && exponent < 16)
            {
                if (exponent < 0) text.Append("0.").Append('0', -exponent - 1).Append(digitsText);
                else if (digitsText.Length <= exponent + 1) text.Append(digitsText).Append('0', exponent + 1 - digitsText.Length).Append(".0");
                else text.Append(digitsText, 0, exponent + 1).Append('.').Append(digitsText, exponent + 1, digitsText.Length - exponent - 1);
            }
            else
            {
                text.Append(digitsText[0]);
                if (digitsText.Length > 1) text.Append('.').Append(digitsText, 1, digitsText.Length - 1);
                text.Append('e').Append(exponent < 0 ? '-' : '+')
                    .Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
            }
            return text.ToString();
        }

        /// <summary>The JSON text of <paramref name="value"/> (checked as <see cref="Copy"/> checks it), written as Python's
        /// <c>json.dumps(value, ensure_ascii=False)</c> writes it: <c>", "</c> and <c>": "</c> as separators, non-ASCII
        /// characters kept, numbers as Python prints them.</summary>
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
            else if (value is double) text.Append(Number((double)value));
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

        private static object ReadValue(string s, ref int i, int depth)
        {
            // Deeper is refused before the stack runs out (a StackOverflowException would end the process).
            if (depth > MaxDepth) throw Fail(i, "nested deeper than " + MaxDepth + " levels");
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
                    obj[key] = ReadValue(s, ref i, depth + 1);
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
                    list.Add(ReadValue(s, ref i, depth + 1));
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
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out d) && !double.IsInfinity(d)) return d;
            // Beyond a double: CoreCLR reads an infinity, Mono fails; the library refuses it ("number overflow").
            throw Fail(start, "bad number or number overflow '" + number + "'");
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
