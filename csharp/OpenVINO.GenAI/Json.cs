using System;
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
        /// <summary>True when the history holds no message (<see cref="Empty"/> is C's int flag).</summary>
        public bool IsEmpty
        {
            get { return Empty != 0; }
        }

        /// <summary>Appends the message <c>{"role": role, "content": content}</c>, as Python's
        /// <c>history.append({"role": role, "content": content})</c> (the same as <see cref="PushBack(string, string)"/>).</summary>
        public void Append(string role, string content)
        {
            PushBack(role, content);
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
