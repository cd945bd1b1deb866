/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * Internal declarations shared by the double's translation units. The public API comes from
 * the GenAI C headers (the set our tool renders, or the real ones); everything here is private.
 * Behaviour is specified in tests/double/README.md.
 */
#ifndef GENAI_DOUBLE_H
#define GENAI_DOUBLE_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvino/genai/c/chat_history.h"
#include "openvino/genai/c/generation_config.h"
#include "openvino/genai/c/json_container.h"
#include "openvino/genai/c/llm_pipeline.h"
#include "openvino/genai/c/perf_metrics.h"
#include "openvino/genai/c/vlm_pipeline.h"
#include "openvino/genai/c/whisper_generation_config.h"
#include "openvino/genai/c/whisper_pipeline.h"

#define DOUBLE_EXPORT __attribute__((visibility("default")))

/* ---- objects: every handle starts with a kind tag, so a wrong or freed handle is refused ---- */

typedef enum {
    KIND_FREED = 0,
    KIND_JSON_CONTAINER = 0x4a534f4e,
    KIND_CHAT_HISTORY,
    KIND_GENERATION_CONFIG,
    KIND_DECODED_RESULTS,
    KIND_LLM_PIPELINE,
    KIND_PERF_METRICS,
    KIND_VLM_DECODED_RESULTS,
    KIND_VLM_PIPELINE,
    KIND_WHISPER_GENERATION_CONFIG,
    KIND_WHISPER_CHUNK,
    KIND_WHISPER_DECODED_RESULTS,
    KIND_WHISPER_PIPELINE,
} object_kind;

typedef struct {
    object_kind kind;
} object_header;

/* Counts a generate call in progress (any pipeline); exit() during one aborts (common.c). */
void generation_started(void);
void generation_ended(void);

/* Allocates a zeroed object of `size` bytes tagged `kind` and counts it as live; NULL on OOM. */
void *object_new(size_t size, object_kind kind);
/* Untags, uncounts and frees an object; ignores NULL. */
void object_delete(void *object);
bool object_is(const void *object, object_kind kind);

/* ---- small utilities ---- */

char *string_duplicate(const char *text);
/* The two-call string getter convention of the real library: NULL buffer -> size only;
 * short buffer -> `short_status` and *size left untouched (the real library does not update it). */
int copy_out_string(const char *text, char *buffer, size_t *size, int ok_status, int short_status);
uint64_t hash_bytes(uint64_t hash, const void *data, size_t size);
#define HASH_SEED 1469598103934665603ULL
uint64_t next_random(uint64_t *state);
bool file_exists(const char *path);

/* A growable byte buffer. */
typedef struct {
    char *data;
    size_t length;
    size_t capacity;
} byte_buffer;

bool buffer_append(byte_buffer *buffer, const char *data, size_t length);
bool buffer_append_string(byte_buffer *buffer, const char *text);
void buffer_free(byte_buffer *buffer);

/* ---- JSON values (reference counted so containers can share storage, like the real library) ---- */

