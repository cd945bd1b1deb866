namespace OpenVINO.Interop
{
    /// <summary>What one field of a value class holds (binding model <c>FieldKind</c>); support for generated code.</summary>
    public enum ValueKind
    {
        /// <summary>An unsigned integer (C <c>size_t</c>), kept as <c>ulong</c>.</summary>
        Size,
        /// <summary>A signed 64-bit integer, kept as <c>long</c>.</summary>
        Int64,
        /// <summary>A C float.</summary>
        Float,
        /// <summary>A bool.</summary>
        Bool,
        /// <summary>A string; null when an optional one is unset.</summary>
        String,
        /// <summary>An enum value.</summary>
        Enum,
        /// <summary>A list of 64-bit integers, kept as <c>long[]</c>.</summary>
        Int64List,
        /// <summary>A list of strings, kept as <c>string[]</c>.</summary>
        StringList,
    }
}
