using System;

namespace OpenVINO.Interop
{
    /// <summary>Arrays as C functions take them.</summary>
    public static class NativeArray
    {
        private static class Dummy<T>
        {
            public static readonly T[] One = new T[1];
        }

        /// <summary>An empty array pins as a null pointer, which C functions reject even with a zero count.</summary>
        public static T[] OrDummy<T>(T[] array)
        {
            return array != null && array.Length == 0 ? Dummy<T>.One : array;
        }

        /// <summary>
        /// Refuses an input array the library fails on, with no message, when it holds <paramref name="moreThan"/>
        /// items or fewer (<c>[conventions.shortest_arrays]</c> in the library description): ArgumentException
        /// naming the parameter and saying how many items were given and how many are needed.
        /// </summary>
        public static void CheckShortest(int count, long moreThan, string unit, string note, string paramName)
        {
            if (count <= moreThan)
            {
                throw new ArgumentException(count + " " + unit + " given; the library needs more than " + moreThan + " " + unit +
                                            (string.IsNullOrEmpty(note) ? "" : " (" + note + ")"),
                                            paramName);
            }
        }
    }
}
