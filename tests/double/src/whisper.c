/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * ov_genai_whisper_*: generation config, decoded results with timestamped chunks, and a
 * pipeline whose transcript is a pure function of the samples and the config.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "double.h"

#define SAMPLE_RATE 16000
#define SECONDS_PER_WORD 0.5f
#define MAX_WORDS 256
#define WORDS_PER_CHUNK 3

/* ---- generation config ---- */

typedef struct {
    int64_t *items;
    size_t count;
} token_list;

struct ov_genai_whisper_generation_config_opaque {
    object_header header;
    generation_settings base;
    int64_t decoder_start_token_id, pad_token_id, translate_token_id, transcribe_token_id;
    int64_t prev_sot_token_id, no_timestamps_token_id;
    size_t max_initial_timestamp_index;
    bool is_multilingual;
    bool return_timestamps;
    char *language, *task, *initial_prompt, *hotwords; /* NULL: not set (std::nullopt upstream) */
    token_list begin_suppress_tokens, suppress_tokens;
};

static bool is_config(const ov_genai_whisper_generation_config *config) {
    return object_is(config, KIND_WHISPER_GENERATION_CONFIG);
}

static bool replace_string(char **field, const char *value) {
    char *copy = NULL;
    if (value && !(copy = string_duplicate(value))) {
        return false;
    }
    free(*field);
    *field = copy;
    return true;
}

static bool replace_tokens(token_list *list, const int64_t *tokens, size_t count) {
    int64_t *copy = NULL;
    if (tokens && count > 0) {
        copy = malloc(count * sizeof *copy);
        if (!copy) {
            return false;
        }
        memcpy(copy, tokens, count * sizeof *copy);
    }
    free(list->items);
    list->items = copy;
    list->count = copy ? count : 0;
    return true;
}

static void config_release_fields(ov_genai_whisper_generation_config *config) {
    settings_clear(&config->base);
    free(config->language);
    free(config->task);
    free(config->initial_prompt);
    free(config->hotwords);
    free(config->begin_suppress_tokens.items);
    free(config->suppress_tokens.items);
}

static ov_genai_whisper_generation_config *new_config(void) {
    ov_genai_whisper_generation_config *config = object_new(sizeof *config, KIND_WHISPER_GENERATION_CONFIG);
    if (!config) {
        return NULL;
    }
    settings_init(&config->base);
    config->decoder_start_token_id = 50258;
    config->pad_token_id = 50257;
    config->translate_token_id = 50358;
    config->transcribe_token_id = 50359;
    config->prev_sot_token_id = 50361;
    config->no_timestamps_token_id = 50363;
    config->max_initial_timestamp_index = 50;
    config->is_multilingual = true;
    return config;
}

static ov_genai_whisper_generation_config *copy_config(const ov_genai_whisper_generation_config *source) {
    ov_genai_whisper_generation_config *copy = new_config();
    if (!copy) {
        return NULL;
    }
    generation_settings base = copy->base;
    *copy = *source; /* scalars; owned fields are replaced below */
    copy->base = base;
    copy->language = copy->task = copy->initial_prompt = copy->hotwords = NULL;
    copy->begin_suppress_tokens = copy->suppress_tokens = (token_list){0};
    bool ok = settings_copy(&copy->base, &source->base) && replace_string(&copy->language, source->language) &&
              replace_string(&copy->task, source->task) &&
              replace_string(&copy->initial_prompt, source->initial_prompt) &&
              replace_string(&copy->hotwords, source->hotwords) &&
              replace_tokens(&copy->begin_suppress_tokens, source->begin_suppress_tokens.items,
                             source->begin_suppress_tokens.count) &&
              replace_tokens(&copy->suppress_tokens, source->suppress_tokens.items, source->suppress_tokens.count);
    if (!ok) {
        ov_genai_whisper_generation_config_free(copy);
        return NULL;
    }
    return copy;
}

