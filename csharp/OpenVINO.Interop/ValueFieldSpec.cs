using System.Collections.Generic;

namespace OpenVINO.Interop
{
    /// <summary>One field of a value class, rendered from the binding model (<c>ValueField</c>); support for generated code.</summary>
    public sealed class ValueFieldSpec
    {
        /// <summary>A field: its neutral name, its name in C#, kind, upstream's default and where JSON keeps it.</summary>
        public ValueFieldSpec(string name, string property, ValueKind kind, object defaultValue, object unset, bool readable,
                              string json, string jsonIf = "", IDictionary<string, string> jsonValues = null,
                              bool asSet = false, string updateAddsTo = "", bool jsonFirst = false, bool setKeeps = false)
        {
            Name = name;
            Property = property;
            Kind = kind;
            Default = defaultValue;
            Unset = unset;
            Readable = readable;
            Json = json;
            JsonIf = jsonIf;
            JsonValues = jsonValues ?? new Dictionary<string, string>();
            AsSet = asSet;
            UpdateAddsTo = updateAddsTo;
            JsonFirst = jsonFirst;
            SetKeeps = setKeeps;
        }

        /// <summary>The neutral (snake_case) name: <c>max_new_tokens</c>.</summary>
        public string Name { get; }
        /// <summary>The C# property: <c>MaxNewTokens</c>.</summary>
        public string Property { get; }
        /// <summary>What it holds.</summary>
        public ValueKind Kind { get; }
        /// <summary>Upstream's default, in the kept form (<c>ulong</c>, <c>long</c>, <c>float</c>, ...).</summary>
        public object Default { get; }
        /// <summary>The kept value meaning "not set" (shown as null), or null when the field has none.</summary>
        public object Unset { get; }
        /// <summary>The native object has a getter for it.</summary>
        public bool Readable { get; }
        /// <summary>Its key in a generation config JSON file ("" when JSON never sets it; "a.b" is nested).</summary>
        public string Json { get; }
        /// <summary>Read from JSON only when this bool field is true ("" always).</summary>
        public string JsonIf { get; }
        /// <summary>JSON value as text -> enum member name.</summary>
        public IDictionary<string, string> JsonValues { get; }
        /// <summary>Upstream shows a set: items are kept once.</summary>
        public bool AsSet { get; }
        /// <summary>Assigning it through <c>Update</c> also adds it to this list field.</summary>
        public string UpdateAddsTo { get; }
        /// <summary>A JSON list gives this scalar field its first item (other scalar fields ignore a list).</summary>
        public bool JsonFirst { get; }
        /// <summary>A pipeline's SetGenerationConfig keeps its previous value when this field is at its default.</summary>
        public bool SetKeeps { get; }
    }
}
