using System;
using System.Globalization;

namespace OpenVINO.Interop
{
    /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="MeanStdPair"]/*'/>
    /// <typeparam name="T">The unit: <see cref="TimeSpan"/> for durations, a number otherwise.</typeparam>
    public struct MeanStdPair<T> : IEquatable<MeanStdPair<T>>
    {
        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="MeanStdPair.__init__"]/*'/>
        public MeanStdPair(T mean, T std)
        {
            Mean = mean;
            Std = std;
        }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="MeanStdPair.mean"]/*'/>
        public T Mean { get; }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="MeanStdPair.std"]/*'/>
        public T Std { get; }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="MeanStdPair.deconstruct"]/*'/>
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

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="MeanStdPair.__str__"]/*'/>
        public override string ToString()
        {
            return string.Format(CultureInfo.InvariantCulture, "{0} ± {1}", Mean, Std);
        }
    }
}