static const char *const known_languages[] = {"<|en|>", "<|de|>", "<|fr|>", "<|es|>", "<|ja|>", "<|zh|>"};

static bool config_valid(const ov_genai_whisper_generation_config *config) {
    if (config->base.num_return_sequences != 1) return false;
    if (!config->is_multilingual && (config->language || config->task)) return false;
    if (config->task && strcmp(config->task, "transcribe") != 0 && strcmp(config->task, "translate") != 0) {
        return false;
    }
    if (config->language) {
        bool known = false;
        for (size_t i = 0; i < sizeof known_languages / sizeof known_languages[0]; i++) {
            known = known || strcmp(config->language, known_languages[i]) == 0;
        }
        if (!known) return false;
    }
    return true;
}

ov_status_e ov_genai_whisper_generation_config_create(ov_genai_whisper_generation_config **config) {
    if (!config) {
        return INVALID_C_PARAM;
    }
    *config = new_config();
    return *config ? OK : UNKNOW_EXCEPTION;
}

ov_status_e ov_genai_whisper_generation_config_create_from_json(const char *json_path,
                                                                ov_genai_whisper_generation_config **config) {
    if (!json_path || !config) {
        return INVALID_C_PARAM;
    }
    /* Reads the generation part through the plain config reader; whisper keys keep defaults. */
    ov_genai_generation_config *base = NULL;
    ov_status_e status = ov_genai_generation_config_create_from_json(json_path, &base);
    if (status != OK) {
        return status;
    }
    ov_genai_whisper_generation_config *created = new_config();
    if (created) {
        settings_clear(&created->base);
        if (!settings_copy(&created->base, &base->settings)) {
            ov_genai_whisper_generation_config_free(created);
            created = NULL;
        }
    }
    ov_genai_generation_config_free(base);
    *config = created;
    return created ? OK : UNKNOW_EXCEPTION;
}

void ov_genai_whisper_generation_config_free(ov_genai_whisper_generation_config *config) {
    if (!is_config(config)) {
        return;
    }
    config_release_fields(config);
    object_delete(config);
}

ov_status_e ov_genai_whisper_generation_config_get_generation_config(
    const ov_genai_whisper_generation_config *config, ov_genai_generation_config **generation_config) {
    if (!is_config(config) || !generation_config) {
        return INVALID_C_PARAM;
    }
    *generation_config = generation_config_from_settings(&config->base);
    return *generation_config ? OK : UNKNOW_EXCEPTION;
}

#define SCALAR_ACCESSORS(name, type, field)                                                                  \
    ov_status_e ov_genai_whisper_generation_config_set_##name(ov_genai_whisper_generation_config *config,    \
                                                              type value) {                                  \
        if (!is_config(config)) {                                                                            \
            return INVALID_C_PARAM;                                                                          \
        }                                                                                                    \
        config->field = value;                                                                               \
        return OK;                                                                                           \
    }                                                                                                        \
    ov_status_e ov_genai_whisper_generation_config_get_##name(const ov_genai_whisper_generation_config *config, \
                                                              type *value) {                                 \
        if (!is_config(config) || !value) {                                                                  \
            return INVALID_C_PARAM;                                                                          \
        }                                                                                                    \
        *value = config->field;                                                                              \
        return OK;                                                                                           \
    }

SCALAR_ACCESSORS(decoder_start_token_id, int64_t, decoder_start_token_id)
SCALAR_ACCESSORS(pad_token_id, int64_t, pad_token_id)
SCALAR_ACCESSORS(translate_token_id, int64_t, translate_token_id)
SCALAR_ACCESSORS(transcribe_token_id, int64_t, transcribe_token_id)
SCALAR_ACCESSORS(prev_sot_token_id, int64_t, prev_sot_token_id)
SCALAR_ACCESSORS(no_timestamps_token_id, int64_t, no_timestamps_token_id)
SCALAR_ACCESSORS(max_initial_timestamp_index, size_t, max_initial_timestamp_index)
SCALAR_ACCESSORS(is_multilingual, bool, is_multilingual)
SCALAR_ACCESSORS(return_timestamps, bool, return_timestamps)

