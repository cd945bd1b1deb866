using System;

namespace OpenVINO.Interop
{
    /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="InvalidValueError"]/*'/>
    public class InvalidValueException : ArgumentException
    {
        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="InvalidValueError.__init__"]/*[not(self::param) or @name="message" or @name="field" or @name="value" or @name="rule"]'/>
        public InvalidValueException(string message, string field, object value, string rule) : base(message)
        {
            Field = field;
            Value = value;
            Rule = rule;
        }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="InvalidValueError.field"]/*'/>
        public string Field { get; }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="InvalidValueError.value"]/*'/>
        public object Value { get; }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="InvalidValueError.rule"]/*'/>
        public string Rule { get; }
    }
}
