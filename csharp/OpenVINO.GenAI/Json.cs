using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace OpenVINO.GenAI
{
    public sealed partial class JsonContainer
    {
        /// <summary>The JSON text (<see cref="ToJsonString"/>).</summary>
        public override string ToString()
        {
            return ToJsonString();
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
    }

    public sealed partial class ChatHistory
    {
        /// <summary>True when the history holds no message.</summary>
        public bool IsEmpty
        {
            get { return Size == 0; }
        }

        /// <summary>Appends the message <c>{"role": role, "content": content}</c>, as Python's
        /// <c>history.append({"role": role, "content": content})</c> (the same as <see cref="PushBack(string, string)"/>).</summary>
        public void Append(string role, string content)
        {
            PushBack(role, content);
        }

        /// <summary>How many messages the history holds (<see cref="Size"/> as an int).</summary>
        public int Count
        {
            get { return checked((int)Size); }
        }

        /// <summary>The message at <paramref name="index"/> (0-based, below <see cref="Count"/>) as JSON text.</summary>
        public string this[int index]
        {
            get
            {
                if (index < 0) throw new ArgumentOutOfRangeException(nameof(index), index, "must not be negative");
                using (var message = GetMessage((ulong)index)) return message.ToJsonString();
            }
        }

        /// <summary>Appends one message given as a dictionary, as Python's <c>history.append(dict)</c>: values may be
        /// strings, booleans, numbers, null, nested dictionaries (string keys) and lists of these.</summary>
        public void Append(IDictionary<string, object> message)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            var text = new StringBuilder();
            WriteJson(text, message, nameof(message));
            using (var container = JsonContainer.FromJsonString(text.ToString())) PushBack(container);
        }

        private static void WriteJson(StringBuilder text, object value, string where)
        {
            var dict = value as IDictionary<string, object>;
            var s = value as string;
            if (value == null) text.Append("null");
            else if (s != null) text.Append(JsonContainer.Quote(s));
            else if (value is bool) text.Append((bool)value ? "true" : "false");
            else if (value is int || value is long || value is short || value is byte || value is uint || value is ulong || value is ushort || value is sbyte)
                text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            else if (value is double || value is float || value is decimal)
            {
                double d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(d) || double.IsInfinity(d)) throw new ArgumentException(where + ": JSON cannot hold " + d, where);
                text.Append(d.ToString("R", CultureInfo.InvariantCulture));
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
                    text.Append(JsonContainer.Quote(pair.Key)).Append(": ");
                    WriteJson(text, pair.Value, where + "[" + pair.Key + "]");
                }
                text.Append('}');
            }
            else if (value is System.Collections.IEnumerable)
            {
                text.Append('[');
                int i = 0;
                foreach (var item in (System.Collections.IEnumerable)value)
                {
                    if (i > 0) text.Append(", ");
                    WriteJson(text, item, where + "[" + i + "]");
                    i++;
                }
                text.Append(']');
            }
            else throw new ArgumentException(where + ": JSON cannot hold a " + value.GetType().Name, where);
        }

        /// <summary>Appends the message <c>{"role": role, "content": content}</c>.</summary>
        public void PushBack(string role, string content)
        {
            if (role == null) throw new ArgumentNullException(nameof(role));
            if (content == null) throw new ArgumentNullException(nameof(content));
            using (var message = JsonContainer.FromJsonString(
                "{\"role\": " + JsonContainer.Quote(role) + ", \"content\": " + JsonContainer.Quote(content) + "}"))
            {
                PushBack(message);
            }
        }
    }
}
