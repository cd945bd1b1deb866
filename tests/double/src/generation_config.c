/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * ov_genai_generation_config_*: the fields of GenerationConfig with upstream defaults, the
 * validate() rules that matter to callers, and reading a generation_config.json file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "double.h"

void settings_init(generation_settings *settings) {
    memset(settings, 0, sizeof *settings);
    settings->max_new_tokens = DOUBLE_UNSET_SIZE;
    settings->max_length = DOUBLE_UNSET_SIZE;
    settings->num_beam_groups = 1;
    settings->num_beams = 1;
    settings->length_penalty = 1.0f;
    settings->num_return_sequences = 1;
    settings->no_repeat_ngram_size = DOUBLE_UNSET_SIZE;
    settings->stop_criteria = 1; /* HEURISTIC */
    settings->temperature = 1.0f;
    settings->top_p = 1.0f;
    settings->top_k = DOUBLE_UNSET_SIZE;
    settings->repetition_penalty = 1.0f;
    settings->eos_token_id = -1;
}

void settings_clear(generation_settings *settings) {
    for (size_t i = 0; i < settings->stop_string_count; i++) {
        free(settings->stop_strings[i]);
    }
    settings->stop_string_count = 0;
    free(settings->stop_token_ids);
    settings->stop_token_ids = NULL;
    settings->stop_token_count = settings->stop_token_capacity = 0;
}

bool settings_copy(generation_settings *target, const generation_settings *source) {
    *target = *source;
    target->stop_token_ids = NULL;
    target->stop_token_capacity = 0;
    target->stop_string_count = 0;
    if (source->stop_token_count > 0) {
        target->stop_token_ids = malloc(source->stop_token_count * sizeof(int64_t));
        if (!target->stop_token_ids) {
            target->stop_token_count = 0;
            return false;
        }
        memcpy(target->stop_token_ids, source->stop_token_ids, source->stop_token_count * sizeof(int64_t));
        target->stop_token_capacity = source->stop_token_count;
    }
    target->stop_string_count = source->stop_string_count;
    for (size_t i = 0; i < source->stop_string_count; i++) {
        target->stop_strings[i] = string_duplicate(source->stop_strings[i]);
        if (!target->stop_strings[i]) {
            target->stop_string_count = i;
            settings_clear(target);
            return false;
        }
    }
    return true;
}

/* Inserts into a sorted unique set, like std::set<int64_t>. */
bool settings_add_stop_token(generation_settings *settings, int64_t token) {
    size_t position = 0, end = settings->stop_token_count; /* binary search: the first id >= token */
    while (position < end) {
        size_t middle = position + (end - position) / 2;
        if (settings->stop_token_ids[middle] < token) position = middle + 1; else end = middle;
    }
    if (position < settings->stop_token_count && settings->stop_token_ids[position] == token) {
        return true;
    }
    if (settings->stop_token_count == settings->stop_token_capacity) {
        size_t capacity = settings->stop_token_capacity ? 2 * settings->stop_token_capacity : 8;
        int64_t *grown = realloc(settings->stop_token_ids, capacity * sizeof(int64_t));
        if (!grown) {
            return false;
        }
        settings->stop_token_ids = grown;
        settings->stop_token_capacity = capacity;
    }
    memmove(&settings->stop_token_ids[position + 1], &settings->stop_token_ids[position],
            (settings->stop_token_count - position) * sizeof(int64_t));
    settings->stop_token_ids[position] = token;
    settings->stop_token_count++;
    return true;
}

/* Inserts into a sorted unique set, like std::set<std::string>. */
static bool settings_add_stop_string(generation_settings *settings, const char *text) {
    size_t position = 0;
    while (position < settings->stop_string_count && strcmp(settings->stop_strings[position], text) < 0) {
        position++;
    }
    if (position < settings->stop_string_count && strcmp(settings->stop_strings[position], text) == 0) {
        return true;
    }
    char *copy = string_duplicate(text);
    if (!copy || settings->stop_string_count == DOUBLE_MAX_STOP_STRINGS) {
        free(copy);
        return false;
    }
    memmove(&settings->stop_strings[position + 1], &settings->stop_strings[position],
            (settings->stop_string_count - position) * sizeof(char *));
    settings->stop_strings[position] = copy;
    settings->stop_string_count++;
    return true;
}

