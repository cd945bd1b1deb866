// Prints the managed layout of every raw struct of a binding assembly: "Type size" and
// "Type.field offset" lines (Marshal.SizeOf / Marshal.OffsetOf), for comparison with C's.
// Usage: LayoutProbe.exe ASSEMBLY.dll
using System;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

public static class LayoutProbe
{
    public static int Main(string[] args)
    {
        Assembly assembly = Assembly.LoadFrom(args[0]);
        foreach (Type type in assembly.GetExportedTypes()
                     .Where(t => t.IsValueType && !t.IsEnum && t.Namespace != null && t.Namespace.EndsWith(".Native", StringComparison.Ordinal))
                     .OrderBy(t => t.Name))
        {
            Console.WriteLine(type.Name + " " + Marshal.SizeOf(type));
            foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                Console.WriteLine(type.Name + "." + field.Name + " " + Marshal.OffsetOf(type, field.Name).ToInt64());
            }
        }
        return 0;
    }
}