/* Optional strings: setting NULL unsets; reading an unset one is NOT_FOUND, as upstream. */
#define STRING_ACCESSORS(name)                                                                               \
    ov_status_e ov_genai_whisper_generation_config_set_##name(ov_genai_whisper_generation_config *config,    \
                                                              const char *value) {                           \
        if (!is_config(config)) {                                                                            \
            return INVALID_C_PARAM;                                                                          \
        }                                                                                                    \
        return replace_string(&config->name, value) ? OK : UNKNOW_EXCEPTION;                                 \
    }

STRING_ACCESSORS(language)
STRING_ACCESSORS(task)
STRING_ACCESSORS(initial_prompt)
STRING_ACCESSORS(hotwords)

static ov_status_e get_optional_string(const ov_genai_whisper_generation_config *config, const char *value,
                                       char *buffer, size_t *size) {
    if (!is_config(config) || !size) {
        return INVALID_C_PARAM;
    }
    if (!value) {
        return NOT_FOUND;
    }
    return (ov_status_e)copy_out_string(value, buffer, size, OK, OUT_OF_BOUNDS);
}

ov_status_e ov_genai_whisper_generation_config_get_language(const ov_genai_whisper_generation_config *config,
                                                            char *language, size_t *language_size) {
    return get_optional_string(config, is_config(config) ? config->language : NULL, language, language_size);
}

ov_status_e ov_genai_whisper_generation_config_get_task(const ov_genai_whisper_generation_config *config, char *task,
                                                        size_t *task_size) {
    return get_optional_string(config, is_config(config) ? config->task : NULL, task, task_size);
}

ov_status_e ov_genai_whisper_generation_config_get_initial_prompt(const ov_genai_whisper_generation_config *config,
                                                                  char *initial_prompt, size_t *prompt_size) {
    return get_optional_string(config, is_config(config) ? config->initial_prompt : NULL, initial_prompt,
                               prompt_size);
}

ov_status_e ov_genai_whisper_generation_config_get_hotwords(const ov_genai_whisper_generation_config *config,
                                                            char *hotwords, size_t *hotwords_size) {
    return get_optional_string(config, is_config(config) ? config->hotwords : NULL, hotwords, hotwords_size);
}

/* Token lists: set copies (NULL or 0 clears); get needs a big enough array (count from *_count). */
#define TOKEN_LIST_ACCESSORS(name)                                                                              \
    ov_status_e ov_genai_whisper_generation_config_set_##name(ov_genai_whisper_generation_config *config,       \
                                                              const int64_t *tokens, size_t tokens_count) {     \
        if (!is_config(config)) {                                                                               \
            return INVALID_C_PARAM;                                                                             \
        }                                                                                                       \
        return replace_tokens(&config->name, tokens, tokens_count) ? OK : UNKNOW_EXCEPTION;                     \
    }                                                                                                           \
    ov_status_e ov_genai_whisper_generation_config_get_##name##_count(                                          \
        const ov_genai_whisper_generation_config *config, size_t *tokens_count) {                               \
        if (!is_config(config) || !tokens_count) {                                                              \
            return INVALID_C_PARAM;                                                                             \
        }                                                                                                       \
        *tokens_count = config->name.count;                                                                     \
        return OK;                                                                                              \
    }                                                                                                           \
    ov_status_e ov_genai_whisper_generation_config_get_##name(const ov_genai_whisper_generation_config *config, \
                                                              int64_t *tokens, size_t tokens_count) {           \
        if (!is_config(config) || !tokens) {                                                                    \
            return INVALID_C_PARAM;                                                                             \
        }                                                                                                       \
        if (tokens_count < config->name.count) {                                                                \
            return OUT_OF_BOUNDS;                                                                               \
        }                                                                                                       \
        if (config->name.count > 0) {                                                                           \
            memcpy(tokens, config->name.items, config->name.count * sizeof *tokens);                            \
        }                                                                                                       \
        return OK;                                                                                              \
    }

