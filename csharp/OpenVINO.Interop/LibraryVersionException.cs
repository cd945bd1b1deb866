using System;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A function needs a newer version of its native library than the one loaded, or the loaded library is older
    /// than the oldest version a binding knows (see <see cref="VersionDetector"/>).
    /// </summary>
    public sealed class LibraryVersionException : NotSupportedException
    {
        /// <summary>A refusal of <paramref name="function"/> (null: the whole library), which needs <paramref name="required"/>.</summary>
        /// <param name="message">What was refused and why.</param>
        /// <param name="function">The C function refused, or null.</param>
        /// <param name="required">The oldest version with it.</param>
        /// <param name="installed">The loaded version, or null when older than the oldest known one.</param>
        public LibraryVersionException(string message, string function, string required, string installed)
            : base(message)
        {
            Function = function;
            Required = required;
            Installed = installed;
        }

        /// <summary>The C function refused, or null when the whole library is refused.</summary>
        public string Function { get; private set; }

        /// <summary>The oldest library version with this function (as the binding calls it).</summary>
        public string Required { get; private set; }

        /// <summary>The loaded version as far as it could be told, or null when older than the oldest known one.</summary>
        public string Installed { get; private set; }
    }
}
