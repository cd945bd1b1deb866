/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * What the LLM and VLM pipelines share: argument checks at creation, the pipeline's own
 * generation config, chat mode with its history, and one generate call.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "double.h"

#define LOAD_TIME_MS 25.0f

static const char *const known_devices[] = {"CPU", "GPU", "NPU", "AUTO"};

/* Upstream refuses a property its plugins do not know (-17); these are the ones the double knows. */
static const char *const known_properties[] = {
    "ATTENTION_BACKEND", "INFERENCE_PRECISION_HINT", "PERFORMANCE_HINT", "NUM_STREAMS", "INFERENCE_NUM_THREADS",
    "CACHE_DIR", "ENABLE_MMAP", "KV_CACHE_PRECISION", "DYNAMIC_QUANTIZATION_GROUP_SIZE", "MAX_PROMPT_LEN",
    "MIN_RESPONSE_LEN", "GENERATE_HINT", "LOG_LEVEL", "ENABLE_PROFILING", "CACHE_ENCRYPTION_CALLBACKS",
    "enable_save_ov_model", "prompt_lookup"};

static bool property_known(const char *key) {
    for (size_t i = 0; i < sizeof known_properties / sizeof known_properties[0]; i++) {
        if (strcmp(key, known_properties[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool device_known(const char *device) {
    for (size_t i = 0; i < sizeof known_devices / sizeof known_devices[0]; i++) {
        size_t length = strlen(known_devices[i]);
        if (strncmp(device, known_devices[i], length) == 0 && (device[length] == '\0' || device[length] == '.')) {
            return true;
        }
    }
    return false;
}

/* A model folder holding an IR's .xml without its .bin: the real library fails to read it (measured for
 * models and for the optional tokenizer/detokenizer). */
static bool has_unpaired_ir(const char *models_path) {
    DIR *dir = opendir(models_path);
    if (!dir) {
        return false; /* a file, or nothing */
    }
    bool unpaired = false;
    struct dirent *entry;
    while (!unpaired && (entry = readdir(dir)) != NULL) {
        size_t length = strlen(entry->d_name);
        if (length > 4 && strcmp(entry->d_name + length - 4, ".xml") == 0) {
            size_t size = strlen(models_path) + length + 2;
            char *weights = malloc(size);
            if (!weights) {
                break;
            }
            snprintf(weights, size, "%s/%.*s.bin", models_path, (int)(length - 4), entry->d_name);
            unpaired = !file_exists(weights);
            free(weights);
        }
    }
    closedir(dir);
    return unpaired;
}

/* An IR model folder (openvino_model.xml) without the tokenizer or the detokenizer: the real library
 * creates the pipeline and then fails every generate from text (measured). */
static bool lacks_tokenizer(const char *models_path) {
    const char *needed[] = {"openvino_model.xml", "openvino_tokenizer.xml", "openvino_detokenizer.xml"};
    bool present[3];
    for (size_t i = 0; i < 3; i++) {
        size_t size = strlen(models_path) + strlen(needed[i]) + 2;
        char *path = malloc(size);
        if (!path) {
            return false;
        }
        snprintf(path, size, "%s/%s", models_path, needed[i]);
        present[i] = file_exists(path);
        free(path);
    }
    return present[0] && !(present[1] && present[2]);
}

ov_status_e read_pipeline_arguments(const char *models_path, const char *device, size_t property_args_size,
                                    va_list *properties, pipeline_options *options) {
    if (!models_path || !device || property_args_size % 2 != 0) {
        return INVALID_C_PARAM;
    }
    options->stream_on_caller_thread = false; /* the default attention backend streams from a worker */
    options->load_time = LOAD_TIME_MS;
    options->no_tokenizer = lacks_tokenizer(models_path);
    bool unknown_property = false;
    for (size_t i = 0; i < property_args_size / 2; i++) {
        const char *key = va_arg(*properties, const char *);
        if (!key) {
            return INVALID_C_PARAM; /* upstream would build a std::string from NULL */
        }
        unknown_property = unknown_property || !property_known(key);
        if (strcmp(key, "CACHE_ENCRYPTION_CALLBACKS") == 0) {
            (void)va_arg(*properties, void *); /* a struct pointer, not a string: not ours to read */
            continue;
        }
        const char *value = va_arg(*properties, const char *);
        if (!value) {
            return INVALID_C_PARAM;
        }
        if (strcmp(key, "ATTENTION_BACKEND") == 0) {
            if (strcmp(value, "SDPA") == 0) {
                options->stream_on_caller_thread = true;
            } else if (strcmp(value, "PA") == 0) {
                options->stream_on_caller_thread = false;
            } else {
                unknown_property = true;
            }
        }
    }
    /* Like upstream, a missing model, an unknown device or a bad property is an exception; so is a
     * tokenizers library named by OPENVINO_TOKENIZERS_PATH_GENAI that is not there (measured upstream;
     * the double needs no tokenizers library otherwise). */
    const char *tokenizers = getenv("OPENVINO_TOKENIZERS_PATH_GENAI");
    bool tokenizers_missing = tokenizers && *tokenizers && !file_exists(tokenizers);
    if (!file_exists(models_path) || has_unpaired_ir(models_path) || !device_known(device) || unknown_property ||
        tokenizers_missing) {
        return UNKNOW_EXCEPTION;
    }
    return OK;
}

bool text_session_init(text_session *session, const pipeline_options *options, const char *models_path) {
    memset(session, 0, sizeof *session);
    session->options = *options;
    /* As upstream: the model folder's generation_config.json, then the tokenizer's end-of-sequence
     * token where the file gives none. */
    if (!settings_from_model_folder(&session->config, models_path)) {
        return false;
    }
    if (session->config.eos_token_id == -1) {
        settings_add_stop_token(&session->config, DOUBLE_EOS_TOKEN_ID);
        session->config.eos_token_id = DOUBLE_EOS_TOKEN_ID; /* from the "tokenizer" */
    }
    session->history = json_new(JSON_ARRAY);
    return session->history && pthread_mutex_init(&session->lock, NULL) == 0;
}

void text_session_destroy(text_session *session) {
    pthread_mutex_destroy(&session->lock);
    settings_clear(&session->config);
    json_release(session->history);
}

/* Short critical sections only: no lock is held while a generation streams, so nothing waits for
 * a running generate (the real library does not either) and a callback may call back in. */
static void enter(text_session *session) {
    pthread_mutex_lock(&session->lock);
}

static void leave(text_session *session) {
    pthread_mutex_unlock(&session->lock);
}

ov_status_e text_session_set_chat(text_session *session, bool in_chat) {
    enter(session);
    session->in_chat = in_chat;
    json_clear(session->history);
    leave(session);
    return OK;
}

ov_status_e text_session_get_config(text_session *session, ov_genai_generation_config **config) {
    enter(session);
    *config = generation_config_from_settings(&session->config);
    leave(session);
    return *config ? OK : UNKNOW_EXCEPTION;
}

/* A pipeline fills in its EOS token when a config has none (upstream does the same).
 * Called with the session lock held. */
static bool effective_settings(const text_session *session, const ov_genai_generation_config *config,
                               generation_settings *settings) {
    if (!settings_copy(settings, config ? &config->settings : &session->config)) {
        return false;
    }
    /* As upstream: a config without stop tokens takes the pipeline's, one without an end-of-sequence
     * token the pipeline's (which becomes a stop token too). */
    size_t inherited = settings->stop_token_count == 0 ? session->config.stop_token_count : 0;
    for (size_t i = 0; i < inherited; i++) {
        if (!settings_add_stop_token(settings, session->config.stop_token_ids[i])) return false;
    }
    if (settings->eos_token_id == -1) {
        settings->eos_token_id = session->config.eos_token_id;
        settings_add_stop_token(settings, settings->eos_token_id);
    }
    return true;
}

ov_status_e text_session_set_config(text_session *session, const ov_genai_generation_config *config) {
    generation_settings settings;
    enter(session);
    bool ok = effective_settings(session, config, &settings);
    leave(session);
    if (!ok) {
        return UNKNOW_EXCEPTION;
    }
    if (!settings_valid(&settings)) {
        settings_clear(&settings);
        return UNKNOW_EXCEPTION;
    }
    enter(session);
    settings_clear(&session->config);
    session->config = settings;
    leave(session);
    return OK;
}

static json_value *message(const char *role, const char *content) {
    json_value *object = json_new(JSON_OBJECT);
    if (object && (!json_object_set(object, "role", json_new_string(role)) ||
                   !json_object_set(object, "content", json_new_string(content)))) {
        json_release(object);
        return NULL;
    }
    return object;
}

/* Removes a chat turn's prompt from the history when it is still the last message. */
static void drop_prompt(text_session *session, const json_value *prompt_message) {
    json_value *history = session->history;
    if (prompt_message && history->count > 0 && history->items[history->count - 1] == prompt_message) {
        json_array_remove_last(history);
    }
}

/* Measured upstream: a chat turn that fails (an invalid config) leaves its prompt in the history
 * on the default backend, not with SDPA. Called with the session lock held. */
static void forget_failed_turn(text_session *session, const json_value *prompt_message) {
    if (session->options.stream_on_caller_thread) {
        drop_prompt(session, prompt_message);
    }
}

/* Whether a generate may start now; called with the session lock held. Measured upstream: a
 * generate on a pipeline whose generation is running fails at once (-17), except on the thread
 * running it, i.e. from inside its own streamer callback when that runs on the calling thread
 * (every call with SDPA, the final flush otherwise), where the inner generate runs normally. */
static bool may_start(text_session *session) {
    pthread_t self = pthread_self();
    if (session->running > 0 && !pthread_equal(session->runner, self)) {
        return false;
    }
    if (session->running++ == 0) {
        session->runner = self;
    }
    generation_started();
    return true;
}

ov_status_e text_session_generate(text_session *session, const text_input *input, const ov_genai_generation_config *config,
                                  const streamer_callback *streamer, char **text, perf_values *perf) {
    if (input->history && input->history->count == 0) {
        return UNKNOW_EXCEPTION; /* measured: upstream throws on an empty history */
    }
    if (session->options.no_tokenizer) {
        return UNKNOW_EXCEPTION; /* measured: text needs the tokenizer and the detokenizer */
    }
    bool chat_turn = !input->history && input->prompt;
    enter(session);
    chat_turn = chat_turn && session->in_chat;
    /* As upstream, a chat turn's prompt joins the history before the model runs; a cancelled turn
     * removes it, a refused or failed one only with SDPA (see forget_failed_turn). */
    json_value *prompt_message = NULL;
    if (chat_turn) {
        prompt_message = message("user", input->prompt);
        if (!prompt_message || !json_array_append(session->history, json_retain(prompt_message))) {
            json_release(prompt_message);
            leave(session);
            return UNKNOW_EXCEPTION;
        }
    }
    if (!may_start(session)) {
        forget_failed_turn(session, prompt_message);
        leave(session);
        json_release(prompt_message);
        return UNKNOW_EXCEPTION;
    }
    generation_settings settings;
    bool have_settings = effective_settings(session, config, &settings);
    bool ok = have_settings;
    /* The conversation the model sees: a given history, the pipeline's chat (prompt included), or the prompt. */
    json_value *conversation = NULL;
    if (ok && input->history) {
        conversation = json_deep_copy(input->history);
    } else if (ok && chat_turn) {
        conversation = json_deep_copy(session->history);
    } else if (ok) {
        conversation = json_new(JSON_ARRAY);
        ok = conversation && json_array_append(conversation, message("user", input->prompt));
    }
    leave(session);
    ok = ok && conversation != NULL;
    byte_buffer context = {0};
    ok = ok && render_messages(conversation, &context);
    if (ok && input->images > 0) {
        char images[64];
        snprintf(images, sizeof images, "<|images|>%zu:%016llx\n", input->images,
                 (unsigned long long)input->image_hash);
        ok = buffer_append_string(&context, images);
    }
    generation_outcome outcome = {0};
    ov_status_e status = UNKNOW_EXCEPTION;
    if (ok) {
        generation_request request = {
            .context = context.data,
            .context_tokens = count_prompt_tokens(context.data),
            .echo_prefix = input->prompt,
            .settings = &settings,
            .streamer = streamer,
            .on_worker_thread = !session->options.stream_on_caller_thread,
        };
        status = run_generation(&request, &outcome);
        if (status == OK) {
            perf_values_for_generation(perf, session->options.load_time, request.context_tokens,
                                       outcome.generated_tokens);
        }
    }
    enter(session);
    session->running--;
    generation_ended();
    /* Chat mode (if still on) keeps the turn unless the streamer cancelled it. */
    if (chat_turn && session->in_chat) {
        if (status != OK) {
            forget_failed_turn(session, prompt_message);
        } else if (outcome.cancelled) {
            drop_prompt(session, prompt_message);
        } else if (!json_array_append(session->history, message("assistant", outcome.text))) {
            status = UNKNOW_EXCEPTION;
        }
    }
    leave(session);
    json_release(prompt_message);
    buffer_free(&context);
    json_release(conversation);
    size_t sequences = have_settings ? settings.num_return_sequences : 1;
    if (have_settings) {
        settings_clear(&settings);
    }
    if (status == OK && sequences > 1) {
        /* Several sequences: the results' string form is upstream's operator<< (measured on the real
           2026.3 library): "<score>: <text>" lines, the score printed as std::to_string does ("%f"). The
           double's sequences are the answer and numbered variants of it, scores -0.5, -1.0, ... */
        byte_buffer joined = {0};
        bool fine = true;
        for (size_t i = 0; fine && i < sequences; i++) {
            char head[64];
            snprintf(head, sizeof head, "%s%f: ", i ? "\n" : "", -0.5 * (double)(i + 1));
            fine = buffer_append_string(&joined, head) && buffer_append_string(&joined, outcome.text);
            if (fine && i > 0) {
                char tail[32];
                snprintf(tail, sizeof tail, " #%zu", i);
                fine = buffer_append_string(&joined, tail);
            }
        }
        free(outcome.text);
        outcome.text = fine ? string_duplicate(joined.data ? joined.data : "") : NULL;
        buffer_free(&joined);
        if (!outcome.text) {
            status = UNKNOW_EXCEPTION;
        }
    }
    if (status == OK) {
        *text = outcome.text;
    } else {
        free(outcome.text);
    }
    return status;
}

ov_status_e check_generate_arguments(const ov_genai_generation_config *config, const streamer_callback *streamer,
                                     bool has_output) {
    if (!streamer && !has_output) {
        return INVALID_C_PARAM; /* nothing would observe the answer */
    }
    if (config && !object_is(config, KIND_GENERATION_CONFIG)) {
        return INVALID_C_PARAM;
    }
    if (streamer && !streamer->callback_func) {
        return INVALID_C_PARAM; /* upstream would call through NULL */
    }
    return OK;
}
