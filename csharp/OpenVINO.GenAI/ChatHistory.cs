using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using OpenVINO.Interop;

namespace OpenVINO.GenAI
{
    /// <summary>
    /// A conversation: an ordered list of messages, each a JSON object with a <c>role</c> (<c>system</c>, <c>user</c>,
    /// <c>assistant</c>, <c>tool</c>) and a <c>content</c>, plus optional tools and extra context for the chat template.
    /// A plain value, as Python's <c>ChatHistory</c> (same members, same meaning): messages are dictionaries
    /// (<see cref="Append(string, string)"/>, <see cref="Append(IDictionary{string, object})"/>, <see cref="Count"/>,
    /// the indexer, <see cref="Pop(int)"/>, <see cref="Clear"/>, ...); there is nothing to dispose.
    /// <para>
    /// Pass it to a pipeline's <c>Generate</c> instead of a prompt; the pipeline does not add its answer (measured on
    /// 2026.3; see <c>ChatSession</c>, which does). The native history the library reads is made when a call
    /// takes this object, and kept for the next call while the messages only grew (the new ones are appended to it):
    /// a VLM pipeline keeps the encoded images of earlier turns on that native object. Any other change (a message
    /// removed or edited, the tools or extra context set) makes the next call build a new one. The native history is
    /// released when it is replaced, when a pipeline that used it is disposed, or, at the latest, when this
    /// object is collected.
    /// </para>
    /// <para>Not thread-safe: change a history from one thread at a time (calls reading it may run on several).</para>
    /// </summary>
    public sealed class ChatHistory : IEnumerable<IDictionary<string, object>>
    {
        private List<IDictionary<string, object>> messages = new List<IDictionary<string, object>>();
        private List<object> tools;
        private Dictionary<string, object> extraContext;

        // The native history of the last call and what it holds (messages as JSON, tools, extra context).
        private readonly object gate = new object();
        private ChatHistoryNative native;
        private List<string> nativeMessages;
        private string nativeTools, nativeExtraContext;
        private WeakReference nativeCaller;  // the last object the native history was tied to (released with it)

        /// <summary>An empty conversation.</summary>
        public ChatHistory()
        {
        }

        /// <summary>A conversation holding <paramref name="messages"/> (copied), as Python's <c>ChatHistory(messages)</c>:
        /// each a message as <see cref="Append(object)"/> takes it.</summary>
        public ChatHistory(IEnumerable<object> messages)
        {
            Extend(messages);
        }

        // -- list-like --

        /// <summary>Appends the message <c>{"role": role, "content": content}</c>, as Python's
        /// <c>history.append({"role": role, "content": content})</c>.</summary>
        public void Append(string role, string content)
        {
            if (role == null) throw new ArgumentNullException(nameof(role));
            if (content == null) throw new ArgumentNullException(nameof(content));
            messages.Add(new Dictionary<string, object> { { "role", role }, { "content", content } });
        }

        /// <summary>Appends one message (copied), as Python's <c>history.append(dict)</c>: values may be strings,
        /// booleans, numbers, null, nested dictionaries (string keys) and lists of these; anything else is an
        /// ArgumentException.</summary>
        public void Append(IDictionary<string, object> message)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            messages.Add(Message(message, nameof(message)));
        }

