/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * The fake language model and its streamer.
 *
 * Model: a fixed vocabulary of byte-string tokens. Some words are split into tokens in the
 * middle of a multi-byte UTF-8 character (é, 世界, 🚀, ï), so the streamer must buffer them the
 * way the real TextStreamer does. The words are drawn from a PRNG seeded by a hash of the
 * rendered conversation, so the output is a pure function of prompt, history and config.
 *
 * Generation first plans the whole token sequence (max_new_tokens, EOS, stop token ids, stop
 * strings), then streams it through an emulation of upstream's TextStreamer: text is released
 * three tokens late, never in the middle of a UTF-8 sequence, flushed at a newline, and
 * whatever is left is flushed by end() -- also after the callback returned STOP or CANCEL,
 * which is the extra call the real library makes. As measured on the real library
 * (tests/double/MEASURED.md), that final call runs on the thread that called generate even
 * when the others ran on the worker, and a trailing broken UTF-8 sequence is dropped.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "double.h"

/* ---- vocabulary ---- */

typedef struct {
    const char *bytes;
    bool special; /* skipped when decoding, like skip_special_tokens */
} token_entry;

static const token_entry vocabulary[] = {
    /* 0 */ {"<unk>", true},
    /* 1 */ {"<s>", true},
    /* 2 */ {"</s>", true}, /* DOUBLE_EOS_TOKEN_ID */
    /* 3 */ {" Hel", false},
    /* 4 */ {"lo", false},
    /* 5 */ {" world", false},
    /* 6 */ {",", false},
    /* 7 */ {".", false},
    /* 8 */ {" caf", false},
    /* 9 */ {"\xC3", false},         /* first byte of é */
    /* 10 */ {"\xA9", false},        /* second byte of é */
    /* 11 */ {" \xE4\xB8", false},   /* space + 2 of the 3 bytes of 世 */
    /* 12 */ {"\x96\xE7", false},    /* end of 世 + start of 界 */
    /* 13 */ {"\x95\x8C", false},    /* end of 界 */
    /* 14 */ {" \xF0\x9F", false},   /* space + half of 🚀 */
    /* 15 */ {"\x9A\x80", false},    /* other half of 🚀 */
    /* 16 */ {" the", false},
    /* 17 */ {" quick", false},
    /* 18 */ {" fox", false},
    /* 19 */ {" jumps", false},
    /* 20 */ {" over", false},
    /* 21 */ {" lazy", false},
    /* 22 */ {" dog", false},
    /* 23 */ {"\n", false},
    /* 24 */ {" na\xC3", false},     /* naïve: ï split after its first byte */
    /* 25 */ {"\xAFve", false},
    /* 26 */ {" stream", false},
    /* 27 */ {"ing", false},
};
#define VOCABULARY_SIZE ((int64_t)(sizeof vocabulary / sizeof vocabulary[0]))

/* Words the model says, as token sequences (-1 ends a word). */
static const int64_t words[][4] = {
    {3, 4, -1},       /* " Hello" */
    {5, -1},          /* " world" */
    {6, -1},          /* "," */
    {7, -1},          /* "." */
    {8, 9, 10, -1},   /* " café" */
    {11, 12, 13, -1}, /* " 世界" */
    {14, 15, -1},     /* " 🚀" */
    {16, -1},         /* " the" */
    {17, -1},         /* " quick" */
    {18, -1},         /* " fox" */
    {19, -1},         /* " jumps" */
    {20, -1},         /* " over" */
    {21, -1},         /* " lazy" */
    {22, -1},         /* " dog" */
    {23, -1},         /* "\n" */
    {24, 25, -1},     /* " naïve" */
    {26, 27, -1},     /* " streaming" */
};
#define WORD_COUNT (sizeof words / sizeof words[0])
#define NATURAL_WORDS_MIN 8 /* the model says 8..15 words, then EOS */
#define NATURAL_WORDS_SPREAD 8

static const char *token_text(int64_t token) {
    if (token < 0 || token >= VOCABULARY_SIZE || vocabulary[token].special) {
        return "";
    }
    return vocabulary[token].bytes;
}

/* ---- UTF-8 ---- */

/* Number of bytes at the end of text[0..length) that start a UTF-8 sequence not yet complete. */
static size_t incomplete_tail(const char *text, size_t length) {
    for (size_t back = 1; back <= 4 && back <= length; back++) {
        unsigned char byte = (unsigned char)text[length - back];
        if ((byte & 0xC0) == 0x80) {
            continue; /* continuation byte: keep looking for the lead */
        }
        size_t expected = byte < 0x80 ? 1 : (byte & 0xE0) == 0xC0 ? 2 : (byte & 0xF0) == 0xE0 ? 3 : 4;
        return back < expected ? back : 0;
    }
    return 0;
}