TOKEN_LIST_ACCESSORS(begin_suppress_tokens)
TOKEN_LIST_ACCESSORS(suppress_tokens)

ov_status_e ov_genai_whisper_generation_config_validate(ov_genai_whisper_generation_config *config) {
    if (!is_config(config)) {
        return INVALID_C_PARAM;
    }
    return config_valid(config) ? OK : UNKNOW_EXCEPTION;
}

/* ---- decoded results ---- */

struct ov_genai_whisper_decoded_result_chunk_opaque {
    object_header header;
    float start_ts, end_ts;
    char *text;
};

typedef struct {
    float start_ts, end_ts;
    char *text;
} chunk_values;

struct ov_genai_whisper_decoded_results_opaque {
    object_header header;
    char *text;        /* NULL: no texts at all (a freshly created result) */
    float score;
    bool has_chunks;   /* std::optional upstream: only when timestamps were asked for */
    chunk_values *chunks;
    size_t chunk_count;
    perf_values perf;
};

static ov_genai_whisper_decoded_result_chunk *new_chunk(float start_ts, float end_ts, const char *text) {
    ov_genai_whisper_decoded_result_chunk *chunk = object_new(sizeof *chunk, KIND_WHISPER_CHUNK);
    if (chunk && !(chunk->text = string_duplicate(text))) {
        object_delete(chunk);
        return NULL;
    }
    if (chunk) {
        chunk->start_ts = start_ts;
        chunk->end_ts = end_ts;
    }
    return chunk;
}

ov_status_e ov_genai_whisper_decoded_result_chunk_create(ov_genai_whisper_decoded_result_chunk **chunk) {
    if (!chunk) {
        return INVALID_C_PARAM;
    }
    *chunk = new_chunk(0.0f, 0.0f, "");
    return *chunk ? OK : UNKNOW_EXCEPTION;
}

void ov_genai_whisper_decoded_result_chunk_free(ov_genai_whisper_decoded_result_chunk *chunk) {
    if (!object_is(chunk, KIND_WHISPER_CHUNK)) {
        return;
    }
    free(chunk->text);
    object_delete(chunk);
}

ov_status_e ov_genai_whisper_decoded_result_chunk_get_start_ts(const ov_genai_whisper_decoded_result_chunk *chunk,
                                                               float *start_ts) {
    if (!object_is(chunk, KIND_WHISPER_CHUNK) || !start_ts) {
        return INVALID_C_PARAM;
    }
    *start_ts = chunk->start_ts;
    return OK;
}

ov_status_e ov_genai_whisper_decoded_result_chunk_get_end_ts(const ov_genai_whisper_decoded_result_chunk *chunk,
                                                             float *end_ts) {
    if (!object_is(chunk, KIND_WHISPER_CHUNK) || !end_ts) {
        return INVALID_C_PARAM;
    }
    *end_ts = chunk->end_ts;
    return OK;
}

ov_status_e ov_genai_whisper_decoded_result_chunk_get_text(const ov_genai_whisper_decoded_result_chunk *chunk,
                                                           char *text, size_t *text_size) {
    if (!object_is(chunk, KIND_WHISPER_CHUNK) || !text_size) {
        return INVALID_C_PARAM;
    }
    return (ov_status_e)copy_out_string(chunk->text, text, text_size, OK, OUT_OF_BOUNDS);
}

static bool is_results(const ov_genai_whisper_decoded_results *results) {
    return object_is(results, KIND_WHISPER_DECODED_RESULTS);
}

ov_status_e ov_genai_whisper_decoded_results_create(ov_genai_whisper_decoded_results **results) {
    if (!results) {
        return INVALID_C_PARAM;
    }
    *results = object_new(sizeof **results, KIND_WHISPER_DECODED_RESULTS);
    return *results ? OK : UNKNOW_EXCEPTION;
}