        /// <summary>Appends one message (copied) given as any string-keyed dictionary (<c>Dictionary&lt;string, string&gt;</c>,
        /// ...) or an anonymous object, as in <c>history.Append(new { role = "assistant", content = "", tool_calls = new[] {
        /// new { id = "1", type = "function", function = new { name = "f", arguments = "{}" } } } })</c>; values as for
        /// <see cref="Append(IDictionary{string, object})"/>, nested anonymous objects and arrays too. The same message
        /// written as a Python dict gives the library the same JSON. ArgumentException for anything else.</summary>
        public void Append(object message)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            messages.Add(Message(message, nameof(message)));
        }

        /// <summary>Appends several messages (copied), as Python's <c>history.extend(messages)</c>: each a message as
        /// <see cref="Append(object)"/> takes it (dictionaries or anonymous objects); when one is not a message, none is
        /// appended.</summary>
        public void Extend(IEnumerable<object> messages)
        {
            if (messages == null) throw new ArgumentNullException(nameof(messages));
            var copies = new List<IDictionary<string, object>>();
            foreach (var message in messages)
            {
                string where = "messages[" + copies.Count.ToString(CultureInfo.InvariantCulture) + "]";
                if (message == null) throw new ArgumentException(where + ": null is not a message", nameof(messages));
                copies.Add(Message(message, where));
            }
            this.messages.AddRange(copies);
        }

        /// <summary>Removes and returns the message at <paramref name="index"/>, the last one by default, as Python's
        /// <c>history.pop(index)</c>: a negative index counts from the end. ArgumentOutOfRangeException when there is
        /// no such message (Python's IndexError), also for an empty history.</summary>
        public IDictionary<string, object> Pop(int index = -1)
        {
            int at = Position(index, messages.Count == 0 ? "pop from an empty ChatHistory" : "pop index out of range");
            var message = messages[at];
            messages.RemoveAt(at);
            return message;
        }

        /// <summary>Removes every message (the tools and extra context stay), as Python's <c>history.clear()</c>.</summary>
        public void Clear()
        {
            messages.Clear();
        }

        /// <summary>How many messages the history holds (Python's <c>len(history)</c>).</summary>
        public int Count
        {
            get { return messages.Count; }
        }

        /// <summary>True when the history holds no message (Python's <c>not history</c>).</summary>
        public bool IsEmpty
        {
            get { return messages.Count == 0; }
        }

        /// <summary>The message at <paramref name="index"/> itself (changing it changes the history), as Python's
        /// <c>history[index]</c>: a negative index counts from the end; ArgumentOutOfRangeException when there is no
        /// such message.</summary>
        public IDictionary<string, object> this[int index]
        {
            get { return messages[Position(index, "ChatHistory index out of range")]; }
        }

        /// <summary>The messages in order (Python's <c>iter(history)</c>).</summary>
        public IEnumerator<IDictionary<string, object>> GetEnumerator()
        {
            return messages.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }

        /// <summary>True when <paramref name="obj"/> is a ChatHistory with equal messages, tools and extra context
        /// (Python's <c>==</c>).</summary>
        public override bool Equals(object obj)
        {
            var other = obj as ChatHistory;
            return other != null && (ReferenceEquals(other, this) || other.Text() == Text());
        }

        /// <summary>A hash of the current contents (as with any mutable key, do not change a history while a
        /// dictionary or set holds it).</summary>
        public override int GetHashCode()
        {
            return StringComparer.Ordinal.GetHashCode(Text());
        }

        /// <summary><c>ChatHistory([...])</c> with the messages as JSON (Python's <c>repr(history)</c>).</summary>
        public override string ToString()
        {
            return "ChatHistory(" + JsonText.Write(Copies(messages), "messages") + ")";
        }

        // -- upstream's accessors --

        /// <summary>The messages themselves (a live list: changing it changes the history), as Python's
        /// <c>history.messages</c>. What a call cannot send as JSON is an ArgumentException at that call.</summary>
        public IList<IDictionary<string, object>> Messages
        {
            get { return messages; }
        }

        /// <summary>A copy of the messages (Python's <c>get_messages()</c>).</summary>
        public IList<IDictionary<string, object>> GetMessages()
        {
            var copy = new List<IDictionary<string, object>>(messages.Count);
            for (int i = 0; i < messages.Count; i++) copy.Add(Message(messages[i], "messages[" + i.ToString(CultureInfo.InvariantCulture) + "]"));
            return copy;
        }

        /// <summary>Replaces every message (Python's <c>set_messages(messages)</c>); when one is not a message, the
        /// history stays as it was.</summary>
        public void SetMessages(IEnumerable<object> messages)
        {
            var kept = this.messages;
            this.messages = new List<IDictionary<string, object>>();
            try
            {
                Extend(messages);
            }
            catch
            {
                this.messages = kept;
                throw;
            }
        }

        /// <summary>The tool definitions given to the chat template, as a copy (empty when none were set; Python's
        /// <c>get_tools()</c>).</summary>
        public IList<object> GetTools()
        {
            return tools == null ? new List<object>() : (List<object>)JsonText.Copy(tools, "tools");
        }

        /// <summary>The tool definitions (JSON values, copied) given to the chat template (Python's <c>set_tools(tools)</c>).</summary>
        public void SetTools(IEnumerable<object> tools)
        {
            if (tools == null) throw new ArgumentNullException(nameof(tools));
            this.tools = (List<object>)JsonText.Copy(new List<object>(tools), nameof(tools));
        }

        /// <summary>Extra variables given to the chat template, as a copy (empty when none were set; Python's
        /// <c>get_extra_context()</c>).</summary>
        public IDictionary<string, object> GetExtraContext()
        {
            return extraContext == null ? new Dictionary<string, object>() : (Dictionary<string, object>)JsonText.Copy(extraContext, "extraContext");
        }

        /// <summary>Extra variables (JSON values, copied) given to the chat template (Python's
        /// <c>set_extra_context(extra_context)</c>).</summary>
        public void SetExtraContext(IDictionary<string, object> extraContext)
        {
            if (extraContext == null) throw new ArgumentNullException(nameof(extraContext));
            this.extraContext = (Dictionary<string, object>)JsonText.Copy(extraContext, nameof(extraContext));
        }

        // -- for the binding --

        /// <summary>
        /// The native history for one call on <paramref name="caller"/> (generated code calls this), leased for the
        /// call: the one of the previous call with the new messages appended when only messages were appended since,
        /// else a new one (the previous one is disposed). It is released with <paramref name="caller"/> at the latest
        /// (NativeObject.ReleaseWith).
        /// </summary>
        internal Lease ForCall(NativeObject caller)
        {
            var texts = new List<string>(messages.Count);
            for (int i = 0; i < messages.Count; i++)
                texts.Add(JsonText.Write(messages[i], "ChatHistory[" + i.ToString(CultureInfo.InvariantCulture) + "]"));
            string toolsText = tools == null ? null : JsonText.Write(tools, "ChatHistory tools");
            string extraText = extraContext == null ? null : JsonText.Write(extraContext, "ChatHistory extra context");
            lock (gate)
            {
                if (native != null && !native.IsDisposed && toolsText == nativeTools && extraText == nativeExtraContext
                    && StartsWith(texts, nativeMessages))
                {
                    try
                    {
                        for (int i = nativeMessages.Count; i < texts.Count; i++)
                        {
                            using (var message = JsonContainer.FromJsonString(texts[i])) native.PushBack(message);
                        }
                    }
                    catch
                    {
                        Release();
                        throw;
                    }
                    nativeMessages = texts;
                }
                else
                {
                    Release();
                    ChatHistoryNative made;
                    using (var array = JsonContainer.FromJsonString("[" + string.Join(", ", texts) + "]"))
                    {
                        made = ChatHistoryNative.FromJsonContainer(array);
                    }
                    try
                    {
                        if (toolsText != null)
                        {
                            using (var value = JsonContainer.FromJsonString(toolsText)) made.SetTools(value);
                        }
                        if (extraText != null)
                        {
                            using (var value = JsonContainer.FromJsonString(extraText)) made.SetExtraContext(value);
                        }
                    }
                    catch
                    {
                        made.Dispose();
                        throw;
                    }
                    native = made;
                    nativeMessages = texts;
                    nativeTools = toolsText;
                    nativeExtraContext = extraText;
                }
                var lease = Lease.Of(native, "ChatHistory");
                if (caller != null && !ReferenceEquals(nativeCaller == null ? null : nativeCaller.Target, caller))
                {
                    native.ReleaseWith(caller);  // weakly held: a dropped history's native object is still finalized
                    nativeCaller = new WeakReference(caller);
                }
                return lease;
            }
        }

        /// <summary>True while a native history is kept for the next call (for tests).</summary>
        internal bool HasNative
        {
            get { lock (gate) return native != null && !native.IsDisposed; }
        }

        private void Release()
        {
            var old = native;
            native = null;
            nativeMessages = null;
            nativeCaller = null;
            if (old != null) old.Dispose();
        }

        private static bool StartsWith(List<string> texts, List<string> prefix)
        {
            if (prefix == null || prefix.Count > texts.Count) return false;
            for (int i = 0; i < prefix.Count; i++)
            {
                if (!string.Equals(texts[i], prefix[i], StringComparison.Ordinal)) return false;
            }
            return true;
        }

        private int Position(int index, string what)
        {
            int at = index < 0 ? index + messages.Count : index;
            if (at < 0 || at >= messages.Count) throw new ArgumentOutOfRangeException(nameof(index), index, what);
            return at;
        }

        private static IDictionary<string, object> Message(object message, string where)
        {
            var copy = JsonText.Copy(message, where) as Dictionary<string, object>;
            if (copy == null)
                throw new ArgumentException(where + ": a message is a dictionary or an anonymous object such as "
                    + "new { role = \"user\", content = \"Hi\" }, not a " + message.GetType().Name, where);
            return copy;
        }

        private static List<object> Copies(List<IDictionary<string, object>> items)
        {
            var list = new List<object>(items.Count);
            foreach (var item in items) list.Add(item);
            return list;
        }

        private string Text()
        {
            return JsonText.Write(new List<object> { Copies(messages), tools, extraContext }, "ChatHistory");
        }
    }
}