typedef enum { JSON_NULL, JSON_BOOL, JSON_INTEGER, JSON_FLOAT, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value json_value;
struct json_value {
    int references;
    json_type type;
    bool boolean;
    int64_t integer;
    double number;
    char *string;        /* JSON_STRING */
    json_value **items;  /* JSON_ARRAY elements or JSON_OBJECT values */
    char **keys;         /* JSON_OBJECT keys, insertion order */
    size_t count;
    size_t capacity;
};

json_value *json_new(json_type type);
json_value *json_new_string(const char *text);
json_value *json_retain(json_value *value);
void json_release(json_value *value);
json_value *json_deep_copy(const json_value *value);
/* Parses a whole document; NULL when it is not valid JSON. */
json_value *json_parse(const char *text);
/* Compact serialisation, insertion-ordered keys, UTF-8 kept as is (nlohmann dump() style). */
bool json_serialize(const json_value *value, byte_buffer *out);
bool json_array_append(json_value *array, json_value *item);            /* takes ownership */
bool json_object_set(json_value *object, const char *key, json_value *item); /* takes ownership */
const json_value *json_object_get(const json_value *object, const char *key);
void json_array_remove_last(json_value *array);
void json_clear(json_value *value);

/* A json container is a view: a root value, optionally narrowed to one element of an array root
 * (what the real library returns for chat history messages). */
struct ov_genai_json_container_opaque {
    object_header header;
    json_value *root;
    bool has_index;
    size_t index;
};
ov_genai_json_container *json_container_wrap(json_value *root, bool has_index, size_t index); /* takes root */
/* The value a container designates, or NULL when a narrowed view points past the end. */
const json_value *json_container_value(const ov_genai_json_container *container);

/* ---- chat history ---- */

struct ov_genai_chat_history_opaque {
    object_header header;
    json_value *messages;      /* array */
    json_value *tools;         /* array */
    json_value *extra_context; /* object */
};

/* ---- generation config ---- */

#define DOUBLE_UNSET_SIZE SIZE_MAX
#define DOUBLE_MAX_STOP_STRINGS 64

typedef struct {
    size_t max_new_tokens;
    size_t max_length;
    bool ignore_eos;
    size_t min_new_tokens;
    bool echo;
    size_t logprobs;
    char *stop_strings[DOUBLE_MAX_STOP_STRINGS]; /* sorted, unique (a std::set upstream) */
    size_t stop_string_count;
    bool include_stop_str_in_output;
    int64_t *stop_token_ids; /* sorted, unique (a std::set upstream); malloc'ed, owned */
    size_t stop_token_count;
    size_t stop_token_capacity;
    size_t num_beam_groups;
    size_t num_beams;
    float diversity_penalty;
    float length_penalty;
    size_t num_return_sequences;
    size_t no_repeat_ngram_size;
    int stop_criteria;
    float temperature;
    float top_p;
    size_t top_k;
    float min_p;
    bool do_sample;
    float repetition_penalty;
    float presence_penalty;
    float frequency_penalty;
    size_t rng_seed;
    float assistant_confidence_threshold;
    size_t num_assistant_tokens;
    size_t max_ngram_size;
    int64_t eos_token_id;
} generation_settings;

struct ov_genai_generation_config_opaque {
    object_header header;
    generation_settings settings;
};

void settings_init(generation_settings *settings);
bool settings_copy(generation_settings *target, const generation_settings *source);
void settings_clear(generation_settings *settings);
bool settings_add_stop_token(generation_settings *settings, int64_t token);
/* The config a pipeline starts from: <models_path>/generation_config.json as upstream reads it, or
 * the defaults; false when the file does not read (upstream's pipeline creation throws). */
bool settings_from_model_folder(generation_settings *settings, const char *models_path);
/* GenerationConfig::validate() rules the double enforces; false means the real one would throw. */
bool settings_valid(const generation_settings *settings);
ov_genai_generation_config *generation_config_from_settings(const generation_settings *settings);

/* ---- perf metrics: every duration is kept as (count, sum, sum of squares) so add_in_place is exact ---- */

typedef struct {
    double count;
    double sum;
    double sum_squares;
} metric_samples;

typedef struct {
    float load_time;
    size_t num_generated_tokens;
    size_t num_input_tokens;
    metric_samples ttft, tpot, ipot, inference, generate, tokenization, detokenization, chat_template;
} perf_values;

struct ov_genai_perf_metrics_opaque {
    object_header header;
    perf_values values;
};

void metric_add_sample(metric_samples *metric, double value, double times);
/* Synthetic but plausible timings of one generate call (milliseconds, deterministic). */
void perf_values_for_generation(perf_values *values, float load_time, size_t input_tokens, size_t generated_tokens);
ov_genai_perf_metrics *perf_metrics_new(const perf_values *values);

/* ---- the fake language model and its streamer ---- */

#define DOUBLE_EOS_TOKEN_ID 2

/* One generation: the prompt context to hash, and what the caller wants. */
typedef struct {
    const char *context;       /* rendered conversation, decides the words */
    size_t context_tokens;     /* for perf metrics */
    const char *echo_prefix;   /* prepended to the result when settings.echo */
    const generation_settings *settings;
    const streamer_callback *streamer; /* may be NULL */
    bool on_worker_thread;
} generation_request;

typedef struct {
    char *text;              /* decoded, valid UTF-8 */
    size_t generated_tokens;
    bool cancelled;          /* the streamer returned CANCEL */
    bool stopped;            /* the streamer returned STOP */
} generation_outcome;

/* Plans the token sequence, streams it (on a worker thread when asked) and decodes the result.
 * Returns OK, or UNKNOW_EXCEPTION when the config is invalid, or another status. */
ov_status_e run_generation(const generation_request *request, generation_outcome *outcome);
size_t count_prompt_tokens(const char *text);

/* ---- pipelines ---- */

/* Pipeline creation: validates arguments the way the real library does and reads properties. */
typedef struct {
    bool stream_on_caller_thread; /* ATTENTION_BACKEND=SDPA */
    float load_time;
    bool no_tokenizer; /* an IR folder without openvino_tokenizer.xml or openvino_detokenizer.xml */
} pipeline_options;

ov_status_e read_pipeline_arguments(const char *models_path, const char *device, size_t property_args_size,
                                    va_list *properties, pipeline_options *options);

/* The state the LLM and VLM pipelines share. */
typedef struct {
    pthread_mutex_t lock; /* held only briefly, never while streaming */
    int running;          /* generate calls in progress: 1, or more when a callback called back in */
    pthread_t runner;     /* the thread running them (valid while running > 0) */
    pipeline_options options;
    generation_settings config;
    bool in_chat;
    json_value *history; /* array of {role, content} while in chat mode */
} text_session;

/* One generate call's input: a prompt (the pipeline's chat applies) or a whole history. */
typedef struct {
    const char *prompt;
    const json_value *history;
    size_t images;       /* how many images the model sees (VLM) */
    uint64_t image_hash; /* of their pixels, when images > 0 */
} text_input;

bool text_session_init(text_session *session, const pipeline_options *options, const char *models_path);
void text_session_destroy(text_session *session);
ov_status_e text_session_set_chat(text_session *session, bool in_chat);
ov_status_e text_session_get_config(text_session *session, ov_genai_generation_config **config);
ov_status_e text_session_set_config(text_session *session, const ov_genai_generation_config *config);
/* On OK, *text is the decoded answer (malloc'ed) and *perf its metrics. */
ov_status_e text_session_generate(text_session *session, const text_input *input,
                                  const ov_genai_generation_config *config, const streamer_callback *streamer,
                                  char **text, perf_values *perf);
/* Checks shared by every generate entry point; OK when the arguments are usable. */
ov_status_e check_generate_arguments(const ov_genai_generation_config *config, const streamer_callback *streamer,
                                     bool has_output);

/* The LLM and VLM pipelines and their decoded results differ only in their C type names (and the
 * VLM's images): each opaque struct holds one of these as its only member, and the entry points of
 * llm_pipeline.c / vlm_pipeline.c forward here with their object kinds (text_pipeline.c). */
typedef struct {
    object_header header;
    char *text;
    perf_values perf;
} decoded_text;

typedef struct {
    object_header header;
    text_session session;
} text_pipeline;

ov_status_e decoded_text_create(object_kind kind, decoded_text **results);
void decoded_text_free(decoded_text *results, object_kind kind);
ov_status_e decoded_text_get_perf_metrics(const decoded_text *results, object_kind kind,
                                          ov_genai_perf_metrics **metrics);
void decoded_text_perf_metrics_free(ov_genai_perf_metrics *metrics);
ov_status_e decoded_text_get_string(const decoded_text *results, object_kind kind, char *output, size_t *output_size);

ov_status_e text_pipeline_create(object_kind kind, const char *models_path, const char *device,
                                 size_t property_args_size, va_list *properties, text_pipeline **pipe);
void text_pipeline_free(text_pipeline *pipe, object_kind kind);
/* `results` may be NULL (streaming only); on OK it receives a new decoded_text of `results_kind`. */
ov_status_e text_pipeline_generate(text_pipeline *pipe, object_kind results_kind, const text_input *input,
                                   const ov_genai_generation_config *config, const streamer_callback *streamer,
                                   decoded_text **results);
ov_status_e text_pipeline_set_chat(text_pipeline *pipe, object_kind kind, bool in_chat);
ov_status_e text_pipeline_get_config(const text_pipeline *pipe, object_kind kind,
                                     ov_genai_generation_config **config);
ov_status_e text_pipeline_set_config(text_pipeline *pipe, object_kind kind, ov_genai_generation_config *config);

/* Renders a chat history (array of {role, content}) into the text the fake model hashes. */
bool render_messages(const json_value *messages, byte_buffer *out);

#endif /* GENAI_DOUBLE_H */
