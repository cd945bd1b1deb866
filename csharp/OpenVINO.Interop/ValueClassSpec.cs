using System;
using System.Collections.Generic;

namespace OpenVINO.Interop
{
    /// <summary>What a generated value class tells the runtime (binding model <c>ValueClass</c>); support for generated code.</summary>
    public sealed class ValueClassSpec
    {
        private readonly Dictionary<string, ValueFieldSpec> _byName = new Dictionary<string, ValueFieldSpec>();

        /// <summary>A value class: its fields in setter order, its rules, the fields of which one must bound a
        /// generation, and the probe that finds a limit the C API cannot read back.</summary>
        public ValueClassSpec(string name, ValueFieldSpec[] fields, ValueRule[] rules, string[] tokenLimit,
                              string probeField, object probeValue, string pipelineJson = "", string[] memberProbe = null)
        {
            PipelineJson = pipelineJson ?? "";
            MemberProbe = memberProbe;
            Name = name;
            Fields = fields;
            Rules = rules;
            TokenLimit = tokenLimit ?? new string[0];
            ProbeField = probeField ?? "";
            ProbeValue = probeValue;
            foreach (var f in fields) _byName[f.Name] = f;
        }

        /// <summary>The class name, for messages.</summary>
        public string Name { get; }
        /// <summary>Its fields, in the order their setters are called.</summary>
        public ValueFieldSpec[] Fields { get; }
        /// <summary>Upstream's validate() rules.</summary>
        public ValueRule[] Rules { get; }
        /// <summary>Fields of which one must be set for a generation (empty: no such rule).</summary>
        public string[] TokenLimit { get; }
        /// <summary>With this field set to <see cref="ProbeValue"/>, the native validate fails exactly when no limit is set.</summary>
        public string ProbeField { get; }
        /// <summary>The value <see cref="ProbeField"/> is set to when probing for a token limit.</summary>
        public object ProbeValue { get; }

        /// <summary>A pipeline's own config starts from this file in the folder it was created from ("": unknown).</summary>
        public string PipelineJson { get; }
        /// <summary>{field, list field}: validate passes exactly when the field is unset or its value is in the list
        /// (null: none).</summary>
        public string[] MemberProbe { get; }

        /// <summary>The field of that neutral name.</summary>
        public ValueFieldSpec Field(string name)
        {
            ValueFieldSpec f;
            if (!_byName.TryGetValue(name, out f)) throw new ArgumentException(Name + " has no field " + name, nameof(name));
            return f;
        }
    }
}
