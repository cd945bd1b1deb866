namespace OpenVINO.Interop
{
    /// <summary>
    /// A generation whose config sets no token limit (neither the number of new tokens nor a total length; a GGUF
    /// model's own config sets none): it could run without end, so it is refused before the call. Set a limit, or
    /// assign the unset value explicitly to generate without one.
    /// </summary>
    public class NoTokenLimitException : InvalidValueException
    {
        /// <summary>A refused generation; <paramref name="field"/> names the limit to set.</summary>
        public NoTokenLimitException(string message, string field, object value, string rule)
            : base(message, field, value, rule)
        {
        }
    }
}