void ov_genai_whisper_decoded_results_free(ov_genai_whisper_decoded_results *results) {
    if (!is_results(results)) {
        return;
    }
    for (size_t i = 0; i < results->chunk_count; i++) {
        free(results->chunks[i].text);
    }
    free(results->chunks);
    free(results->text);
    object_delete(results);
}

ov_status_e ov_genai_whisper_decoded_results_get_perf_metrics(const ov_genai_whisper_decoded_results *results,
                                                              ov_genai_perf_metrics **metrics) {
    if (!is_results(results) || !metrics) {
        return INVALID_C_PARAM;
    }
    *metrics = perf_metrics_new(&results->perf);
    return *metrics ? OK : UNKNOW_EXCEPTION;
}

ov_status_e ov_genai_whisper_decoded_results_get_texts_count(const ov_genai_whisper_decoded_results *results,
                                                             size_t *count) {
    if (!is_results(results) || !count) {
        return INVALID_C_PARAM;
    }
    *count = results->text ? 1 : 0;
    return OK;
}

ov_status_e ov_genai_whisper_decoded_results_get_text_at(const ov_genai_whisper_decoded_results *results,
                                                         size_t index, char *text, size_t *text_size) {
    if (!is_results(results) || !text_size) {
        return INVALID_C_PARAM;
    }
    if (!results->text || index > 0) {
        return OUT_OF_BOUNDS;
    }
    return (ov_status_e)copy_out_string(results->text, text, text_size, OK, OUT_OF_BOUNDS);
}

ov_status_e ov_genai_whisper_decoded_results_get_score_at(const ov_genai_whisper_decoded_results *results,
                                                          size_t index, float *score) {
    if (!is_results(results) || !score) {
        return INVALID_C_PARAM;
    }
    if (!results->text || index > 0) {
        return OUT_OF_BOUNDS;
    }
    *score = results->score;
    return OK;
}

ov_status_e ov_genai_whisper_decoded_results_has_chunks(const ov_genai_whisper_decoded_results *results,
                                                        bool *has_chunks) {
    if (!is_results(results) || !has_chunks) {
        return INVALID_C_PARAM;
    }
    *has_chunks = results->has_chunks;
    return OK;
}

ov_status_e ov_genai_whisper_decoded_results_get_chunks_count(const ov_genai_whisper_decoded_results *results,
                                                              size_t *count) {
    if (!is_results(results) || !count) {
        return INVALID_C_PARAM;
    }
    *count = results->chunk_count;
    return OK;
}

ov_status_e ov_genai_whisper_decoded_results_get_chunk_at(const ov_genai_whisper_decoded_results *results,
                                                          size_t index, ov_genai_whisper_decoded_result_chunk **chunk) {
    if (!is_results(results) || !chunk) {
        return INVALID_C_PARAM;
    }
    if (!results->has_chunks) {
        return NOT_FOUND;
    }
    if (index >= results->chunk_count) {
        return OUT_OF_BOUNDS;
    }
    const chunk_values *values = &results->chunks[index];
    *chunk = new_chunk(values->start_ts, values->end_ts, values->text);
    return *chunk ? OK : UNKNOW_EXCEPTION;
}

ov_status_e ov_genai_whisper_decoded_results_get_string(const ov_genai_whisper_decoded_results *results,
                                                        char *output, size_t *output_size) {
    if (!is_results(results) || !output_size) {
        return INVALID_C_PARAM;
    }
    return (ov_status_e)copy_out_string(results->text ? results->text : "", output, output_size, OK, OUT_OF_BOUNDS);
}

/* ---- pipeline ---- */

struct ov_genai_whisper_pipeline_opaque {
    object_header header;
    pipeline_options options;
    ov_genai_whisper_generation_config *config;
};

static bool is_pipeline(const ov_genai_whisper_pipeline *pipeline) {
    return object_is(pipeline, KIND_WHISPER_PIPELINE);
}

