using System.Collections.Generic;

namespace OpenVINO.Interop
{
    /// <summary>
    /// What the binding knows of a pipeline's current config for the fields the C API cannot read back (the Python
    /// runtime's <c>values.Known</c>): known values (a list field that a probed field adds to holds the rest of its
    /// items), the fields found by the member probe on the live config, and why each other field is unknown.
    /// </summary>
    internal sealed class KnownConfig
    {
        internal KnownConfig(Dictionary<string, object> values, HashSet<string> probed, Dictionary<string, string> unknown,
                             Dictionary<string, object[]> keptOrSet = null)
        {
            Values = values;
            Probed = probed;
            Unknown = unknown;
            KeptOrSet = keptOrSet ?? new Dictionary<string, object[]>();
        }

        /// <summary>Known values, by neutral field name.</summary>
        internal Dictionary<string, object> Values { get; }
        /// <summary>Fields asked of the library's validate on the live config.</summary>
        internal HashSet<string> Probed { get; }
        /// <summary>Why each other field is unknown.</summary>
        internal Dictionary<string, string> Unknown { get; }
        /// <summary>After a SetGenerationConfig that left the probed field and the list it adds to empty: pipelines differ
        /// (LLM pipelines and the VLM's SDPA backend keep their own, the VLM's paged-attention backend takes the config as
        /// it is), so the live probed field decides: list -> {its items if kept (without the probed value), its value if
        /// taken as set, the probed field's value before the set (null: unknown)}.</summary>
        internal Dictionary<string, object[]> KeptOrSet { get; }
    }
}
