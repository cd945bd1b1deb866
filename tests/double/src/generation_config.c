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
}

bool settings_copy(generation_settings *target, const generation_settings *source) {
    *target = *source;
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
    size_t position = 0;
    while (position < settings->stop_token_count && settings->stop_token_ids[position] < token) {
        position++;
    }
    if (position < settings->stop_token_count && settings->stop_token_ids[position] == token) {
        return true;
    }
    if (settings->stop_token_count == DOUBLE_MAX_STOP_TOKENS) {
        return false;
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

static bool json_number(const json_value *value, double *number) {
    if (!value) return false;
    if (value->type == JSON_INTEGER) { *number = (double)value->integer; return true; }
    if (value->type == JSON_FLOAT) { *number = value->number; return true; }
    return false;
}

static void read_size(const json_value *root, const char *key, size_t *field) {
    double number;
    if (json_number(json_object_get(root, key), &number) && number >= 0) *field = (size_t)number;
}

static void read_float(const json_value *root, const char *key, float *field) {
    double number;
    if (json_number(json_object_get(root, key), &number)) *field = (float)number;
}

static void read_bool(const json_value *root, const char *key, bool *field) {
    const json_value *value = json_object_get(root, key);
    if (value && value->type == JSON_BOOL) *field = value->boolean;
}

/* The keys of generation_config.json the double understands; others are ignored, like upstream. */
static bool apply_json(generation_settings *s, const json_value *root) {
    if (root->type != JSON_OBJECT) return false;
    read_size(root, "max_new_tokens", &s->max_new_tokens);
    read_size(root, "max_length", &s->max_length);
    read_size(root, "min_new_tokens", &s->min_new_tokens);
    read_bool(root, "ignore_eos", &s->ignore_eos);
    read_bool(root, "echo", &s->echo);
    read_bool(root, "include_stop_str_in_output", &s->include_stop_str_in_output);
    read_size(root, "num_beam_groups", &s->num_beam_groups);
    read_size(root, "num_beams", &s->num_beams);
    read_float(root, "diversity_penalty", &s->diversity_penalty);
    read_float(root, "length_penalty", &s->length_penalty);
    read_size(root, "num_return_sequences", &s->num_return_sequences);
    read_size(root, "no_repeat_ngram_size", &s->no_repeat_ngram_size);
    read_float(root, "temperature", &s->temperature);
    read_float(root, "top_p", &s->top_p);
    read_size(root, "top_k", &s->top_k);
    read_bool(root, "do_sample", &s->do_sample);
    read_float(root, "repetition_penalty", &s->repetition_penalty);
    read_float(root, "presence_penalty", &s->presence_penalty);
    read_float(root, "frequency_penalty", &s->frequency_penalty);
    read_size(root, "rng_seed", &s->rng_seed);
    const json_value *stop_strings = json_object_get(root, "stop_strings");
    for (size_t i = 0; stop_strings && stop_strings->type == JSON_ARRAY && i < stop_strings->count; i++) {
        if (stop_strings->items[i]->type == JSON_STRING &&
            !settings_add_stop_string(s, stop_strings->items[i]->string)) return false;
    }
    const json_value *stop_tokens = json_object_get(root, "stop_token_ids");
    for (size_t i = 0; stop_tokens && stop_tokens->type == JSON_ARRAY && i < stop_tokens->count; i++) {
        if (stop_tokens->items[i]->type == JSON_INTEGER &&
            !settings_add_stop_token(s, stop_tokens->items[i]->integer)) return false;
    }
    /* eos_token_id may be a number or a list (the first one wins), as upstream reads it. */
    const json_value *eos = json_object_get(root, "eos_token_id");
    if (eos && eos->type == JSON_ARRAY && eos->count > 0) eos = eos->items[0];
    if (eos && eos->type == JSON_INTEGER) {
        s->eos_token_id = eos->integer;
        if (!settings_add_stop_token(s, eos->integer)) return false;
    }
    return true;
}

ov_status_e ov_genai_generation_config_create_from_json(const char *json_path, ov_genai_generation_config **config) {
    if (!config || !json_path) {
        return INVALID_C_PARAM;
    }
    byte_buffer text = {0};
    json_value *root = read_file(json_path, &text) ? json_parse(text.data) : NULL;
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
    int64_t previous[DOUBLE_MAX_STOP_TOKENS];
    size_t previous_count = settings->stop_token_count;
    memcpy(previous, settings->stop_token_ids, sizeof previous);
    settings->stop_token_count = 0;
    for (size_t i = 0; i < token_ids_num; i++) {
        if (!settings_add_stop_token(settings, token_ids[i])) {
            memcpy(settings->stop_token_ids, previous, sizeof previous);
            settings->stop_token_count = previous_count;
            return UNKNOW_EXCEPTION;
        }
    }
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
