using System;
using System.Threading;
using OpenVINO.Interop;

namespace OpenVINO.GenAI
{
    /// <summary>
    /// The chat helper (Python: <c>ChatSession</c>): keeps a <see cref="ChatHistory"/>, and each <c>Ask</c> appends the
    /// user's message, generates from the whole history and appends the assistant's answer. The library does not
    /// append the answer to a history it is given (measured on 2026.3), so this helper does. When a turn fails (an
    /// error, a throwing streamer, a cancellation), the user's message is taken back out.
    /// <para>
    /// It chats with an <see cref="LLMPipeline"/> (<c>Ask(message, ...)</c>, giving <see cref="DecodedResults"/>) or a
    /// <see cref="VLMPipeline"/> (<c>Ask(message, images, ...)</c>, giving <see cref="VLMDecodedResults"/>; images may be
    /// null for a text-only turn). A VLM keeps the images of earlier turns with the conversation, as upstream's
    /// visual language chat does: send them with the turn that asks about them, then ask follow-ups without images.
    /// </para>
    /// </summary>
    public sealed class ChatSession
    {
        private readonly LLMPipeline llm;
        private readonly VLMPipeline vlm;

        /// <summary>A session on the text pipeline <paramref name="pipeline"/>, starting from <paramref name="history"/>
        /// (kept, not copied) or an empty one, with <paramref name="systemMessage"/> appended first when not empty
        /// (Python's <c>ChatSession(pipeline, system_message, history)</c>).</summary>
        public ChatSession(LLMPipeline pipeline, string systemMessage = "", ChatHistory history = null)
            : this((NativeObject)pipeline, systemMessage, history)
        {
            llm = pipeline;
        }

        /// <summary>A session on the visual language pipeline <paramref name="pipeline"/>, starting from
        /// <paramref name="history"/> (kept, not copied) or an empty one, with <paramref name="systemMessage"/> appended
        /// first when not empty; its turns are <c>Ask(message, images, ...)</c>.</summary>
        public ChatSession(VLMPipeline pipeline, string systemMessage = "", ChatHistory history = null)
            : this((NativeObject)pipeline, systemMessage, history)
        {
            vlm = pipeline;
        }

        private ChatSession(NativeObject pipeline, string systemMessage, ChatHistory history)
        {
            if (pipeline == null) throw new ArgumentNullException(nameof(pipeline));
            Pipeline = pipeline;
            History = history ?? new ChatHistory();
            if (!string.IsNullOrEmpty(systemMessage)) History.Append("system", systemMessage);
        }

        /// <summary>The pipeline each turn generates with: the <see cref="LLMPipeline"/> or <see cref="VLMPipeline"/>
        /// the session was made with.</summary>
        public NativeObject Pipeline { get; }

        /// <summary>The conversation so far (a plain value: nothing to dispose).</summary>
        public ChatHistory History { get; }

        /// <summary>One turn with a text pipeline: appends <paramref name="message"/> as the user's, generates, appends
        /// the answer. InvalidOperationException on a VLM session, whose turns take images (null for none).</summary>
        public DecodedResults Ask(string message, GenerationConfig generationConfig = null,
                                  CancellationToken cancellationToken = default(CancellationToken))
        {
            LLMPipeline pipe = Text();
            return Turn(message, () => pipe.Generate(History, generationConfig, cancellationToken));
        }

        /// <summary>One turn with a text pipeline, streaming the answer to <paramref name="streamer"/>.</summary>
        public DecodedResults Ask(string message, GenerationConfig generationConfig, Func<string, StreamingStatus> streamer,
                                  CancellationToken cancellationToken = default(CancellationToken))
        {
            if (streamer == null) throw new ArgumentNullException(nameof(streamer));
            LLMPipeline pipe = Text();
            return Turn(message, () => pipe.Generate(History, generationConfig, streamer, cancellationToken));
        }

        /// <summary>One turn with a visual language pipeline: appends <paramref name="message"/> as the user's, generates
        /// from the conversation and <paramref name="images"/> (null or empty: none this turn; earlier turns' images
        /// stay part of the conversation), appends the answer. InvalidOperationException on a text session.</summary>
        public VLMDecodedResults Ask(string message, NativeObject[] images, GenerationConfig generationConfig = null,
                                     CancellationToken cancellationToken = default(CancellationToken))
        {
            VLMPipeline pipe = Visual();
            return Turn(message, () => pipe.Generate(History, images, generationConfig, cancellationToken));
        }

        /// <summary>One turn with a visual language pipeline, streaming the answer to <paramref name="streamer"/>.</summary>
        public VLMDecodedResults Ask(string message, NativeObject[] images, GenerationConfig generationConfig,
                                     Func<string, StreamingStatus> streamer,
                                     CancellationToken cancellationToken = default(CancellationToken))
        {
            if (streamer == null) throw new ArgumentNullException(nameof(streamer));
            VLMPipeline pipe = Visual();
            return Turn(message, () => pipe.Generate(History, images, generationConfig, streamer, cancellationToken));
        }

        private LLMPipeline Text()
        {
            if (llm == null)
                throw new InvalidOperationException("this ChatSession chats with a VLMPipeline: its turns are Ask(message, images, ...) "
                    + "(images may be null), which give VLMDecodedResults");
            return llm;
        }

        private VLMPipeline Visual()
        {
            if (vlm == null)
                throw new InvalidOperationException("this ChatSession chats with an LLMPipeline, which takes no images: "
                    + "its turns are Ask(message, ...)");
            return vlm;
        }

        private T Turn<T>(string message, Func<T> generate)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            History.Append("user", message);
            T results;
            try
            {
                results = generate();
            }
            catch
            {
                History.Pop();
                throw;
            }
            History.Append("assistant", results.ToString());
            return results;
        }
    }
}
