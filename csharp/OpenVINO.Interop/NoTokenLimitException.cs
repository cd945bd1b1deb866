namespace OpenVINO.Interop
{
    /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="NoTokenLimitError"]/*'/>
    public class NoTokenLimitException : InvalidValueException
    {
        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="NoTokenLimitError.__init__"]/*'/>
        public NoTokenLimitException(string message, string field, object value, string rule)
            : base(message, field, value, rule)
        {
        }
    }
}
