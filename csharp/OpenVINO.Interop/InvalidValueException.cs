using System;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A field of a value class (a generation config) breaks a rule the native library enforces; the bindings check
    /// it before the call. The message names the field, the rule and the value; <see cref="Field"/>,
    /// <see cref="Value"/> and <see cref="Rule"/> give them separately.
    /// </summary>
    public class InvalidValueException : ArgumentException
    {
        /// <summary>An invalid value of <paramref name="field"/> (as the language spells it).</summary>
        public InvalidValueException(string message, string field, object value, string rule) : base(message)
        {
            Field = field;
            Value = value;
            Rule = rule;
        }

        /// <summary>The field, e.g. <c>GenerationConfig.TopP</c>.</summary>
        public string Field { get; }

        /// <summary>Its value.</summary>
        public object Value { get; }

        /// <summary>What the library requires, e.g. <c>must be in (0, 1]</c>.</summary>
        public string Rule { get; }
    }
}
