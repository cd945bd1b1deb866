using System;

namespace OpenVINO.Interop
{
    /// <summary>Durations a library reports as numbers, as <see cref="TimeSpan"/>s (support for generated code).</summary>
    public static class Units
    {
        /// <summary>A duration given in milliseconds, to the tick (100 ns; TimeSpan.FromMilliseconds rounds to whole milliseconds on .NET Framework and Mono).</summary>
        public static TimeSpan Milliseconds(double value)
        {
            return Ticks(value * TimeSpan.TicksPerMillisecond);
        }

        /// <summary>A duration given in seconds, to the tick.</summary>
        public static TimeSpan Seconds(double value)
        {
            return Ticks(value * TimeSpan.TicksPerSecond);
        }

        /// <summary>A count the library reports as an unsigned 64-bit number, as an int (OverflowException past int.MaxValue).</summary>
        public static int Count(ulong value)
        {
            return checked((int)value);
        }

        private static TimeSpan Ticks(double ticks)
        {
            if (double.IsNaN(ticks)) throw new ArgumentException("the library reported a duration that is not a number");
            if (ticks >= TimeSpan.MaxValue.Ticks) return TimeSpan.MaxValue;
            if (ticks <= TimeSpan.MinValue.Ticks) return TimeSpan.MinValue;
            return TimeSpan.FromTicks((long)Math.Round(ticks));
        }
    }
}
