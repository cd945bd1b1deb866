using System;

namespace OpenVINO.Interop
{
    /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="UnknownValueError"]/*'/>
    public class UnknownValueException : InvalidOperationException
    {
        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="UnknownValueError.__init__"]/*'/>
        public UnknownValueException(string message) : base(message)
        {
        }
    }
}
