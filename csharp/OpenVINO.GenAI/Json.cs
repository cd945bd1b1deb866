using System;
using OpenVINO.Interop;

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
            return JsonText.Quote(value);
        }
    }
}
