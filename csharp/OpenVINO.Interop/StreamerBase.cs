using System;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Base of streamer objects, an alternative to a delegate wherever a call streams text:
    /// <see cref="Write"/> receives each decoded piece of text (possibly on a native worker thread) and
    /// answers whether to go on; <see cref="End"/> runs once after the call returned, unless
    /// <see cref="Write"/> threw. Bindings derive a named class from it (OpenVINO.GenAI.StreamerBase).
    /// </summary>
    public abstract class StreamerBase<TStatus>
    {
        /// <summary>One decoded piece of text; answer the library's "running" status to go on.</summary>
        public abstract TStatus Write(string chunk);

        /// <summary>Called once after the call returned; does nothing by default.</summary>
        public virtual void End()
        {
        }
    }
}
