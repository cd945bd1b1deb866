using System;
using System.Threading;
using OpenVINO.Interop;

namespace OpenVINO.GenAI
{
    // The docs of its public members come from bindgen/libraries/docs/genai.toml ([ChatSession]), as Python's do.
    /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatSession"]/*'/>
    public sealed class ChatSession
    {
        private readonly LLMPipeline llm;
        private readonly VLMPipeline vlm;

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatSession.__init__"]/*[not(self::param) or @name="pipeline" or @name="systemMessage" or @name="history"]'/>
        public ChatSession(LLMPipeline pipeline, string systemMessage = "", ChatHistory history = null)
            : this((NativeObject)pipeline, systemMessage, history)
        {
            llm = pipeline;
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatSession.__init__"]/*[not(self::param) or @name="pipeline" or @name="systemMessage" or @name="history"]'/>
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

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatSession.pipeline"]/*'/>
        public NativeObject Pipeline { get; }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatSession.history"]/*'/>
        public ChatHistory History { get; }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatSession.ask"]/*[not(self::param) or @name="message" or @name="generationConfig" or @name="cancellationToken"]'/>
        public DecodedResults Ask(string message, GenerationConfig generationConfig = null,
                                  CancellationToken cancellationToken = default(CancellationToken))
        {
            LLMPipeline pipe = Text();
            return Turn(message, () => pipe.Generate(History, generationConfig, cancellationToken));
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatSession.ask"]/*[not(self::param) or @name="message" or @name="generationConfig" or @name="streamer" or @name="cancellationToken"]'/>
        public DecodedResults Ask(string message, GenerationConfig generationConfig, Func<string, StreamingStatus> streamer,
                                  CancellationToken cancellationToken = default(CancellationToken))
        {
            if (streamer == null) throw new ArgumentNullException(nameof(streamer));
            LLMPipeline pipe = Text();
            return Turn(message, () => pipe.Generate(History, generationConfig, streamer, cancellationToken));
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatSession.ask"]/*[not(self::param) or @name="message" or @name="generationConfig" or @name="streamer" or @name="cancellationToken"]'/>
        public DecodedResults Ask(string message, GenerationConfig generationConfig, Action<string> streamer,
                                  CancellationToken cancellationToken = default(CancellationToken))
        {
            if (streamer == null) throw new ArgumentNullException(nameof(streamer));
            LLMPipeline pipe = Text();
            return Turn(message, () => pipe.Generate(History, generationConfig, streamer, cancellationToken));
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatSession.ask"]/*[not(self::param) or @name="message" or @name="images" or @name="generationConfig" or @name="cancellationToken"]'/>
        public VLMDecodedResults Ask(string message, NativeObject[] images, GenerationConfig generationConfig = null,
                                     CancellationToken cancellationToken = default(CancellationToken))
        {
            VLMPipeline pipe = Visual();
            return Turn(message, () => pipe.Generate(History, images, generationConfig, cancellationToken));
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatSession.ask"]/*[not(self::param) or @name="message" or @name="images" or @name="generationConfig" or @name="streamer" or @name="cancellationToken"]'/>
        public VLMDecodedResults Ask(string message, NativeObject[] images, GenerationConfig generationConfig,
                                     Func<string, StreamingStatus> streamer,
                                     CancellationToken cancellationToken = default(CancellationToken))
        {
            if (streamer == null) throw new ArgumentNullException(nameof(streamer));
            VLMPipeline pipe = Visual();
            return Turn(message, () => pipe.Generate(History, images, generationConfig, streamer, cancellationToken));
        }

        /// <include file='Generated/HandWrittenDocs.g.xml' path='docs/member[@name="ChatSession.ask"]/*[not(self::param) or @name="message" or @name="images" or @name="generationConfig" or @name="streamer" or @name="cancellationToken"]'/>
        public VLMDecodedResults Ask(string message, NativeObject[] images, GenerationConfig generationConfig,
                                     Action<string> streamer,
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