ov_status_e ov_genai_whisper_pipeline_create(const char *models_path, const char *device,
                                             const size_t property_args_size, ov_genai_whisper_pipeline **pipeline,
                                             ...) {
    if (!pipeline) {
        return INVALID_C_PARAM;
    }
    pipeline_options options;
    va_list properties;
    va_start(properties, pipeline);
    ov_status_e status = read_pipeline_arguments(models_path, device, property_args_size, &properties, &options);
    va_end(properties);
    if (status != OK) {
        return status;
    }
    ov_genai_whisper_pipeline *created = object_new(sizeof *created, KIND_WHISPER_PIPELINE);
    ov_genai_whisper_generation_config *config = new_config();
    static const int64_t begin_suppress[] = {220, 50257}; /* what whisper models ship */
    if (!created || !config || !replace_tokens(&config->begin_suppress_tokens, begin_suppress, 2)) {
        ov_genai_whisper_generation_config_free(config);
        object_delete(created);
        return UNKNOW_EXCEPTION;
    }
    config->base.max_new_tokens = 448;
    created->options = options;
    created->config = config;
    *pipeline = created;
    return OK;
}

void ov_genai_whisper_pipeline_free(ov_genai_whisper_pipeline *pipeline) {
    if (!is_pipeline(pipeline)) {
        return;
    }
    ov_genai_whisper_generation_config_free(pipeline->config);
    object_delete(pipeline);
}

/* Spoken words: a pure function of the audio and the config. Translation speaks English. */
static const char *const spoken_words[] = {" Hello", " world", " café", " 世界", " 🚀", " the", " quick",
                                           " fox",   " jumps", " over", " lazy", " dog", " naïve"};
static const char *const english_words[] = {" Hello", " world", " the", " quick", " fox", " jumps", " over"};

static uint64_t audio_seed(const float *samples, size_t count, const ov_genai_whisper_generation_config *config) {
    uint64_t seed = hash_bytes(HASH_SEED, &count, sizeof count);
    for (size_t i = 0; i < count; i++) {
        int32_t level = (int32_t)lrintf(samples[i] * 1000.0f); /* robust to float noise */
        seed = hash_bytes(seed, &level, sizeof level);
    }
    const char *parts[] = {config->language, config->task, config->initial_prompt, config->hotwords};
    for (size_t i = 0; i < 4; i++) {
        if (parts[i]) {
            seed = hash_bytes(seed, parts[i], strlen(parts[i]) + 1);
        }
    }
    return seed;
}

static bool transcribe(const float *samples, size_t count, const ov_genai_whisper_generation_config *config,
                       ov_genai_whisper_decoded_results *results) {
    bool translate = config->task && strcmp(config->task, "translate") == 0;
    const char *const *pool = translate ? english_words : spoken_words;
    size_t pool_size = translate ? sizeof english_words / sizeof english_words[0]
                                 : sizeof spoken_words / sizeof spoken_words[0];
    float seconds = (float)count / SAMPLE_RATE;
    size_t samples_per_word = (size_t)(SAMPLE_RATE * SECONDS_PER_WORD);
    size_t word_count = (count + samples_per_word - 1) / samples_per_word; /* one per started half second */
    if (word_count > MAX_WORDS) word_count = MAX_WORDS;
    if (config->base.max_new_tokens < word_count) word_count = config->base.max_new_tokens;

    uint64_t random_state = audio_seed(samples, count, config);
    const char *chosen[MAX_WORDS];
    byte_buffer text = {0};
    bool ok = buffer_append(&text, "", 0);
    for (size_t i = 0; ok && i < word_count; i++) {
        chosen[i] = pool[next_random(&random_state) % pool_size];
        ok = buffer_append_string(&text, chosen[i]);
    }
    results->text = text.data;
    results->score = -0.125f * (float)word_count;
    results->has_chunks = config->return_timestamps;
    if (ok && config->return_timestamps && word_count > 0) {
        size_t chunk_count = (word_count + WORDS_PER_CHUNK - 1) / WORDS_PER_CHUNK;
        results->chunks = calloc(chunk_count, sizeof *results->chunks);
        ok = results->chunks != NULL;
        for (size_t c = 0; ok && c < chunk_count; c++) {
            size_t first = c * WORDS_PER_CHUNK;
            size_t last = first + WORDS_PER_CHUNK < word_count ? first + WORDS_PER_CHUNK : word_count;
            byte_buffer chunk_text = {0};
            ok = buffer_append(&chunk_text, "", 0);
            for (size_t w = first; ok && w < last; w++) {
                ok = buffer_append_string(&chunk_text, chosen[w]);
            }
            float end = (float)last * SECONDS_PER_WORD;
            results->chunks[c] = (chunk_values){(float)first * SECONDS_PER_WORD, end < seconds ? end : seconds,
                                                chunk_text.data};
            results->chunk_count = c + 1;
        }
    }
    if (ok) {
        perf_values_for_generation(&results->perf, 25.0f, count / 400 + 1, word_count + 1);
    }
    return ok;
}

