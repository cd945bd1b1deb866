using OpenVINO.Interop;

namespace OpenVINO.GenAI
{
    /// <summary>
    /// Base class of streamer objects for the pipelines' <c>Generate</c> forms: override
    /// <see cref="StreamerBase{TStatus}.Write"/> to receive each decoded piece of text and answer
    /// <see cref="StreamingStatus.Running"/> to go on, <see cref="StreamingStatus.Stop"/> to end the generation
    /// and keep what was produced, or <see cref="StreamingStatus.Cancel"/>; override
    /// <see cref="StreamerBase{TStatus}.End"/> for what to do once the generation ended. (Upstream's Python
    /// StreamerBase receives token ids; the C API gives text, so this one receives text.)
    /// </summary>
    public abstract class StreamerBase : StreamerBase<StreamingStatus>
    {
    }
}
