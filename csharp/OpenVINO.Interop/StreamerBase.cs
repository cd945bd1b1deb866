using System;

namespace OpenVINO.Interop
{
    /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="StreamerBase"]/*'/>
    /// <typeparam name="TStatus">The library's streaming status enumeration, whose "running" member means go on.</typeparam>
    public abstract class StreamerBase<TStatus>
    {
        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="StreamerBase.write"]/*'/>
        public abstract TStatus Write(string chunk);

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="StreamerBase.end"]/*'/>
        public virtual void End()
        {
        }
    }
}
