using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using OpenVINO.Interop;

namespace OpenVINO.GenAI
{
    // The docs of its public members come from bindgen/libraries/docs/genai.toml ([ChatHistory]), as Python's do.
    /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory"]/*'/>
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

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.__init__"]/*[not(self::param)]'/>
        public ChatHistory()
        {
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.__init__"]/*[not(self::param) or @name="messages"]'/>
        public ChatHistory(IEnumerable<object> messages)
        {
            Extend(messages);
        }

        // -- list-like --

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.append"]/*[not(self::param) or @name="role" or @name="content"]'/>
        public void Append(string role, string content)
        {
            if (role == null) throw new ArgumentNullException(nameof(role));
            if (content == null) throw new ArgumentNullException(nameof(content));
            messages.Add(new Dictionary<string, object> { { "role", role }, { "content", content } });
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.append"]/*[not(self::param) or @name="message"]'/>
        public void Append(IDictionary<string, object> message)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            messages.Add(Message(message, nameof(message)));
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.append"]/*[not(self::param) or @name="message"]'/>
        public void Append(object message)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            messages.Add(Message(message, nameof(message)));
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.extend"]/*[not(self::param) or @name="messages"]'/>
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

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.pop"]/*[not(self::param) or @name="index"]'/>
        public IDictionary<string, object> Pop(int index = -1)
        {
            int at = Position(index, messages.Count == 0 ? "pop from an empty ChatHistory" : "pop index out of range");
            var message = messages[at];
            messages.RemoveAt(at);
            return message;
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.clear"]/*'/>
        public void Clear()
        {
            messages.Clear();
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.__len__"]/*'/>
        public int Count
        {
            get { return messages.Count; }
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.__bool__"]/*'/>
        public bool IsEmpty
        {
            get { return messages.Count == 0; }
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.__getitem__"]/*[not(self::param) or @name="index"]'/>
        public IDictionary<string, object> this[int index]
        {
            get { return messages[Position(index, "ChatHistory index out of range")]; }
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.__iter__"]/*'/>
        public IEnumerator<IDictionary<string, object>> GetEnumerator()
        {
            return messages.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.__eq__"]/*[not(self::param) or @name="obj"]'/>
        public override bool Equals(object obj)
        {
            var other = obj as ChatHistory;
            return other != null && (ReferenceEquals(other, this) || other.Text() == Text());
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.__hash__"]/*'/>
        public override int GetHashCode()
        {
            return StringComparer.Ordinal.GetHashCode(Text());
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.__repr__"]/*'/>
        public override string ToString()
        {
            return "ChatHistory(" + JsonText.Write(Copies(messages), "messages") + ")";
        }

        // -- upstream's accessors --

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.messages"]/*'/>
        public IList<IDictionary<string, object>> Messages
        {
            get { return messages; }
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.get_messages"]/*'/>
        public IList<IDictionary<string, object>> GetMessages()
        {
            var copy = new List<IDictionary<string, object>>(messages.Count);
            for (int i = 0; i < messages.Count; i++) copy.Add(Message(messages[i], "messages[" + i.ToString(CultureInfo.InvariantCulture) + "]"));
            return copy;
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.set_messages"]/*[not(self::param) or @name="messages"]'/>
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

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.get_tools"]/*'/>
        public IList<object> GetTools()
        {
            return tools == null ? new List<object>() : (List<object>)JsonText.Copy(tools, "tools");
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.set_tools"]/*[not(self::param) or @name="tools"]'/>
        public void SetTools(IEnumerable<object> tools)
        {
            if (tools == null) throw new ArgumentNullException(nameof(tools));
            this.tools = (List<object>)JsonText.Copy(new List<object>(tools), nameof(tools));
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.get_extra_context"]/*'/>
        public IDictionary<string, object> GetExtraContext()
        {
            return extraContext == null ? new Dictionary<string, object>() : (Dictionary<string, object>)JsonText.Copy(extraContext, "extraContext");
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.set_extra_context"]/*[not(self::param) or @name="extraContext"]'/>
        public void SetExtraContext(IDictionary<string, object> extraContext)
        {
            SetExtraContext((object)extraContext);
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatHistory.set_extra_context"]/*[not(self::param) or @name="extraContext"]'/>
        public void SetExtraContext(object extraContext)
        {
            if (extraContext == null) throw new ArgumentNullException(nameof(extraContext));
            var copy = JsonText.Copy(extraContext, nameof(extraContext)) as Dictionary<string, object>;
            if (copy == null)
                throw new ArgumentException(nameof(extraContext) + ": extra context is a dictionary or an anonymous object, not a "
                    + extraContext.GetType().Name, nameof(extraContext));
            this.extraContext = copy;
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
            // The library refuses an empty history with UNKNOWN_EXCEPTION and no detail (measured on 2026.3: LLM and VLM).
            if (messages.Count == 0)
                throw new ArgumentException("the ChatHistory is empty: append a user message first (the library refuses an empty history)", "history");
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