static int64_t incomplete_holds = 0;

/* Test-only export: how many times the streamer held text back because it ended inside a UTF-8
 * character. Tests use it to prove the split-character path really ran. */
DOUBLE_EXPORT int64_t genai_double_incomplete_holds(void) {
    return __atomic_load_n(&incomplete_holds, __ATOMIC_SEQ_CST);
}

/* ---- planning ---- */

typedef struct {
    int64_t *tokens;
    size_t count;
    size_t capacity;
} token_plan;

static bool plan_push(token_plan *plan, int64_t token) {
    if (plan->count == plan->capacity) {
        size_t capacity = plan->capacity ? plan->capacity * 2 : 64;
        int64_t *grown = realloc(plan->tokens, capacity * sizeof *grown);
        if (!grown) {
            return false;
        }
        plan->tokens = grown;
        plan->capacity = capacity;
    }
    plan->tokens[plan->count++] = token;
    return true;
}

static bool is_stop_token(const generation_settings *settings, int64_t token) {
    for (size_t i = 0; i < settings->stop_token_count; i++) {
        if (settings->stop_token_ids[i] == token) {
            return true;
        }
    }
    return false;
}

size_t count_prompt_tokens(const char *text) {
    size_t count = 0;
    bool in_word = false;
    for (const char *c = text; *c; c++) {
        bool space = *c == ' ' || *c == '\n' || *c == '\t';
        if (!space && !in_word) {
            count++;
        }
        in_word = !space;
    }
    return count ? count : 1;
}

static uint64_t generation_seed(const generation_request *request) {
    uint64_t seed = hash_bytes(HASH_SEED, request->context, strlen(request->context));
    if (request->settings->do_sample) { /* sampling: the seed matters, as it would */
        seed = hash_bytes(seed, &request->settings->rng_seed, sizeof request->settings->rng_seed);
    }
    return seed;
}

/* Where a stop string first appears in text, searching only matches that end after `from`. */
static bool find_stop_string(const generation_settings *settings, const byte_buffer *text, size_t from,
                             size_t *match_start, size_t *match_end) {
    bool found = false;
    for (size_t i = 0; i < settings->stop_string_count; i++) {
        const char *stop = settings->stop_strings[i];
        size_t length = strlen(stop);
        if (length == 0 || length > text->length) {
            continue;
        }
        size_t first = from + 1 > length ? from + 1 - length : 0;
        for (size_t start = first; start + length <= text->length; start++) {
            if (memcmp(text->data + start, stop, length) == 0) {
                if (!found || start + length < *match_end) {
                    *match_start = start;
                    *match_end = start + length;
                    found = true;
                }
                break;
            }
        }
    }
    return found;
}

static size_t token_budget(const generation_request *request) {
    const generation_settings *settings = request->settings;
    if (settings->max_new_tokens != DOUBLE_UNSET_SIZE) {
        return settings->max_new_tokens;
    }
    if (settings->max_length != DOUBLE_UNSET_SIZE) {
        return settings->max_length > request->context_tokens ? settings->max_length - request->context_tokens : 0;
    }
    return SIZE_MAX;
}

/* Records where the last token's text ends; stop strings are cut at token boundaries. */
static bool remember_token_end(size_t **token_ends, size_t count, size_t end) {
    size_t *grown = realloc(*token_ends, count * sizeof *grown);
    if (!grown) {
        return false;
    }
    grown[count - 1] = end;
    *token_ends = grown;
    return true;
}

