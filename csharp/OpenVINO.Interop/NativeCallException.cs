using System;
using System.Globalization;

namespace OpenVINO.Interop
{
    /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="NativeStatusError"]/*'/>
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

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="NativeStatusError.function"]/*'/>
        public string Function { get; }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="NativeStatusError.status"]/*'/>
        public int StatusCode { get; }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="NativeStatusError.status_name"]/*'/>
        public string StatusName { get; }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="NativeStatusError.describe"]/*'/>
        public static string Describe(string function, int code, string name, string detail)
        {
            return function + " failed with status " + name + " (" + code.ToString(CultureInfo.InvariantCulture) + ")"
                + (string.IsNullOrEmpty(detail) ? "" : ": " + detail);
        }
    }
}