static bool has_stop_token(const generation_settings *settings, int64_t token) {
    for (size_t i = 0; i < settings->stop_token_count; i++) {
        if (settings->stop_token_ids[i] == token) {
            return true;
        }
    }
    return false;
}

bool settings_valid(const generation_settings *s) {
    bool is_beam_search = s->num_beams > 1;
    if (s->num_return_sequences == 0) return false;
    if (s->eos_token_id != -1 && !has_stop_token(s, s->eos_token_id)) return false;
    for (size_t i = 0; i < s->stop_token_count; i++) {
        if (s->stop_token_ids[i] < 0) return false;
    }
    bool has_limit = s->max_new_tokens != DOUBLE_UNSET_SIZE || s->max_length != DOUBLE_UNSET_SIZE;
    if (s->ignore_eos && !has_limit) return false;
    if (s->eos_token_id == -1 && s->stop_token_count == 0 && s->stop_string_count == 0 && !has_limit) return false;
    if (s->max_new_tokens == 0 && !s->echo) return false;
    if (s->min_new_tokens > s->max_new_tokens) return false;
    if (s->num_return_sequences != 1 && !s->do_sample && !is_beam_search) return false;
    if (s->do_sample) {
        if (!(s->top_p > 0.0f && s->top_p <= 1.0f)) return false;
        if (!(s->temperature > 0.0f)) return false;
        if (!(s->min_p >= 0.0f && s->min_p < 1.0f)) return false;
    }
    if (!is_beam_search) {
        if (!(s->frequency_penalty >= -2.0f && s->frequency_penalty <= 2.0f)) return false;
        if (!(s->presence_penalty >= -2.0f && s->presence_penalty <= 2.0f)) return false;
        if (!(s->repetition_penalty > 0.0f)) return false;
    } else {
        if (s->num_beam_groups == 0 || s->num_beams % s->num_beam_groups != 0) return false;
        if (s->num_beams < s->num_return_sequences) return false;
        if (s->do_sample) return false;
    }
    return true;
}

ov_genai_generation_config *generation_config_from_settings(const generation_settings *settings) {
    ov_genai_generation_config *config = object_new(sizeof *config, KIND_GENERATION_CONFIG);
    if (config && !settings_copy(&config->settings, settings)) {
        object_delete(config);
        return NULL;
    }
    return config;
}

ov_status_e ov_genai_generation_config_create(ov_genai_generation_config **config) {
    if (!config) {
        return INVALID_C_PARAM;
    }
    generation_settings defaults;
    settings_init(&defaults);
    *config = generation_config_from_settings(&defaults);
    return *config ? OK : UNKNOW_EXCEPTION;
}

/* ---- generation_config.json ---- */

static bool read_file(const char *path, byte_buffer *out) {
    FILE *file = fopen(path, "rb");
    if (!file) {
        return false;
    }
    char chunk[4096];
    size_t read;
    bool ok = buffer_append(out, "", 0);
    while (ok && (read = fread(chunk, 1, sizeof chunk, file)) > 0) {
        ok = buffer_append(out, chunk, read);
    }
    ok = ok && !ferror(file);
    fclose(file);
    return ok;
}

/* The library's JSON reader skips a UTF-8 byte order mark (measured, 2026.3). */
static const char *without_bom(const char *text) {
    return strncmp(text, "\xef\xbb\xbf", 3) == 0 ? text + 3 : text;
}

/* Each reader follows upstream's read_json_param as measured on 2026.3: absent or null keeps the
 * field, a list keeps a scalar field, a float is truncated into an integer (a negative one wraps into
 * size_t), and any other type is an error (the real library throws). */
