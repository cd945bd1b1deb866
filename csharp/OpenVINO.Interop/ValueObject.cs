using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Base of the generated value classes (<c>GenerationConfig</c>, ...): plain objects whose fields are read and
    /// written freely, with nothing to dispose. The object remembers where it came from (the library's defaults, a
    /// JSON file, or a pipeline's own config) and which fields were assigned; a call taking it makes the native object
    /// then, from that origin, and sets every assigned field on it. Reading a field that was not assigned gives the
    /// default, the JSON file's value, or (from a pipeline) the native getter's where the C API has one; otherwise it
    /// throws <see cref="UnknownValueException"/> rather than guessing. The same design as the Python runtime
    /// (genai_interop_runtime/values.py).
    /// </summary>
    public abstract class ValueObject
    {
        private const int Defaults = 0, JsonFile = 1, Pipeline = 2;

        // Per pipeline: the fields every SetGenerationConfig assigned, in order (null: a whole other config).
        private static readonly ConditionalWeakTable<object, List<HashSet<string>>> History =
            new ConditionalWeakTable<object, List<HashSet<string>>>();
        // Per pipeline and value class: what is known of its config now (guarded by History).
        private static readonly ConditionalWeakTable<object, Dictionary<string, KnownConfig>> Known =
            new ConditionalWeakTable<object, Dictionary<string, KnownConfig>>();
        // Per pipeline: member probe results by "class|field|number of sets so far" (the live config they were found on
        // does not change until the next set); NotFound stands for a probe that did not answer. Guarded by History.
        private static readonly ConditionalWeakTable<object, Dictionary<string, object>> Probed =
            new ConditionalWeakTable<object, Dictionary<string, object>>();
        private static readonly object NotFound = new object();
        // The member probe looks for the value among 0 .. ProbeLimit - 1 (token ids), in growing ranges.
        private const int ProbeLimit = 1 << 20, ProbeFirst = 1 << 8;

        private readonly ValueClassSpec _spec;
        private readonly int _origin;
        private readonly string _jsonPath;
        private readonly Dictionary<string, object> _jsonValues;
        private readonly WeakReference _pipeline;
        private readonly Func<NativeObject> _fetch;
        private readonly int _epoch;
        private Dictionary<string, object> _read;  // a pipeline's readable fields, read once
        private readonly KnownConfig _known;  // a pipeline's other fields, as known when read
        private readonly Dictionary<string, object> _probes;  // member probe results (null: not confirmed), found once
        private readonly Dictionary<string, object> _assigned = new Dictionary<string, object>();

        /// <summary>The library's defaults.</summary>
        protected ValueObject(ValueClassSpec spec)
        {
            _spec = spec;
            _origin = Defaults;
        }

        /// <summary>The settings of a generation config JSON file, read as the library reads it.</summary>
        protected ValueObject(ValueClassSpec spec, string jsonPath)
        {
            if (jsonPath == null) throw new ArgumentNullException(nameof(jsonPath));
            _spec = spec;
            _origin = JsonFile;
            _jsonPath = jsonPath;
            _jsonValues = ReadJson(spec, jsonPath);
        }

        /// <summary>A pipeline's own config; <paramref name="fetch"/> reads it natively.</summary>
        protected ValueObject(ValueClassSpec spec, object pipeline, Func<NativeObject> fetch)
        {
            // A disposed pipeline has no config to give: refused now, not at a later read of the fields it would fetch.
            var owner = pipeline as NativeObject;
            if (owner != null && owner.IsDisposed) throw new ObjectDisposedException(owner.GetType().Name);
            _spec = spec;
            _origin = Pipeline;
            _pipeline = new WeakReference(pipeline);
            _fetch = fetch;
            _read = ReadNow();  // a config read before its pipeline was disposed still answers (a value)
            _known = KnownFor(spec, pipeline);
            _probes = new Dictionary<string, object>();
            lock (History) _epoch = History.GetOrCreateValue(pipeline).Count;
        }

        /// <summary>A copy of <paramref name="other"/>: same origin, same assigned fields.</summary>
        protected ValueObject(ValueObject other)
        {
            _spec = other._spec;
            _origin = other._origin;
            _jsonPath = other._jsonPath;
            _jsonValues = other._jsonValues;
            _pipeline = other._pipeline;
            _fetch = other._fetch;
            _epoch = other._epoch;
            _read = other._read;
            _known = other._known;
            _probes = other._probes;
            foreach (var pair in other._assigned) _assigned[pair.Key] = Copy(pair.Value);
        }

        /// <summary>The fields assigned on this object (the others come from its origin), in field order.</summary>
        public IReadOnlyList<string> AssignedFields
        {
            get { return _spec.Fields.Where(f => _assigned.ContainsKey(f.Name)).Select(f => f.Property).ToList(); }
        }

        /// <summary>The class, the assigned properties with their values, and where the others come from, e.g.
        /// <c>GenerationConfig(MaxNewTokens = 8; from the library's defaults)</c> (Python's repr says the same).</summary>
        public override string ToString()
        {
            var parts = AssignedFields.Select(p => p + " = " + Shown(GetType().GetProperty(p).GetValue(this, null)));
            string from = _origin == Defaults ? "the library's defaults"
                : _origin == JsonFile ? "the file '" + _jsonPath + "'" : "a pipeline's own config";
            return _spec.Name + "(" + string.Join(", ", parts) + "; from " + from + ")";
        }

        private static string Shown(object value)
        {
            if (value == null) return "null";
            if (value is string) return "\"" + value + "\"";
            if (value is bool) return (bool)value ? "true" : "false";
            if (value is float) return ((float)value).ToString("R", CultureInfo.InvariantCulture);
            var items = value as System.Collections.IEnumerable;
            if (items != null) return "[" + string.Join(", ", items.Cast<object>().Select(Shown)) + "]";
            return Convert.ToString(value, CultureInfo.InvariantCulture);
        }

        // -- hooks of the generated class --

        /// <summary>A native object with the library's defaults.</summary>
        protected abstract NativeObject CreateNative();
        /// <summary>A native object read from a JSON file.</summary>
        protected abstract NativeObject CreateNativeFromJson(string path);
        /// <summary>Sets one field (kept form) on a native object of this class.</summary>
        protected abstract void Apply(NativeObject native, string field, object value);
        /// <summary>Reads one readable field (kept form) of a native object of this class.</summary>
        protected abstract object Read(NativeObject native, string field);
        /// <summary>The native validate (throws the binding's exception when the library refuses).</summary>
        protected abstract void ValidateNative(NativeObject native);

        // -- fields --

        /// <summary>The value of a field in its kept form (<c>ulong</c>, <c>long</c>, <c>float</c>, <c>bool</c>,
        /// an enum, <c>string</c>, <c>long[]</c>, <c>string[]</c>).</summary>
        protected object Get(string name)
        {
            object value;
            if (_assigned.TryGetValue(name, out value)) return Copy(value);
            bool known;
            value = FromOrigin(_spec.Field(name), out known);
            if (!known)
            {
                var f = _spec.Field(name);
                throw new UnknownValueException(_spec.Name + "." + f.Property + " was not assigned and comes from the "
                    + "pipeline's own config: " + UnknownReason(f) + "; assign it to know its value");
            }
            return value;
        }

        /// <summary>Assigns a field (kept form, already checked by the generated property).</summary>
        protected void Set(string name, object value)
        {
            var f = _spec.Field(name);
            if (f.AsSet && value is long[]) value = ((long[])value).Distinct().ToArray();
            if (f.AsSet && value is string[]) value = ((string[])value).Distinct().ToArray();
            _assigned[name] = Copy(value);
        }

        /// <summary>After any update: as upstream's update does whatever fields it was given, the value in effect of
        /// <paramref name="name"/> (assigned now, before, or the origin's) that also belongs to another list (an
        /// end-of-sequence token is a stop token) is added to it when both are known.</summary>
        protected void AlsoAdd(string name)
        {
            var f = _spec.Field(name);
            if (f.UpdateAddsTo.Length == 0) return;
            bool known, knownValue;
            object items, value;
            try
            {
                value = Effective(name, out knownValue);
                items = Effective(f.UpdateAddsTo, out known);
            }
            catch (InvalidOperationException)
            {
                return;
            }
            if (!knownValue || value == null || Equals(value, f.Unset)) return;
            var list = items as long[];
            if (known && list != null && value is long && !list.Contains((long)value))
                _assigned[f.UpdateAddsTo] = list.Concat(new[] { (long)value }).ToArray();
        }

        private object FromOrigin(ValueFieldSpec f, out bool known)
        {
            known = true;
            if (_origin == Defaults) return Copy(f.Default);
            if (_origin == JsonFile)
            {
                object v;
                return _jsonValues.TryGetValue(f.Name, out v) ? Copy(v) : Copy(f.Default);
            }
            if (!f.Readable) return FromKnown(f, out known);
            CheckFresh(Enumerable.Empty<string>());
            return Copy(_read[f.Name]);
        }

        // The fields the C API reads back, from the pipeline's config now.
        private Dictionary<string, object> ReadNow()
        {
            var read = new Dictionary<string, object>();
            using (var native = _fetch())
            {
                foreach (var g in _spec.Fields.Where(x => x.Readable)) read[g.Name] = Read(native, g.Name);
            }
            return read;
        }

        private object Effective(string name, out bool known)
        {
            object value;
            known = true;
            if (_assigned.TryGetValue(name, out value)) return value;
            return FromOrigin(_spec.Field(name), out known);
        }

        private static object Copy(object value)
        {
            var longs = value as long[];
            if (longs != null) return longs.ToArray();
            var strings = value as string[];
            if (strings != null) return strings.ToArray();
            return value;
        }

        /// <summary>True when every condition (field, op, operand) of one alternative holds: upstream's
        /// <c>is_beam_search()</c> etc., read from the fields; <see cref="UnknownValueException"/> when a field it
        /// needs cannot be known.</summary>
        protected bool Predicate(object[][][] alternatives)
        {
            foreach (var alternative in alternatives)
            {
                bool holds = true;
                foreach (var cond in alternative)
                {
                    object value = Get((string)cond[0]);
                    if (!Holds(value, (string)cond[1], cond[2]))
                    {
                        holds = false;
                        break;
                    }
                }
                if (holds) return true;
            }
            return false;
        }

        /// <summary>True when the config <paramref name="config"/> gives is known to meet every condition (field, op, operand) of
        /// one alternative; false when it does not or a field it needs cannot be known (never a guess). Support
        /// for generated code (<c>[conventions.calls] lone_score</c>).</summary>
        public static bool Meets(Func<ValueObject> config, object[][][] alternatives)
        {
            ValueObject value;
            try
            {
                value = config();
            }
            catch (Exception e) when (e is InvalidOperationException || e is NativeCallException)
            {
                return false;
            }
            if (value == null) return false;
            foreach (var alternative in alternatives)
            {
                bool holds = true;
                foreach (var cond in alternative)
                {
                    bool known;
                    object v;
                    try
                    {
                        v = value.Effective((string)cond[0], out known);
                    }
                    catch (Exception e) when (e is InvalidOperationException || e is NativeCallException)
                    {
                        return false;
                    }
                    if (!known || !Holds(v, (string)cond[1], cond[2]))
                    {
                        holds = false;
                        break;
                    }
                }
                if (holds) return true;
            }
            return false;
        }

        // -- the rules --

        /// <summary>Checks the rules the library enforces on every value this object knows; throws
        /// <see cref="InvalidValueException"/> naming the field, the rule and the value.</summary>
        public void Validate()
        {
            var known = new Dictionary<string, object>();
            foreach (var f in _spec.Fields)
            {
                try
                {
                    bool k;
                    object v = Effective(f.Name, out k);
                    if (k) known[f.Name] = v;
                }
                catch (InvalidOperationException)
                {
                }
            }
            foreach (var rule in _spec.Rules)
            {
                object value;
                if (!known.TryGetValue(rule.Field, out value)) continue;
                bool applies = true;
                foreach (var cond in rule.When)
                {
                    object rhs;
                    if (!known.ContainsKey((string)cond[0]) || !Operand(known, cond[2], out rhs)
                        || !Holds(known[(string)cond[0]], (string)cond[1], rhs))
                    {
                        applies = false;
                        break;
                    }
                }
                if (!applies) continue;
                foreach (var check in rule.Check)
                {
                    object rhs;
                    if (Operand(known, check[1], out rhs) && !Holds(value, (string)check[0], rhs))
                    {
                        var f = _spec.Field(rule.Field);
                        throw new InvalidValueException(_spec.Name + "." + f.Property + " " + rule.Says + " (got " + Show(value) + ")",
                                                        _spec.Name + "." + f.Property, value, rule.Says);
                    }
                }
            }
        }

        private static bool Operand(Dictionary<string, object> known, object operand, out object value)
        {
            var name = operand as string;
            if (name != null && name.StartsWith("@", StringComparison.Ordinal))
                return known.TryGetValue(name.Substring(1), out value);
            value = operand;
            return true;
        }

        private static bool IsNumber(object v)
        {
            return v is ulong || v is long || v is float || v is double || v is int || v is bool || v is Enum;
        }

        private static double Number(object v)
        {
            if (v is bool) return (bool)v ? 1 : 0;
            if (v is Enum) return Convert.ToDouble(Convert.ToInt64(v, CultureInfo.InvariantCulture));
            return Convert.ToDouble(v, CultureInfo.InvariantCulture);
        }

        private static bool Same(object a, object b)
        {
            if (a == null || b == null) return a == null && b == null;
            if (IsNumber(a) && IsNumber(b)) return Number(a) == Number(b);
            return a.Equals(b);
        }

        private static bool Holds(object value, string op, object operand)
        {
            switch (op)
            {
                case "==": return Same(value, operand);
                case "!=": return !Same(value, operand);
                case "<": return Number(value) < Number(operand);
                case "<=": return Number(value) <= Number(operand);
                case ">": return Number(value) > Number(operand);
                case ">=": return Number(value) >= Number(operand);
                case "multiple_of":
                    return Number(operand) != 0 && Math.IEEERemainder(Number(value), Number(operand)) == 0;
                case "contains": return ((System.Collections.IEnumerable)value).Cast<object>().Any(x => Same(x, operand));
                case "each>=": return ((System.Collections.IEnumerable)value).Cast<object>().All(x => Number(x) >= Number(operand));
                case "in": return ((object[])operand).Any(x => Same(value, x));
                case "set": return value != null;
                case "unset": return value == null;
                default: throw new InvalidOperationException("unknown rule op " + op);
            }
        }

        private static string Show(object value)
        {
            if (value == null) return "None";
            if (value is float) return ((float)value).ToString("G", CultureInfo.InvariantCulture);
            if (value is double) return ((double)value).ToString("G", CultureInfo.InvariantCulture);
            if (value is string) return "'" + value + "'";
            if (value is Enum) return value.ToString();
            var longs = value as long[];
            if (longs != null) return "{" + string.Join(", ", longs.OrderBy(x => x).Select(x => x.ToString(CultureInfo.InvariantCulture))) + "}";
            var strings = value as string[];
            if (strings != null) return "{" + string.Join(", ", strings.OrderBy(x => x, StringComparer.Ordinal).Select(x => "'" + x + "'")) + "}";
            return Convert.ToString(value, CultureInfo.InvariantCulture);
        }

        // -- the native object --

        private void CheckFresh(IEnumerable<string> assigned)
        {
            object pipeline = _pipeline.Target;
            if (pipeline == null)
                throw new StaleValueException(_spec.Name + ": the pipeline this config was read from is gone");
            List<HashSet<string>> later;
            lock (History) later = History.GetOrCreateValue(pipeline).Skip(_epoch).ToList();
            var mine = new HashSet<string>(assigned);
            foreach (var changed in later)
            {
                if (changed == null || !changed.IsSubsetOf(mine))
                {
                    string what = changed == null ? "replaced it"
                        : "changed " + string.Join(", ", changed.Where(x => !mine.Contains(x)).OrderBy(x => x, StringComparer.Ordinal));
                    throw new StaleValueException(_spec.Name + ": this config was read from the pipeline before SetGenerationConfig "
                        + what + "; read it again with GetGenerationConfig()");
                }
            }
        }

        /// <summary>The pipeline's native config, which needs the pipeline: when it is disposed, says what to do instead.</summary>
        private NativeObject FetchLive()
        {
            var owner = _pipeline.Target as NativeObject;
            if (owner != null && owner.IsDisposed)
                throw new ObjectDisposedException(owner.GetType().Name, "this " + _spec.Name + " was read from an "
                    + owner.GetType().Name + " that is disposed, and needs it (for the native config a call makes, or a "
                    + "field read from its live config): read the config again with GetGenerationConfig() of a live pipeline, "
                    + "or start from new " + _spec.Name + "()");
            return _fetch();
        }

        /// <summary>A new native object: the origin's, with every assigned field set in field order. The caller disposes it.</summary>
        protected NativeObject MakeNative()
        {
            if (_origin == Pipeline) CheckFresh(_assigned.Keys);
            NativeObject native = _origin == Defaults ? CreateNative() : _origin == JsonFile ? CreateNativeFromJson(_jsonPath) : FetchLive();
            try
            {
                foreach (var f in _spec.Fields)
                {
                    object value;
                    if (_assigned.TryGetValue(f.Name, out value)) Apply(native, f.Name, Copy(value));
                }
                return native;
            }
            catch
            {
                native.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The native argument for a call taking a value class (support for generated code): null when
        /// <paramref name="value"/> is null (the pipeline's own config is used); otherwise it is validated and made native
        /// (the caller disposes it). For a generation (<paramref name="generates"/>) the effective config must have a
        /// token limit; <paramref name="ownConfig"/> gives the pipeline's own config when no value is passed.
        /// </summary>
        public static NativeObject ForCall(ValueObject value, Func<ValueObject> ownConfig, bool generates)
        {
            if (value == null)
            {
                if (generates && ownConfig != null)
                {
                    var own = ownConfig();
                    if (own != null && own._spec.TokenLimit.Length > 0) own.CheckTokenLimit();
                }
                return null;
            }
            if (!generates && ownConfig != null)
            {
                var own = ownConfig();  // the config is about to change
                if (own != null) own.ResolveProbed();
            }
            value.Validate();
            if (generates) value.CheckTokenLimit();
            return value.MakeNative();
        }

        /// <summary>After <paramref name="pipeline"/>'s config became <paramref name="value"/>: objects read from it
        /// before no longer describe it where <paramref name="value"/> changed it (support for generated code).</summary>
        public static void RecordSet(object pipeline, ValueObject value)
        {
            HashSet<string> changed = null;
            if (value._origin == Pipeline && ReferenceEquals(value._pipeline.Target, pipeline))
                changed = new HashSet<string>(value._assigned.Keys);
            KnownConfig after = value.AfterSet(pipeline, KnownFor(value._spec, pipeline));
            lock (History)
            {
                History.GetOrCreateValue(pipeline).Add(changed);
                Known.GetOrCreateValue(pipeline)[value._spec.Name] = after;
            }
        }

        // -- a pipeline's own config: what the C API cannot read back --

        private static KnownConfig NoSource(ValueClassSpec spec, string why)
        {
            return new KnownConfig(new Dictionary<string, object>(), new HashSet<string>(),
                                   spec.Fields.Where(f => !f.Readable).ToDictionary(f => f.Name, f => why));
        }

        /// <summary>What a pipeline's config is right after its creation: <see cref="ValueClassSpec.PipelineJson"/> in
        /// its model folder as the library reads it (the defaults when there is none), the member probe's field left to
        /// the probe when the file does not set it (the pipeline takes it from its tokenizer).</summary>
        private static KnownConfig Initial(ValueClassSpec spec, object pipeline)
        {
            const string cant = "the C API cannot read it back";
            if (spec.PipelineJson.Length == 0) return NoSource(spec, cant);
            string path;
            DateTime created;
            if (!FailureDiagnosis.TryModelOf(pipeline, out path, out created))
                return NoSource(spec, cant + " and the binding does not know which model the pipeline was created from");
            var values = new Dictionary<string, object>();
            try
            {
                if (Directory.Exists(path))
                {
                    if (Directory.GetLastWriteTimeUtc(path) > created)
                        return NoSource(spec, cant + ", and the model folder '" + path + "' changed after the pipeline was created "
                            + "(so its " + spec.PipelineJson + " may not be what the pipeline read)");
                    string file = Path.Combine(path, spec.PipelineJson);
                    if (File.Exists(file))
                    {
                        if (File.GetLastWriteTimeUtc(file) > created)
                            return NoSource(spec, cant + ", and '" + file + "' changed after the pipeline was created");
                        values = ReadJsonValues(spec, LoadLibraryJson(file));
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException)
            {
                return NoSource(spec, cant + ", and reading the model's " + spec.PipelineJson + " failed: " + e.Message);
            }
            var full = new Dictionary<string, object>();
            foreach (var f in spec.Fields.Where(x => !x.Readable))
            {
                object v;
                full[f.Name] = values.TryGetValue(f.Name, out v) ? v : Copy(f.Default);
            }
            var probed = new HashSet<string>();
            if (spec.MemberProbe != null)
            {
                string name = spec.MemberProbe[0];
                object v;
                if (full.TryGetValue(name, out v) && Same(v, spec.Field(name).Unset))
                {
                    full.Remove(name);  // the pipeline takes it from its tokenizer: asked of the live config
                    probed.Add(name);
                }
            }
            return new KnownConfig(full, probed, new Dictionary<string, string>());
        }

        private static KnownConfig KnownFor(ValueClassSpec spec, object pipeline)
        {
            KnownConfig known;
            lock (History)
            {
                if (Known.GetOrCreateValue(pipeline).TryGetValue(spec.Name, out known)) return known;
            }
            known = Initial(spec, pipeline);
            lock (History)
            {
                var table = Known.GetOrCreateValue(pipeline);
                KnownConfig earlier;
                if (table.TryGetValue(spec.Name, out earlier)) return earlier;
                table[spec.Name] = known;
            }
            return known;
        }

        private static bool IsDefault(ValueFieldSpec f, object v)
        {
            var longs = v as long[];
            if (longs != null) return longs.Length == 0 && f.Default is long[] && ((long[])f.Default).Length == 0;
            var strings = v as string[];
            if (strings != null) return strings.Length == 0 && f.Default is string[] && ((string[])f.Default).Length == 0;
            return Same(v, f.Default);
        }

        /// <summary>A field carried over from <paramref name="source"/>: true and its value where known; else it stays
        /// probed or unknown (with the source's reason) in the config being made.</summary>
        private static bool Carried(KnownConfig source, string name, HashSet<string> probed, Dictionary<string, string> unknown, out object value)
        {
            if (source.Values.TryGetValue(name, out value)) return true;
            string why;
            if (source.Probed.Contains(name)) probed.Add(name);
            else unknown[name] = source.Unknown.TryGetValue(name, out why) ? why : "";
            return false;
        }

        /// <summary>What a pipeline's config is after SetGenerationConfig(this) succeeded: this object's fields; the member
        /// probe's field left at its default is read from the live config, the list it adds to left empty is decided by it
        /// (<see cref="KnownConfig.KeptOrSet"/>), other <see cref="ValueFieldSpec.SetKeeps"/> fields at their default keep
        /// the value before; then a field's value joins the list it adds to.</summary>
        private KnownConfig AfterSet(object pipeline, KnownConfig before)
        {
            var values = new Dictionary<string, object>();
            var probed = new HashSet<string>();
            var unknown = new Dictionary<string, string>();
            var alternatives = new Dictionary<string, object[]>();
            bool same = _origin == Pipeline && _known != null && ReferenceEquals(_pipeline.Target, pipeline);
            string member = _spec.MemberProbe != null ? _spec.MemberProbe[0] : "";
            string through = _spec.MemberProbe != null ? _spec.MemberProbe[1] : "";
            foreach (var f in _spec.Fields.Where(x => !x.Readable))
            {
                object v;
                string why;
                if (!_assigned.ContainsKey(f.Name) && same)
                {
                    if (!Carried(_known, f.Name, probed, unknown, out v)) continue;  // the pipeline's config it was read from
                }
                else
                {
                    bool ok;
                    try
                    {
                        v = Effective(f.Name, out ok);
                    }
                    catch (InvalidOperationException)
                    {
                        ok = false;
                        v = null;
                    }
                    if (!ok)
                    {
                        unknown[f.Name] = "the config set with SetGenerationConfig did not know it";
                        continue;
                    }
                }
                if (f.SetKeeps && IsDefault(f, v))
                {
                    if (f.Name == member)
                    {
                        probed.Add(f.Name);  // whatever the pipeline did, the live config tells
                        continue;
                    }
                    if (f.Name == through)
                    {
                        object kept, earlier;
                        if (!before.Values.TryGetValue(through, out kept))
                        {
                            unknown[f.Name] = before.Unknown.TryGetValue(f.Name, out why) ? why : "";
                            continue;
                        }
                        before.Values.TryGetValue(member, out earlier);
                        alternatives[f.Name] = new[] { Copy(kept), Copy(v), earlier };
                        continue;
                    }
                    if (!Carried(before, f.Name, probed, unknown, out v)) continue;
                }
                values[f.Name] = Copy(v);
            }
            foreach (var f in _spec.Fields)
            {
                string target = f.UpdateAddsTo;
                object v, items;
                if (target.Length == 0 || !values.TryGetValue(target, out items)) continue;
                if (values.TryGetValue(f.Name, out v) && !Same(v, f.Unset)) values[target] = WithItem((long[])items, (long)v);
            }
            return new KnownConfig(values, probed, unknown, alternatives);
        }

        private static long[] WithItem(long[] items, long item)
        {
            return items.Contains(item) ? items.ToArray() : items.Concat(new[] { item }).ToArray();
        }

        /// <summary>Before this pipeline-origin object's pipeline gets another config: finds the fields read from the live
        /// config now (the probe cannot find their values before the change afterwards), so what a set keeps is known.</summary>
        private void ResolveProbed()
        {
            if (_origin != Pipeline || _known == null || _spec.MemberProbe == null) return;
            string member = _spec.MemberProbe[0], through = _spec.MemberProbe[1];
            if (!_known.Probed.Contains(member)) return;
            var values = new Dictionary<string, object>(_known.Values);
            var keptOrSet = new Dictionary<string, object[]>(_known.KeptOrSet);
            var unknown = new Dictionary<string, string>(_known.Unknown);
            foreach (var name in new[] { member, through })
            {
                if (!_known.Probed.Contains(name) && !_known.KeptOrSet.ContainsKey(name) && !_known.Values.ContainsKey(name)) continue;
                bool ok;
                object value = FromKnown(_spec.Field(name), out ok);
                if (!ok) return;  // the probe does not answer: nothing to learn
                values[name] = value;
                keptOrSet.Remove(name);
                unknown.Remove(name);
            }
            var probed = new HashSet<string>(_known.Probed);
            probed.Remove(member);
            probed.Remove(through);
            var resolved = new KnownConfig(values, probed, unknown, keptOrSet);
            object pipeline = _pipeline.Target;
            if (pipeline == null) return;
            lock (History)
            {
                var table = Known.GetOrCreateValue(pipeline);
                KnownConfig current;
                if (table.TryGetValue(_spec.Name, out current) && ReferenceEquals(current, _known)) table[_spec.Name] = resolved;
            }
        }

        private object FromKnown(ValueFieldSpec f, out bool known)
        {
            known = false;
            if (_known == null) return null;
            if (_known.Probed.Contains(f.Name))
            {
                CheckFresh(Enumerable.Empty<string>());
                object found = Probe(f);
                known = found != null;
                return found;
            }
            object[] alternative;
            if (_known.KeptOrSet.TryGetValue(f.Name, out alternative))
            {
                CheckFresh(Enumerable.Empty<string>());
                var g = _spec.Field(_spec.MemberProbe[0]);
                object live = Probe(g);
                if (live == null) return null;
                if (!Same(live, g.Unset))  // kept: taking the config as set would have left it unset
                {
                    known = true;
                    return WithItem((long[])alternative[0], (long)live);
                }
                if (alternative[2] != null && !Same(alternative[2], g.Unset))  // set before, not now: taken as set
                {
                    known = true;
                    return Copy(alternative[1]);
                }
                return null;
            }
            object value;
            if (!_known.Values.TryGetValue(f.Name, out value)) return null;
            value = Copy(value);
            foreach (var g in _spec.Fields.Where(x => x.UpdateAddsTo == f.Name && _known.Probed.Contains(x.Name)))
            {
                CheckFresh(Enumerable.Empty<string>());
                object found = Probe(g);
                if (found == null) return null;
                if (!Same(found, g.Unset))
                {
                    var list = ((long[])value).ToList();
                    if (!list.Contains((long)found)) list.Add((long)found);
                    value = list.ToArray();
                }
            }
            known = true;
            return value;
        }

        /// <summary><paramref name="f"/>'s value in the live config, asked of the library's validate (the member probe);
        /// null when it does not answer (the config does not validate, or the value is out of the searched range).</summary>
        private object Probe(ValueFieldSpec f)
        {
            lock (_probes)
            {
                object cached;
                if (_probes.TryGetValue(f.Name, out cached)) return cached;
            }
            object pipeline = _pipeline.Target;
            string key = _spec.Name + "|" + f.Name + "|" + _epoch.ToString(CultureInfo.InvariantCulture);
            if (pipeline != null)
            {
                lock (History)
                {
                    object cached;
                    if (Probed.GetOrCreateValue(pipeline).TryGetValue(key, out cached))
                    {
                        cached = ReferenceEquals(cached, NotFound) ? null : cached;
                        lock (_probes) _probes[f.Name] = cached;
                        return cached;
                    }
                }
            }
            string through = _spec.MemberProbe[1];
            Func<long, long, bool> passes = (first, end) =>
            {
                using (var native = FetchLive())
                {
                    try
                    {
                        var ids = new long[end - first];
                        for (long i = 0; i < ids.Length; i++) ids[i] = first + i;
                        Apply(native, through, ids);
                        ValidateNative(native);
                        return true;
                    }
                    catch (NativeCallException)
                    {
                        return false;
                    }
                }
            };
            object found = null;
            long stop = ProbeFirst;
            while (stop <= ProbeLimit && !passes(0, stop)) stop *= 16;
            if (stop <= ProbeLimit)
            {
                long start = 0;
                while (stop - start > 1)
                {
                    long middle = (start + stop) / 2;
                    if (passes(start, middle)) stop = middle;
                    else start = middle;
                }
                // Membership decides only when the field is set: with it unset, any list passes.
                found = passes(start + 1, start + 2) ? f.Unset : (object)start;
            }
            lock (_probes) _probes[f.Name] = found;
            if (pipeline != null)
            {
                lock (History) Probed.GetOrCreateValue(pipeline)[key] = found ?? NotFound;
            }
            return found;
        }

        private string UnknownReason(ValueFieldSpec f)
        {
            string why = "";
            if (_known != null)
            {
                _known.Unknown.TryGetValue(f.Name, out why);
                if (_known.KeptOrSet.ContainsKey(f.Name))
                    why = "after SetGenerationConfig left " + f.Property + " empty, the pipeline kept its own or took the empty "
                        + "one (pipelines differ), and the library's validate did not tell which";
                else if (_known.Probed.Contains(f.Name)
                    || _spec.Fields.Any(g => g.UpdateAddsTo == f.Name && _known.Probed.Contains(g.Name)))
                {
                    string probed = _spec.MemberProbe != null ? _spec.Field(_spec.MemberProbe[0]).Property : f.Property;
                    why = "the pipeline takes " + probed + " from its tokenizer, and the library's validate did not confirm one "
                        + "value for it (the pipeline's config does not validate, or the token id is not below "
                        + ProbeLimit.ToString(CultureInfo.InvariantCulture) + ")";
                }
            }
            return string.IsNullOrEmpty(why) ? "the C API cannot read it back" : why;
        }

        private void CheckTokenLimit()
        {
            var limit = _spec.TokenLimit;
            if (limit.Length == 0 || limit.Any(name => _assigned.ContainsKey(name))) return;
            bool unknown = false;
            foreach (var name in limit)
            {
                bool known;
                object v;
                try
                {
                    v = Effective(name, out known);
                }
                catch (InvalidOperationException)
                {
                    return;  // the native call will say what is wrong
                }
                if (!known) unknown = true;
                else if (!Same(v, _spec.Field(name).Unset)) return;
            }
            if (unknown)
            {
                if (_spec.ProbeField.Length == 0) return;
                // The C API cannot read these back: ask the library. With the probe field set, validate fails
                // only when no limit is set (provided the unchanged object validates).
                using (var plain = MakeNative())
                {
                    try
                    {
                        ValidateNative(plain);
                    }
                    catch (NativeCallException)
                    {
                        return;
                    }
                }
                using (var probe = MakeNative())
                {
                    Apply(probe, _spec.ProbeField, _spec.ProbeValue);
                    try
                    {
                        ValidateNative(probe);
                        return;
                    }
                    catch (NativeCallException)
                    {
                    }
                }
            }
            var first = _spec.Field(limit[0]);
            var others = limit.Skip(1).Select(n => _spec.Field(n).Property).ToList();
            var all = limit.Select(n => _spec.Field(n).Property).ToList();
            string message = _spec.Name + " sets no token limit: " + string.Join(" and ", all)
                + (all.Count == 2 ? " are both unset" : all.Count > 2 ? " are all unset" : " is unset")
                + " (" + (_origin == JsonFile ? "the file '" + _jsonPath + "' sets none"
                          : _origin == Pipeline ? "the pipeline's own config, read from its model, sets none: a .gguf file never does"
                          : "the library's defaults set none")
                + "), so generate could run without end. Set " + first.Property
                + (others.Count > 0 ? " (or " + string.Join(" or ", others) + ")" : "")
                + " on the config, e.g. " + first.Property + " = 256; to generate without a limit on purpose, assign "
                + first.Property + " = null explicitly";
            throw new NoTokenLimitException(message, _spec.Name + "." + first.Property, null,
                                            "one of " + string.Join(", ", all) + " must be set");
        }

        // -- JSON --

        private static readonly System.Text.Encoding StrictUtf8 = new System.Text.UTF8Encoding(false, true);

        /// <summary>A JSON file as the library parses it: UTF-8, a byte order mark skipped (measured, 2026.3); File.ReadAllText
        /// would also take UTF-16 and UTF-32 by their marks and replace bytes that are not UTF-8, where the library fails.
        /// FormatException for text that is not UTF-8 or not JSON.</summary>
        private static object LoadLibraryJson(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            string text;
            try
            {
                text = StrictUtf8.GetString(bytes, start, bytes.Length - start);
            }
            catch (System.Text.DecoderFallbackException e)
            {
                throw new FormatException("not UTF-8 text: " + e.Message, e);
            }
            return JsonText.Parse(text);
        }

        private static Dictionary<string, object> ReadJson(ValueClassSpec spec, string path)
        {
            object data;
            try
            {
                data = LoadLibraryJson(path);
            }
            catch (IOException e)
            {
                throw new FileNotFoundException(spec.Name + ": cannot open '" + path + "': " + e.Message, path, e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new FileNotFoundException(spec.Name + ": cannot open '" + path + "': " + e.Message, path, e);
            }
            catch (FormatException e)
            {
                throw new FormatException(spec.Name + ": '" + path + "' is " + e.Message, e);
            }
            try
            {
                return ReadJsonValues(spec, data);
            }
            catch (FormatException e)
            {
                throw new FormatException(spec.Name + ": '" + path + "': " + e.Message, e);
            }
        }

        /// <summary>The fields a generation config JSON document sets, read as the library reads it (measured on
        /// 2026.3): a document that is no object sets nothing; null is absent; a list into a scalar field (unless
        /// <see cref="ValueFieldSpec.JsonFirst"/>: its first item) or a scalar into a list field is ignored; an enum
        /// takes only the JSON values it lists; a float into an integer field is truncated, a negative into an unsigned
        /// one wraps; any other type is a FormatException naming the key. A value set in a field with
        /// <see cref="ValueFieldSpec.UpdateAddsTo"/> joins that list.</summary>
        internal static Dictionary<string, object> ReadJsonValues(ValueClassSpec spec, object data)
        {
            var values = new Dictionary<string, object>();
            var obj = data as Dictionary<string, object>;
            if (obj == null) return values;
            foreach (var f in spec.Fields)
            {
                if (f.Json.Length == 0) continue;
                if (f.JsonIf.Length > 0)
                {
                    object flag;
                    if (!(values.TryGetValue(f.JsonIf, out flag) ? (bool)flag : (bool)spec.Field(f.JsonIf).Default)) continue;
                }
                object node = obj;
                foreach (var part in f.Json.Split('.'))
                {
                    var map = node as Dictionary<string, object>;
                    if (map == null || !map.TryGetValue(part, out node))
                    {
                        node = null;
                        break;
                    }
                }
                if (node == null) continue;
                object value;
                try
                {
                    value = FromJson(f, node);
                }
                catch (Exception e) when (e is FormatException || e is InvalidCastException || e is OverflowException)
                {
                    throw new FormatException(f.Json + ": " + e.Message, e);
                }
                if (value != Ignored) values[f.Name] = value;
            }
            foreach (var f in spec.Fields)
            {
                object value;
                if (f.UpdateAddsTo.Length == 0 || !values.TryGetValue(f.Name, out value) || Equals(value, f.Unset)) continue;
                object ids;
                var list = values.TryGetValue(f.UpdateAddsTo, out ids) ? ((long[])ids).ToList() : new List<long>();
                if (!list.Contains((long)value)) list.Add((long)value);
                values[f.UpdateAddsTo] = list.ToArray();
            }
            return values;
        }

        private static readonly object Ignored = new object();

        private static object FromJson(ValueFieldSpec f, object raw)
        {
            if (f.JsonValues.Count > 0)
            {
                string text = raw is bool ? ((bool)raw ? "true" : "false") : raw is string ? JsonText.Quote((string)raw) : null;
                string member;
                if (text == null || !f.JsonValues.TryGetValue(text, out member)) return Ignored;
                return Enum.Parse(f.Default.GetType(), member);
            }
            var list = raw as List<object>;
            if (f.Kind == ValueKind.Int64List)
            {
                if (list == null) return Ignored;
                var items = list.Select(x => (long)Scalar(ValueKind.Int64, x));
                return (f.AsSet ? items.Distinct() : items).ToArray();
            }
            if (f.Kind == ValueKind.StringList)
            {
                if (list == null) return Ignored;
                var items = list.Select(x => (string)Scalar(ValueKind.String, x));
                return (f.AsSet ? items.Distinct() : items).ToArray();
            }
            if (list != null)
            {
                if (!f.JsonFirst || list.Count == 0) return Ignored;
                var items = list.Select(x => Scalar(f.Kind, x)).ToList();  // every item must fit, as the library reads them all
                return items[0];
            }
            return Scalar(f.Kind, raw);
        }

        private static object Scalar(ValueKind kind, object raw)
        {
            bool number = raw is long || raw is ulong || raw is double;
            switch (kind)
            {
                case ValueKind.Size:
                    if (!number) throw new FormatException("expected a number, found " + Describe(raw));
                    if (raw is ulong) return raw;
                    if (raw is long) return unchecked((ulong)(long)raw);  // a C cast: wraps
                    double size = Math.Truncate((double)raw);
                    if (size < -TwoTo63 || size >= 2 * TwoTo63) throw Beyond(raw, "[0, " + ulong.MaxValue + "]");
                    return size < 0 ? unchecked((ulong)(long)size) : (ulong)size;
                case ValueKind.Int64:
                    if (!number) throw new FormatException("expected a number, found " + Describe(raw));
                    if (raw is ulong) return unchecked((long)(ulong)raw);  // a C cast: wraps
                    if (raw is long) return raw;
                    double whole = Math.Truncate((double)raw);
                    if (whole < -TwoTo63 || whole >= TwoTo63) throw Beyond(raw, "[" + long.MinValue + ", " + long.MaxValue + "]");
                    return (long)whole;
                case ValueKind.Float:
                    if (!number) throw new FormatException("expected a number, found " + Describe(raw));
                    return Convert.ToSingle(raw, CultureInfo.InvariantCulture);
                case ValueKind.Bool:
                    if (!(raw is bool)) throw new FormatException("expected true or false, found " + Describe(raw));
                    return raw;
                default:
                    if (!(raw is string)) throw new FormatException("expected a string, found " + Describe(raw));
                    return raw;
            }
        }

        private const double TwoTo63 = 9223372036854775808.0;

        // The library's integer casts are defined from a 64-bit integer (wrapping) but not from a double beyond the
        // target type (it parses an integer beyond 64 bits as a double): refused, never guessed.
        private static FormatException Beyond(object raw, string range)
        {
            return new FormatException(Describe(raw) + " is beyond the field's range " + range + " (the library's conversion of it is undefined)");
        }

        private static string Describe(object raw)
        {
            try
            {
                return JsonText.Write(raw, "value");
            }
            catch (ArgumentException)
            {
                return Convert.ToString(raw, CultureInfo.InvariantCulture);
            }
        }
    }
}
