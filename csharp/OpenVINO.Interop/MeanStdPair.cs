using System;
using System.Globalization;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A mean and its standard deviation, as a metrics object reports them (for example a time per token as
    /// <c>MeanStdPair&lt;TimeSpan&gt;</c>, a rate as <c>MeanStdPair&lt;float&gt;</c>).
    /// </summary>
    /// <typeparam name="T">The unit: <see cref="TimeSpan"/> for durations, a number otherwise.</typeparam>
    public struct MeanStdPair<T> : IEquatable<MeanStdPair<T>>
    {
        /// <summary>A pair of <paramref name="mean"/> and <paramref name="std"/>.</summary>
        public MeanStdPair(T mean, T std)
        {
            Mean = mean;
            Std = std;
        }

        /// <summary>The mean.</summary>
        public T Mean { get; }

        /// <summary>The standard deviation.</summary>
        public T Std { get; }

        /// <summary>Both values: <c>var (mean, std) = pair;</c>.</summary>
        public void Deconstruct(out T mean, out T std)
        {
            mean = Mean;
            std = Std;
        }

        /// <inheritdoc/>
        public bool Equals(MeanStdPair<T> other)
        {
            return Equals(Mean, other.Mean) && Equals(Std, other.Std);
        }

        /// <inheritdoc/>
        public override bool Equals(object obj)
        {
            return obj is MeanStdPair<T> && Equals((MeanStdPair<T>)obj);
        }

        /// <inheritdoc/>
        public override int GetHashCode()
        {
            return (Mean == null ? 0 : Mean.GetHashCode()) * 31 + (Std == null ? 0 : Std.GetHashCode());
        }

        /// <summary>For example <c>12.5 ± 0.25</c>.</summary>
        public override string ToString()
        {
            return string.Format(CultureInfo.InvariantCulture, "{0} ± {1}", Mean, Std);
        }
    }
}
