using OpenVINO.Interop;

namespace OpenVINO.GenAI
{
    // The docs of its public members come from bindgen/libraries/docs/genai.toml ([StreamerBase]), as Python's do.
    /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="StreamerBase"]/*'/>
    public abstract class StreamerBase : StreamerBase<StreamingStatus>
    {
        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="StreamerBase.write"]/*'/>
        public abstract override StreamingStatus Write(string chunk);

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="StreamerBase.end"]/*'/>
        public override void End()
        {
        }
    }
}