static bool read_size(const json_value *root, const char *key, size_t *field) {
    const json_value *v = json_object_get(root, key);
    if (!v || v->type == JSON_NULL || v->type == JSON_ARRAY) return true;
    if (v->type == JSON_INTEGER) { *field = (size_t)v->integer; return true; }
    if (v->type == JSON_FLOAT) { *field = (size_t)(int64_t)v->number; return true; }
    return false;
}

static bool read_float(const json_value *root, const char *key, float *field) {
    const json_value *v = json_object_get(root, key);
    if (!v || v->type == JSON_NULL || v->type == JSON_ARRAY) return true;
    if (v->type == JSON_INTEGER) { *field = (float)v->integer; return true; }
    if (v->type == JSON_FLOAT) { *field = (float)v->number; return true; }
    return false;
}

static bool read_bool(const json_value *root, const char *key, bool *field) {
    const json_value *v = json_object_get(root, key);
    if (!v || v->type == JSON_NULL || v->type == JSON_ARRAY) return true;
    if (v->type == JSON_BOOL) { *field = v->boolean; return true; }
    return false;
}

/* The keys of generation_config.json upstream reads; others are ignored, like upstream (which reads
 * neither stop_token_ids nor rng_seed from the file). */
static bool apply_json(generation_settings *s, const json_value *root) {
    if (root->type != JSON_OBJECT) return true; /* nothing to read, as upstream */
    bool ok = read_size(root, "max_new_tokens", &s->max_new_tokens) && read_size(root, "max_length", &s->max_length) &&
              read_bool(root, "ignore_eos", &s->ignore_eos) && read_size(root, "min_new_tokens", &s->min_new_tokens) &&
              read_bool(root, "include_stop_str_in_output", &s->include_stop_str_in_output) &&
              read_bool(root, "echo", &s->echo) && read_size(root, "logprobs", &s->logprobs) &&
              read_float(root, "repetition_penalty", &s->repetition_penalty) &&
              read_float(root, "frequency_penalty", &s->frequency_penalty) &&
              read_float(root, "presence_penalty", &s->presence_penalty) &&
              read_size(root, "num_beam_groups", &s->num_beam_groups) && read_size(root, "num_beams", &s->num_beams) &&
              read_float(root, "diversity_penalty", &s->diversity_penalty) &&
              read_float(root, "length_penalty", &s->length_penalty) &&
              read_size(root, "num_return_sequences", &s->num_return_sequences) &&
              read_size(root, "no_repeat_ngram_size", &s->no_repeat_ngram_size) &&
              read_bool(root, "do_sample", &s->do_sample) && read_float(root, "temperature", &s->temperature) &&
              read_float(root, "top_p", &s->top_p) && read_size(root, "top_k", &s->top_k) &&
              read_float(root, "min_p", &s->min_p) &&
              read_float(root, "assistant_confidence_threshold", &s->assistant_confidence_threshold) &&
              read_size(root, "num_assistant_tokens", &s->num_assistant_tokens) &&
              read_size(root, "max_ngram_size", &s->max_ngram_size);
    if (!ok) return false;
    const json_value *early = json_object_get(root, "early_stopping");
    if (early && early->type == JSON_STRING && strcmp(early->string, "never") == 0) s->stop_criteria = 2; /* NEVER */
    if (early && early->type == JSON_BOOL) s->stop_criteria = early->boolean ? 0 /* EARLY */ : 1 /* HEURISTIC */;
    const json_value *stop_strings = json_object_get(root, "stop_strings");
    for (size_t i = 0; stop_strings && stop_strings->type == JSON_ARRAY && i < stop_strings->count; i++) {
        if (stop_strings->items[i]->type != JSON_STRING ||
            !settings_add_stop_string(s, stop_strings->items[i]->string)) return false;
    }
    /* eos_token_id: a number, or a list whose items are all stop tokens and whose first is the token. */
    const json_value *eos = json_object_get(root, "eos_token_id");
    if (eos && eos->type == JSON_ARRAY) {
        for (size_t i = 0; i < eos->count; i++) {
            if (eos->items[i]->type != JSON_INTEGER || !settings_add_stop_token(s, eos->items[i]->integer)) return false;
        }
        if (eos->count > 0) s->eos_token_id = eos->items[0]->integer;
    } else if (eos && eos->type == JSON_INTEGER) {
        s->eos_token_id = eos->integer;
    } else if (eos && eos->type == JSON_FLOAT) {
        s->eos_token_id = (int64_t)eos->number;
    } else if (eos && eos->type != JSON_NULL) {
        return false;
    }
    if (s->eos_token_id != -1 && !settings_add_stop_token(s, s->eos_token_id)) return false;
    return true;
}

