// A small JSON reader/writer for the test programs (Mono's class library and .NET 8 share no JSON API).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace GenAIInterop.Tests
{
    /// <summary>Parses JSON into Dictionary&lt;string, object&gt; (insertion-ordered keys), List&lt;object&gt;, string, double, bool, null.</summary>
    public sealed class MiniJson
    {
        private readonly string text;
        private int at;

        private MiniJson(string text)
        {
            this.text = text;
        }

        public static object Parse(string text)
        {
            var parser = new MiniJson(text);
            object value = parser.Value();
            parser.Space();
            if (parser.at != text.Length) throw parser.Error("trailing text");
            return value;
        }

        private FormatException Error(string what)
        {
            return new FormatException("JSON: " + what + " at offset " + at);
        }

        private void Space()
        {
            while (at < text.Length && char.IsWhiteSpace(text[at])) at++;
        }

        private object Value()
        {
            Space();
            if (at >= text.Length) throw Error("unexpected end");
            char c = text[at];
            if (c == '{') return Object();
            if (c == '[') return Array();
            if (c == '"') return String();
            if (Take("true")) return true;
            if (Take("false")) return false;
            if (Take("null")) return null;
            return Number();
        }

        private bool Take(string word)
        {
            if (string.CompareOrdinal(text, at, word, 0, word.Length) != 0) return false;
            at += word.Length;
            return true;
        }

        private OrderedObject Object()
        {
            var result = new OrderedObject();
            at++;
            Space();
            if (text[at] == '}')
            {
                at++;
                return result;
            }
            while (true)
            {
                Space();
                string key = String();
                Space();
                if (text[at++] != ':') throw Error("expected ':'");
                result.Add(key, Value());
                Space();
                char c = text[at++];
                if (c == '}') return result;
                if (c != ',') throw Error("expected ',' or '}'");
            }
        }

        private List<object> Array()
        {
            var result = new List<object>();
            at++;
            Space();
            if (text[at] == ']')
            {
                at++;
                return result;
            }
            while (true)
            {
                result.Add(Value());
                Space();
                char c = text[at++];
                if (c == ']') return result;
                if (c != ',') throw Error("expected ',' or ']'");
            }
        }

        private string String()
        {
            if (text[at++] != '"') throw Error("expected a string");
            var result = new StringBuilder();
            while (true)
            {
                char c = text[at++];
                if (c == '"') return result.ToString();
                if (c != '\\')
                {
                    result.Append(c);
                    continue;
                }
                char e = text[at++];
                switch (e)
                {
                    case 'n': result.Append('\n'); break;
                    case 't': result.Append('\t'); break;
                    case 'r': result.Append('\r'); break;
                    case 'b': result.Append('\b'); break;
                    case 'f': result.Append('\f'); break;
                    case 'u':
                        result.Append((char)int.Parse(text.Substring(at, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        at += 4;
                        break;
                    default: result.Append(e); break;
                }
            }
        }

        private double Number()
        {
            int start = at;
            while (at < text.Length && "+-0123456789.eE".IndexOf(text[at]) >= 0) at++;
            if (start == at) throw Error("unexpected character");
            return double.Parse(text.Substring(start, at - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        public static string Write(object value)
        {
            var output = new StringBuilder();
            Write(value, output);
            return output.ToString();
        }

        private static void Write(object value, StringBuilder output)
        {
            if (value == null) output.Append("null");
            else if (value is bool) output.Append((bool)value ? "true" : "false");
            else if (value is string) Quote((string)value, output);
            else if (value is OrderedObject)
            {
                output.Append('{');
                bool first = true;
                foreach (var pair in ((OrderedObject)value).Pairs)
                {
                    if (!first) output.Append(", ");
                    first = false;
                    Quote(pair.Key, output);
                    output.Append(": ");
                    Write(pair.Value, output);
                }
                output.Append('}');
            }
            else if (value is System.Collections.IEnumerable)
            {
                output.Append('[');
                bool first = true;
                foreach (object item in (System.Collections.IEnumerable)value)
                {
                    if (!first) output.Append(", ");
                    first = false;
                    Write(item, output);
                }
                output.Append(']');
            }
            else output.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
        }

        private static void Quote(string value, StringBuilder output)
        {
            output.Append('"');
            foreach (char c in value)
            {
                if (c == '"') output.Append("\\\"");
                else if (c == '\\') output.Append("\\\\");
                else if (c < 0x20) output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else output.Append(c);
            }
            output.Append('"');
        }
    }

    /// <summary>A JSON object that keeps its keys in file order.</summary>
    public sealed class OrderedObject
    {
        public readonly List<KeyValuePair<string, object>> Pairs = new List<KeyValuePair<string, object>>();

        public void Add(string key, object value)
        {
            Pairs.Add(new KeyValuePair<string, object>(key, value));
        }

        public bool Has(string key)
        {
            foreach (var pair in Pairs) if (pair.Key == key) return true;
            return false;
        }

        public object this[string key]
        {
            get
            {
                foreach (var pair in Pairs) if (pair.Key == key) return pair.Value;
                return null;
            }
        }
    }
}