/* Measured on the real 2026.3 library: 200 samples or fewer (the feature extractor's window needs
 * more), or a sample whose square is not a finite float (NaN, infinite, or |x| above about 1.8e19:
 * 1e19 passes, 2e19 fails), make generate fail with UNKNOW_EXCEPTION. */
#define MIN_SPEECH_SAMPLES 201

static bool speech_usable(const float *samples, size_t count) {
    if (count < MIN_SPEECH_SAMPLES) return false;
    for (size_t i = 0; i < count; i++) {
        float square = samples[i] * samples[i];
        if (!isfinite(square)) return false;
    }
    return true;
}

ov_status_e ov_genai_whisper_pipeline_generate(ov_genai_whisper_pipeline *pipeline, const float *raw_speech,
                                               size_t raw_speech_size,
                                               const ov_genai_whisper_generation_config *config,
                                               ov_genai_whisper_decoded_results **results) {
    if (!is_pipeline(pipeline) || !raw_speech || !results || (config && !is_config(config))) {
        return INVALID_C_PARAM;
    }
    const ov_genai_whisper_generation_config *effective = config ? config : pipeline->config;
    if (!config_valid(effective)) {
        return UNKNOW_EXCEPTION;
    }
    if (!speech_usable(raw_speech, raw_speech_size)) {
        return UNKNOW_EXCEPTION;
    }
    ov_genai_whisper_decoded_results *created = object_new(sizeof *created, KIND_WHISPER_DECODED_RESULTS);
    if (!created) {
        return UNKNOW_EXCEPTION;
    }
    if (!transcribe(raw_speech, raw_speech_size, effective, created)) {
        ov_genai_whisper_decoded_results_free(created);
        return UNKNOW_EXCEPTION;
    }
    *results = created;
    return OK;
}

ov_status_e ov_genai_whisper_pipeline_get_generation_config(const ov_genai_whisper_pipeline *pipeline,
                                                            ov_genai_whisper_generation_config **config) {
    if (!is_pipeline(pipeline) || !config) {
        return INVALID_C_PARAM;
    }
    *config = copy_config(pipeline->config);
    return *config ? OK : UNKNOW_EXCEPTION;
}

ov_status_e ov_genai_whisper_pipeline_set_generation_config(ov_genai_whisper_pipeline *pipeline,
                                                            ov_genai_whisper_generation_config *config) {
    if (!is_pipeline(pipeline) || !is_config(config)) {
        return INVALID_C_PARAM;
    }
    if (!config_valid(config)) {
        return UNKNOW_EXCEPTION;
    }
    ov_genai_whisper_generation_config *copy = copy_config(config);
    if (!copy) {
        return UNKNOW_EXCEPTION;
    }
    ov_genai_whisper_generation_config_free(pipeline->config);
    pipeline->config = copy;
    return OK;
}
