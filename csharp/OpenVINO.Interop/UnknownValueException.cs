using System;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A field of a value class was not assigned and its value cannot be known: it comes from a native object the C
    /// API cannot read it back from (most fields of a pipeline's own config). Assign it to know it.
    /// </summary>
    public class UnknownValueException : InvalidOperationException
    {
        /// <summary>An unknown value; the message says which and why.</summary>
        public UnknownValueException(string message) : base(message)
        {
        }
    }
}
