using System;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A config read from a pipeline (<c>GetGenerationConfig</c>) before the pipeline's config was changed
    /// (<c>SetGenerationConfig</c>) in fields the object does not assign itself: using it would mix two configs.
    /// Read it again.
    /// </summary>
    public class StaleValueException : InvalidOperationException
    {
        /// <summary>A stale config; the message says what changed.</summary>
        public StaleValueException(string message) : base(message)
        {
        }
    }
}
