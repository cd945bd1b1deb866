using System;
using OpenVINO.Interop;

namespace OpenVINO.GenAI
{
    public sealed partial class JsonContainer
    {
        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="JsonContainer.__str__"]/*'/>
        public override string ToString()
        {
            return ToJsonString();
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="JsonContainer.quote"]/*[not(self::param) or @name="value"]'/>
        public static string Quote(string value)
        {
            return JsonText.Quote(value);
        }
    }
}