/* Decides every token of the answer before streaming, so a stop string is never streamed. */
static bool plan_tokens(const generation_request *request, token_plan *plan) {
    const generation_settings *settings = request->settings;
    uint64_t random_state = generation_seed(request);
    size_t natural_words = NATURAL_WORDS_MIN + (size_t)(random_state % NATURAL_WORDS_SPREAD);
    size_t budget = token_budget(request);
    size_t words_said = 0;
    const int64_t *word = NULL;
    byte_buffer text = {0};
    size_t *token_ends = NULL;
    bool ok = true;
    /* An empty stop string matches at once (measured): upstream checks stop strings in a window of as
     * many tokens as the longest one encodes to, so alone (a window of 0) it keeps the first token, and
     * beside a non-empty one the window's tokens go too (unless the stop string is kept in the output). */
    bool empty_stop = false, other_stop = false;
    for (size_t i = 0; i < settings->stop_string_count; i++) {
        if (settings->stop_strings[i][0] == '\0') {
            empty_stop = true;
        } else {
            other_stop = true;
        }
    }

    while (ok && plan->count < budget) {
        int64_t token;
        if (!word || *word < 0) {
            bool may_end = !settings->ignore_eos && plan->count >= settings->min_new_tokens;
            if (words_said >= natural_words && may_end) {
                token = DOUBLE_EOS_TOKEN_ID;
                natural_words += NATURAL_WORDS_MIN; /* if EOS is not a stop token, go on talking */
                word = NULL;
            } else {
                word = words[next_random(&random_state) % WORD_COUNT];
                words_said++;
                token = *word++;
            }
        } else {
            token = *word++;
        }
        size_t before = text.length;
        ok = plan_push(plan, token);
        if (ok && empty_stop) {
            if (other_stop && !settings->include_stop_str_in_output) {
                plan->count = 0;
            }
            break;
        }
        if (ok && settings->stop_string_count > 0) {
            ok = buffer_append_string(&text, token_text(token)) &&
                 remember_token_end(&token_ends, plan->count, text.length);
            size_t match_start = 0, match_end = 0;
            if (ok && find_stop_string(settings, &text, before, &match_start, &match_end)) {
                if (!settings->include_stop_str_in_output) {
                    /* drop every token that holds part of the stop string */
                    while (plan->count > 0 && token_ends[plan->count - 1] > match_start) {
                        plan->count--;
                    }
                }
                break;
            }
        }
        if (!settings->ignore_eos && is_stop_token(settings, token)) {
            break;
        }
    }
    buffer_free(&text);
    free(token_ends);
    return ok;
}

/* Decodes tokens to text; a trailing broken UTF-8 sequence is dropped, as the real library does. */
static bool decode_tokens(const int64_t *tokens, size_t count, byte_buffer *out) {
    size_t start = out->length;
    bool ok = buffer_append(out, "", 0);
    for (size_t i = 0; ok && i < count; i++) {
        ok = buffer_append_string(out, token_text(tokens[i]));
    }
    if (ok) {
        out->length -= incomplete_tail(out->data + start, out->length - start);
        out->data[out->length] = '\0';
    }
    return ok;
}

/* ---- streaming (an emulation of upstream TextStreamer) ---- */

#define DELAY_TOKENS 3

typedef struct {
    const streamer_callback *callback;
    byte_buffer cache_text;        /* decoded text of the tokens since the last flush */
    int64_t lengths[DELAY_TOKENS]; /* ring: decoded length after each of the last tokens, -1: incomplete */
    size_t cached_tokens;
    size_t printed;
    byte_buffer chunk;
} text_streamer;

static ov_genai_streaming_status_e deliver(text_streamer *streamer, const char *text, size_t length) {
    streamer->chunk.length = 0;
    if (!buffer_append(&streamer->chunk, text, length)) {
        return OV_GENAI_STREAMING_STATUS_CANCEL;
    }
    return streamer->callback->callback_func(streamer->chunk.data, streamer->callback->args);
}

static void streamer_reset(text_streamer *streamer) {
    streamer->cache_text.length = 0;
    streamer->cached_tokens = 0;
    streamer->printed = 0;
}

static ov_genai_streaming_status_e streamer_write(text_streamer *streamer, int64_t token) {
    byte_buffer *text = &streamer->cache_text;
    if (!buffer_append_string(text, token_text(token))) {
        return OV_GENAI_STREAMING_STATUS_CANCEL;
    }
    bool complete = incomplete_tail(text->data, text->length) == 0;
    streamer->lengths[streamer->cached_tokens % DELAY_TOKENS] = complete ? (int64_t)text->length : -1;
    streamer->cached_tokens++;

    if (complete && text->length > streamer->printed && text->data[text->length - 1] == '\n') {
        ov_genai_streaming_status_e status =
            deliver(streamer, text->data + streamer->printed, text->length - streamer->printed);
        streamer_reset(streamer);
        return status;
    }
    if (!complete) {
        __atomic_add_fetch(&incomplete_holds, 1, __ATOMIC_SEQ_CST);
        return OV_GENAI_STREAMING_STATUS_RUNNING;
    }
    if (streamer->cached_tokens < DELAY_TOKENS) {
        return OV_GENAI_STREAMING_STATUS_RUNNING;
    }
    /* print up to the length decoded DELAY_TOKENS-1 tokens ago: the oldest entry of the ring */
    int64_t print_until = streamer->lengths[(streamer->cached_tokens - DELAY_TOKENS) % DELAY_TOKENS];
    if (print_until > (int64_t)streamer->printed) {
        size_t start = streamer->printed;
        streamer->printed = (size_t)print_until;
        return deliver(streamer, text->data + start, (size_t)print_until - start);
    }
    return OV_GENAI_STREAMING_STATUS_RUNNING;
}

