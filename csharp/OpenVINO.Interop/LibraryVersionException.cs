using System;

namespace OpenVINO.Interop
{
    /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="NeedsNewerLibrary"]/*'/>
    public sealed class LibraryVersionException : NotSupportedException
    {
        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="NeedsNewerLibrary.__init__"]/*'/>
        public LibraryVersionException(string message, string function, string required, string installed)
            : base(message)
        {
            Function = function;
            Required = required;
            Installed = installed;
        }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="NeedsNewerLibrary.function"]/*'/>
        public string Function { get; private set; }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="NeedsNewerLibrary.required"]/*'/>
        public string Required { get; private set; }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="NeedsNewerLibrary.installed"]/*'/>
        public string Installed { get; private set; }
    }
}