bool settings_from_model_folder(generation_settings *settings, const char *models_path) {
    settings_init(settings);
    size_t length = strlen(models_path);
    char *path = malloc(length + sizeof "/generation_config.json");
    if (!path) return false;
    memcpy(path, models_path, length);
    strcpy(path + length, "/generation_config.json");
    bool ok = true;
    if (file_exists(path)) { /* (a .gguf file has no such file "inside" it) */
        byte_buffer text = {0};
        json_value *root = read_file(path, &text) ? json_parse(without_bom(text.data)) : NULL;
        buffer_free(&text);
        ok = root && apply_json(settings, root);
        json_release(root);
    }
    free(path);
    return ok;
}

ov_status_e ov_genai_generation_config_create_from_json(const char *json_path, ov_genai_generation_config **config) {
    if (!config || !json_path) {
        return INVALID_C_PARAM;
    }
    byte_buffer text = {0};
    json_value *root = read_file(json_path, &text) ? json_parse(without_bom(text.data)) : NULL;
    buffer_free(&text);
    generation_settings settings;
    settings_init(&settings);
    bool ok = root && apply_json(&settings, root);
    json_release(root);
    ov_genai_generation_config *created = ok ? generation_config_from_settings(&settings) : NULL;
    settings_clear(&settings);
    if (!created) {
        return UNKNOW_EXCEPTION; /* missing file or bad JSON: upstream throws */
    }
    *config = created;
    return OK;
}

void ov_genai_generation_config_free(ov_genai_generation_config *handle) {
    if (!object_is(handle, KIND_GENERATION_CONFIG)) {
        return;
    }
    settings_clear(&handle->settings);
    object_delete(handle);
}

/* ---- setters ---- */

#define SETTER(function, type, field)                                           \
    ov_status_e function(ov_genai_generation_config *config, const type value) { \
        if (!object_is(config, KIND_GENERATION_CONFIG)) {                        \
            return INVALID_C_PARAM;                                              \
        }                                                                        \
        config->settings.field = value;                                          \
        return OK;                                                               \
    }

SETTER(ov_genai_generation_config_set_max_length, size_t, max_length)
SETTER(ov_genai_generation_config_set_ignore_eos, bool, ignore_eos)
SETTER(ov_genai_generation_config_set_min_new_tokens, size_t, min_new_tokens)
SETTER(ov_genai_generation_config_set_echo, bool, echo)
SETTER(ov_genai_generation_config_set_logprobs, size_t, logprobs)
SETTER(ov_genai_generation_config_set_include_stop_str_in_output, bool, include_stop_str_in_output)
SETTER(ov_genai_generation_config_set_num_beam_groups, size_t, num_beam_groups)
SETTER(ov_genai_generation_config_set_num_beams, size_t, num_beams)
SETTER(ov_genai_generation_config_set_diversity_penalty, float, diversity_penalty)
SETTER(ov_genai_generation_config_set_length_penalty, float, length_penalty)
SETTER(ov_genai_generation_config_set_num_return_sequences, size_t, num_return_sequences)
SETTER(ov_genai_generation_config_set_no_repeat_ngram_size, size_t, no_repeat_ngram_size)
SETTER(ov_genai_generation_config_set_stop_criteria, StopCriteria, stop_criteria)
SETTER(ov_genai_generation_config_set_temperature, float, temperature)
SETTER(ov_genai_generation_config_set_top_p, float, top_p)
SETTER(ov_genai_generation_config_set_top_k, size_t, top_k)
SETTER(ov_genai_generation_config_set_min_p, float, min_p)
SETTER(ov_genai_generation_config_set_do_sample, bool, do_sample)
SETTER(ov_genai_generation_config_set_repetition_penalty, float, repetition_penalty)
SETTER(ov_genai_generation_config_set_presence_penalty, float, presence_penalty)
SETTER(ov_genai_generation_config_set_frequency_penalty, float, frequency_penalty)
SETTER(ov_genai_generation_config_set_rng_seed, size_t, rng_seed)
SETTER(ov_genai_generation_config_set_assistant_confidence_threshold, float, assistant_confidence_threshold)
SETTER(ov_genai_generation_config_set_num_assistant_tokens, size_t, num_assistant_tokens)
SETTER(ov_genai_generation_config_set_max_ngram_size, size_t, max_ngram_size)

