namespace OpenVINO.Interop
{
    /// <summary>
    /// One rule of upstream's validate(), in our words (binding model <c>Rule</c>): <see cref="Field"/> passes every
    /// check whenever every condition holds. Operands are numbers (double), bools, strings, object arrays (for
    /// <c>in</c>) or "@name" (another field's value). Support for generated code.
    /// </summary>
    public sealed class ValueRule
    {
        /// <summary>A rule: checks as (op, operand) pairs, conditions as (field, op, operand) triples.</summary>
        public ValueRule(string field, object[][] check, object[][] when, string says)
        {
            Field = field;
            Check = check;
            When = when;
            Says = says;
        }

        /// <summary>The field checked.</summary>
        public string Field { get; }
        /// <summary>(op, operand) pairs that must all hold.</summary>
        public object[][] Check { get; }
        /// <summary>(field, op, operand) conditions under which the rule applies.</summary>
        public object[][] When { get; }
        /// <summary>The rule as the error says it.</summary>
        public string Says { get; }
    }
}
