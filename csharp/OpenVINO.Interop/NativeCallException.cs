using System;
using System.Globalization;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A call into a native C API returned a non-OK status. <see cref="Function"/> names the C function,
    /// <see cref="StatusName"/> the status as C spells it. Each binding derives its own exception from it
    /// (<c>GenAIException</c>, <c>OpenVINOException</c>), with a generic form carrying the typed status.
    /// </summary>
    public abstract class NativeCallException : Exception
    {
        /// <summary>An error with a message of its own.</summary>
        protected NativeCallException(string message) : base(message)
        {
        }

        /// <summary>An error with a message and the exception that caused it.</summary>
        protected NativeCallException(string message, Exception innerException) : base(message, innerException)
        {
        }

        /// <summary>A failed call: which function returned which status.</summary>
        protected NativeCallException(string function, int statusCode, string statusName, string message) : base(message)
        {
            Function = function;
            StatusCode = statusCode;
            StatusName = statusName;
        }

        /// <summary>The C function that failed, or null.</summary>
        public string Function { get; }

        /// <summary>The numeric status it returned.</summary>
        public int StatusCode { get; }

        /// <summary>The C name of that status (e.g. <c>UNKNOW_EXCEPTION</c>), or null.</summary>
        public string StatusName { get; }

        /// <summary>"<c>f failed with status NAME (code)</c>", then <paramref name="detail"/> (the library's own text) when there is one.</summary>
        public static string Describe(string function, int code, string name, string detail)
        {
            return function + " failed with status " + name + " (" + code.ToString(CultureInfo.InvariantCulture) + ")"
                + (string.IsNullOrEmpty(detail) ? "" : ": " + detail);
        }
    }
}