ov_status_e ov_genai_generation_config_set_max_new_tokens(ov_genai_generation_config *handle, const size_t value) {
    if (!object_is(handle, KIND_GENERATION_CONFIG)) {
        return INVALID_C_PARAM;
    }
    handle->settings.max_new_tokens = value;
    return OK;
}

ov_status_e ov_genai_generation_config_set_stop_strings(ov_genai_generation_config *config, const char **strings,
                                                        const size_t count) {
    if (!object_is(config, KIND_GENERATION_CONFIG) || !strings) {
        return INVALID_C_PARAM;
    }
    generation_settings updated;
    if (!settings_copy(&updated, &config->settings)) {
        return UNKNOW_EXCEPTION;
    }
    settings_clear(&updated);
    for (size_t i = 0; i < count; i++) {
        if (strings[i] && !settings_add_stop_string(&updated, strings[i])) { /* NULL entries are skipped */
            settings_clear(&updated);
            return UNKNOW_EXCEPTION;
        }
    }
    settings_clear(&config->settings);
    config->settings = updated;
    return OK;
}

ov_status_e ov_genai_generation_config_set_stop_token_ids(ov_genai_generation_config *config,
                                                          const int64_t *token_ids, const size_t token_ids_num) {
    /* Upstream dereferences a NULL array with a non-zero count; the double refuses it instead. */
    if (!object_is(config, KIND_GENERATION_CONFIG) || (!token_ids && token_ids_num > 0)) {
        return INVALID_C_PARAM;
    }
    generation_settings *settings = &config->settings;
    generation_settings updated = *settings; /* only the token fields are its own */
    updated.stop_token_ids = NULL;
    updated.stop_token_count = updated.stop_token_capacity = 0;
    for (size_t i = 0; i < token_ids_num; i++) {
        if (!settings_add_stop_token(&updated, token_ids[i])) {
            free(updated.stop_token_ids);
            return UNKNOW_EXCEPTION;
        }
    }
    free(settings->stop_token_ids);
    settings->stop_token_ids = updated.stop_token_ids;
    settings->stop_token_count = updated.stop_token_count;
    settings->stop_token_capacity = updated.stop_token_capacity;
    return OK;
}

ov_status_e ov_genai_generation_config_set_eos_token_id(ov_genai_generation_config *config, const int64_t id) {
    if (!object_is(config, KIND_GENERATION_CONFIG)) {
        return INVALID_C_PARAM;
    }
    /* Only the field, as the real C setter (measured, 2026.3): unlike C++ set_eos_token_id it does not
     * add the id to stop_token_ids, so validate and generate fail (-17) until stop_token_ids holds it. */
    config->settings.eos_token_id = id;
    return OK;
}

ov_status_e ov_genai_generation_config_get_max_new_tokens(const ov_genai_generation_config *config,
                                                          size_t *max_new_tokens) {
    if (!object_is(config, KIND_GENERATION_CONFIG) || !max_new_tokens) {
        return INVALID_C_PARAM;
    }
    *max_new_tokens = config->settings.max_new_tokens;
    return OK;
}

ov_status_e ov_genai_generation_config_validate(ov_genai_generation_config *config) {
    if (!object_is(config, KIND_GENERATION_CONFIG)) {
        return INVALID_C_PARAM;
    }
    return settings_valid(&config->settings) ? OK : UNKNOW_EXCEPTION;
}
