// Adversarial inputs to OpenVINO.Core against the REAL libopenvino_c (tests/test_robustness_csharp.py
// runs it on Mono and CoreCLR). Prints "PASS <name>" or "FAIL <name>: <why>" per test; a crash shows up
// as missing lines. Usage: CoreRobustnessTests.exe MODEL_XML [TEST...]
using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using OpenVINO.Core;

namespace GenAIInterop.RobustnessTests
{
    public static class CoreRobustnessTests
    {
        private static string modelXml;

        public static int Main(string[] args)
        {
            modelXml = args[0];
            var selected = new HashSet<string>(args.Skip(1));
            int failed = 0;
            foreach (MethodInfo test in typeof(CoreRobustnessTests).GetMethods(BindingFlags.Public | BindingFlags.Static)
                         .Where(m => m.Name.StartsWith("Test", StringComparison.Ordinal)).OrderBy(m => m.Name))
            {
                string name = test.Name.Substring(4);
                if (selected.Count > 0 && !selected.Contains(name)) continue;
                Console.Out.Flush();
                try
                {
                    test.Invoke(null, null);
                    Console.WriteLine("PASS " + name);
                }
                catch (TargetInvocationException e)
                {
                    failed++;
                    Console.WriteLine("FAIL " + name + ": " + e.InnerException.ToString().Replace("\n", " | "));
                }
                Console.Out.Flush();
            }
            return failed == 0 ? 0 : 1;
        }

        private static void Check(bool condition, string what)
        {
            if (!condition) throw new Exception(what);
        }

        private static void Refused(Action action, string what)
        {
            try
            {
                action();
            }
            catch (ArgumentException e)
            {
                Check(e.Message.Contains("same length"), what + ": the message says why: " + e.Message);
                return;
            }
            throw new Exception(what + ": no ArgumentException");
        }

        // One C count for two arrays: the library reads that many items of each, so a shorter array
        // used to be read past its end (ov_model_reshape crashed the process).
        public static void TestParallelArraysOfDifferentLengthsAreRefused()
        {
            PartialShape two = OpenVINOLibrary.ShapeToPartialShape(new long[] { 2, 4 });
            var many = Enumerable.Repeat(two, 64).ToArray();
            using (var core = new Core())
            using (var model = core.ReadModel(modelXml))
            {
                Refused(() => model.Reshape(new[] { "x" }, many), "Reshape, more shapes than names");
                Refused(() => model.Reshape(Enumerable.Repeat("x", 64).ToArray(), new[] { two }), "Reshape, more names than shapes");
                Refused(() => model.ReshapeByPortIndexes(new[] { UIntPtr.Zero }, many), "ReshapeByPortIndexes");
                using (var port = model.Input())
                {
                    Refused(() => model.ReshapeByPorts(new[] { port }, many), "ReshapeByPorts");
                }
                model.Reshape(new[] { "x" }, new[] { two });
            }
        }
    }
}
