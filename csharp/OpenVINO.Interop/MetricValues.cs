using System;
using System.Collections.Generic;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Values of a metrics object, read once (support for generated code). A value whose native getter the loaded
    /// library lacks (a <see cref="LibraryVersionException"/> or a missing entry point) keeps that exception and
    /// throws it when the value is asked for; every other failure is thrown at once.
    /// </summary>
    public sealed class MetricValues
    {
        private readonly Dictionary<string, object> _values = new Dictionary<string, object>();
        private readonly Dictionary<string, Exception> _errors = new Dictionary<string, Exception>();

        /// <summary>Reads the value <paramref name="name"/> now.</summary>
        public void Read<T>(string name, Func<T> read)
        {
            try
            {
                _values[name] = read();
            }
            catch (LibraryVersionException ex)
            {
                _errors[name] = ex;
            }
            catch (EntryPointNotFoundException ex)
            {
                _errors[name] = ex;
            }
        }

        /// <summary>The value read as <paramref name="name"/>, or the exception reading it gave.</summary>
        public T Get<T>(string name)
        {
            Exception error;
            if (_errors.TryGetValue(name, out error)) throw error;
            return (T)_values[name];
        }
    }
}
