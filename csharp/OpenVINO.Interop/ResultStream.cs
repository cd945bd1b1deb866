using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;

namespace OpenVINO.Interop
{
    /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Stream"]/*'/>
    /// <typeparam name="TResult">The results of one generation.</typeparam>
    /// <typeparam name="TMetrics">Their performance metrics.</typeparam>
    public sealed class ResultStream<TResult, TMetrics> : IEnumerable<string>, IAsyncEnumerable<string> where TResult : class
    {
        private readonly Func<TResult, TMetrics> metricsOf;
        private IEnumerable<string> chunks;
        private IAsyncEnumerable<string> asyncChunks;
        private TResult results;

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Stream.__init__"]/*[not(self::param) or @name="metricsOf"]'/>
        public ResultStream(Func<TResult, TMetrics> metricsOf)
        {
            this.metricsOf = metricsOf;
        }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Stream.attach"]/*'/>
        public ResultStream<TResult, TMetrics> Attach<TChunks>(TChunks stream) where TChunks : IEnumerable<string>, IAsyncEnumerable<string>
        {
            chunks = stream;
            asyncChunks = stream;
            return this;
        }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Stream.complete"]/*'/>
        public void Complete(TResult value)
        {
            Volatile.Write(ref results, value);
        }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Stream.results"]/*'/>
        public TResult Results
        {
            get
            {
                TResult value = Volatile.Read(ref results);
                if (value == null)
                    throw new InvalidOperationException("the stream has no results yet: they exist once an enumeration of it has ended (enumerate it to the end, or leave the loop)");
                return value;
            }
        }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Stream.perf_metrics"]/*'/>
        public TMetrics PerfMetrics
        {
            get { return metricsOf(Results); }
        }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Stream.__iter__"]/*'/>
        public IEnumerator<string> GetEnumerator()
        {
            return chunks.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }

        /// <include file='Generated/RuntimeDocs.g.xml' path='docs/member[@name="Stream.get_async_enumerator"]/*'/>
        public IAsyncEnumerator<string> GetAsyncEnumerator(CancellationToken cancellationToken = default(CancellationToken))
        {
            return asyncChunks.GetAsyncEnumerator(cancellationToken);
        }
    }
}
