// Prints the JSON a C# ChatHistory gives the native library, for tests/test_chat_history_json.py, which builds
// the same conversation with Python dicts and compares (issue 11: the same message in either language reaches the
// library as the same JSON). The messages are written the C# ways: Append(role, content), dictionaries of objects
// and of strings, anonymous objects (nested, in arrays), lists, Extend with an array of anonymous objects, tools
// and extra context. Output: "SENT <json>" per message as the binding wrote it, then "NATIVE <json>",
// "TOOLS <json>", "EXTRA <json>" as the library's native history reads them back.
// Usage: ChatHistoryJson.exe   (the library is found as for any program: OPENVINO_GENAI_DIR, ...)
using System;
using System.Collections.Generic;
using System.Reflection;
using OpenVINO.GenAI;

namespace GenAIInterop.Tests
{
    public static class ChatHistoryJson
    {
        public static int Main(string[] args)
        {
            Console.OutputEncoding = new System.Text.UTF8Encoding(false);
            var history = new ChatHistory(new object[] { new Dictionary<string, object> { { "role", "system" }, { "content", "Be brief." } } });
            history.Append("user", "héllo ✓ \"quoted\"\n\ttab \u0001 世界");
            history.Append(new
            {
                role = "assistant",
                content = "",
                tool_calls = new[]
                {
                    new
                    {
                        id = "call_1",
                        type = "function",
                        function = new
                        {
                            name = "get_weather",
                            arguments = new Dictionary<string, object> { { "city", "Paris" }, { "days", 3 }, { "metric", true }, { "note", null } },
                        },
                    },
                },
            });
            history.Append(new Dictionary<string, string> { { "role", "tool" }, { "tool_call_id", "call_1" }, { "content", "{\"temp\": 21.5}" } });
            history.Append(new Dictionary<string, object>
            {
                { "role", "user" },
                { "content", new List<object> { new { type = "text", text = "What is in it?" }, new { type = "image" } } },
            });
            history.Append(new { role = "user", content = "numbers", values = new object[] { 1, -2L, 1.5, 0.1, 1e-7, 1e16, 123456789.125, 2.5f, 0.0001, 1e22, 'c',
                -0.0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, 1.0 / 3, 1e15, 123456789012345678.0 } });
            history.Extend(new object[] { new { role = "assistant", content = "a" }, new { role = "user", content = "b" } });
            history.SetTools(new object[]
            {
                new { type = "function", function = new { name = "get_weather", parameters = new { type = "object", properties = new { city = new { type = "string" } }, required = new[] { "city" } } } },
            });
            history.SetExtraContext(new { enable_thinking = false });

            var type = typeof(ChatHistory);
            var lease = (IDisposable)type.GetMethod("ForCall", BindingFlags.NonPublic | BindingFlags.Instance).Invoke(history, new object[] { null });
            lease.Dispose();
            foreach (string text in (List<string>)type.GetField("nativeMessages", BindingFlags.NonPublic | BindingFlags.Instance).GetValue(history))
                Console.WriteLine("SENT " + text);
            object native = type.GetField("native", BindingFlags.NonPublic | BindingFlags.Instance).GetValue(history);
            foreach (var pair in new[] { new[] { "NATIVE", "GetMessages" }, new[] { "TOOLS", "GetTools" }, new[] { "EXTRA", "GetExtraContext" } })
            {
                using (var json = (JsonContainer)native.GetType().GetMethod(pair[1]).Invoke(native, null))
                    Console.WriteLine(pair[0] + " " + json.ToJsonString());
            }
            ((IDisposable)native).Dispose();
            return 0;
        }
    }
}
