using System;
using System.Threading;

namespace OpenVINO.GenAI
{
    /// <summary>
    /// The chat helper (Python: <c>ChatSession</c>): keeps a <see cref="ChatHistory"/>, and each <see cref="Ask(string, GenerationConfig, CancellationToken)"/>
    /// appends the user's message, generates from the whole history and appends the assistant's answer. The library
    /// does not append the answer to a history it is given (measured on 2026.3), so this helper does. When a turn
    /// fails (an error, a throwing streamer, a cancellation), the user's message is taken back out.
    /// </summary>
    public sealed class ChatSession
    {
        /// <summary>A session on <paramref name="pipeline"/>, starting from <paramref name="history"/> (kept, not copied)
        /// or an empty one, with <paramref name="systemMessage"/> appended first when not empty (Python's
        /// <c>ChatSession(pipeline, system_message, history)</c>).</summary>
        public ChatSession(LLMPipeline pipeline, string systemMessage = "", ChatHistory history = null)
        {
            if (pipeline == null) throw new ArgumentNullException(nameof(pipeline));
            Pipeline = pipeline;
            History = history ?? new ChatHistory();
            if (!string.IsNullOrEmpty(systemMessage)) History.Append("system", systemMessage);
        }

        /// <summary>The pipeline each turn generates with.</summary>
        public LLMPipeline Pipeline { get; }

        /// <summary>The conversation so far (a plain value: nothing to dispose).</summary>
        public ChatHistory History { get; }

        /// <summary>One turn: appends <paramref name="message"/> as the user's, generates, appends the answer.</summary>
        public DecodedResults Ask(string message, GenerationConfig generationConfig = null,
                                  CancellationToken cancellationToken = default(CancellationToken))
        {
            return Turn(message, () => Pipeline.Generate(History, generationConfig, cancellationToken));
        }

        /// <summary>One turn, streaming the answer to <paramref name="streamer"/>.</summary>
        public DecodedResults Ask(string message, GenerationConfig generationConfig, Func<string, StreamingStatus> streamer,
                                  CancellationToken cancellationToken = default(CancellationToken))
        {
            if (streamer == null) throw new ArgumentNullException(nameof(streamer));
            return Turn(message, () => Pipeline.Generate(History, generationConfig, streamer, cancellationToken));
        }

        private DecodedResults Turn(string message, Func<DecodedResults> generate)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            History.Append("user", message);
            DecodedResults results;
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