/* Flushes what is left; upstream ignores what the callback returns here. */
static void streamer_end(text_streamer *streamer) {
    byte_buffer *text = &streamer->cache_text;
    text->length -= incomplete_tail(text->data, text->length);
    if (text->length > streamer->printed) {
        deliver(streamer, text->data + streamer->printed, text->length - streamer->printed);
    }
    streamer_reset(streamer);
}

typedef struct {
    const token_plan *plan;
    text_streamer streamer;
    bool on_worker_thread;
    size_t streamed_tokens; /* tokens that made it into the answer */
    ov_genai_streaming_status_e final_status;
} stream_job;

/* What a callback's return value means. Measured upstream: values other than 0..2 act like
 * RUNNING on the calling-thread backend and like STOP on the worker-thread one. */
static ov_genai_streaming_status_e interpret(int status, bool on_worker_thread) {
    switch (status) {
        case OV_GENAI_STREAMING_STATUS_RUNNING:
        case OV_GENAI_STREAMING_STATUS_STOP:
        case OV_GENAI_STREAMING_STATUS_CANCEL:
            return (ov_genai_streaming_status_e)status;
        case 3: /* upstream TOOL_CALL_STOP */
            return OV_GENAI_STREAMING_STATUS_STOP;
        default:
            return on_worker_thread ? OV_GENAI_STREAMING_STATUS_STOP : OV_GENAI_STREAMING_STATUS_RUNNING;
    }
}

/* Writes every planned token until the callback stops it; end() is the caller's job. */
static void *stream_tokens(void *argument) {
    stream_job *job = argument;
    job->final_status = OV_GENAI_STREAMING_STATUS_RUNNING;
    job->streamed_tokens = 0;
    for (size_t i = 0; i < job->plan->count; i++) {
        ov_genai_streaming_status_e status =
            interpret((int)streamer_write(&job->streamer, job->plan->tokens[i]), job->on_worker_thread);
        job->streamed_tokens = i + 1;
        if (status != OV_GENAI_STREAMING_STATUS_RUNNING) {
            job->final_status = status;
            break;
        }
    }
    return NULL;
}

/* Test-only: GENAI_DOUBLE_PLAIN_GENERATE_MS=N makes a generate without a streamer last at least N ms
 * (a long generation that cannot be told to stop, as on a real model; for the process-exit tests). */
static void plain_generate_delay(void) {
    const char *text = getenv("GENAI_DOUBLE_PLAIN_GENERATE_MS");
    long ms = text ? strtol(text, NULL, 10) : 0;
    if (ms <= 0) {
        return;
    }
    struct timespec left = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
}

ov_status_e run_generation(const generation_request *request, generation_outcome *outcome) {
    memset(outcome, 0, sizeof *outcome);
    if (!settings_valid(request->settings)) {
        return UNKNOW_EXCEPTION; /* upstream's validate() throws; the C layer maps it */
    }
    if (request->settings->num_return_sequences > UINT32_MAX) {
        return UNKNOW_EXCEPTION; /* measured: 2^32 and more fail at once (validate passes) */
    }
    token_plan plan = {0};
    if (!plan_tokens(request, &plan)) {
        free(plan.tokens);
        return UNKNOW_EXCEPTION;
    }
    size_t answer_tokens = plan.count;
    if (request->streamer) {
        stream_job job = {.plan = &plan, .on_worker_thread = request->on_worker_thread};
        job.streamer.callback = request->streamer;
        bool started = buffer_append(&job.streamer.cache_text, "", 0);
        if (started && request->on_worker_thread) {
            pthread_t worker;
            started = pthread_create(&worker, NULL, stream_tokens, &job) == 0;
            if (started) {
                pthread_join(worker, NULL);
            }
        } else if (started) {
            stream_tokens(&job);
        }
        if (started) {
            streamer_end(&job.streamer); /* the final flush, on the calling thread */
        }
        buffer_free(&job.streamer.cache_text);
        buffer_free(&job.streamer.chunk);
        if (!started) {
            free(plan.tokens);
            return UNKNOW_EXCEPTION;
        }
        answer_tokens = job.streamed_tokens;
        outcome->stopped = job.final_status == OV_GENAI_STREAMING_STATUS_STOP;
        outcome->cancelled = job.final_status == OV_GENAI_STREAMING_STATUS_CANCEL;
    } else {
        plain_generate_delay();
    }
    byte_buffer text = {0};
    bool ok = buffer_append(&text, "", 0);
    if (ok && request->settings->echo && request->echo_prefix) {
        ok = buffer_append_string(&text, request->echo_prefix);
    }
    ok = ok && decode_tokens(plan.tokens, answer_tokens, &text);
    free(plan.tokens);
    if (!ok) {
        buffer_free(&text);
        return UNKNOW_EXCEPTION;
    }
    outcome->text = text.data;
    outcome->generated_tokens = answer_tokens;
    return OK;
}
