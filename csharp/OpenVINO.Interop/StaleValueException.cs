using System;

namespace OpenVINO.Interop
{
    /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="StaleValueError"]/*'/>
    public class StaleValueException : InvalidOperationException
    {
        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="StaleValueError.__init__"]/*'/>
        public StaleValueException(string message) : base(message)
        {
        }
    }
}
