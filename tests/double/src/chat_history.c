/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * ov_genai_chat_history_*: an array of message objects plus tools (array) and extra context
 * (object). Getters return views sharing the history's storage, as the real library does.
 */
#include <stdlib.h>

#include "double.h"

#define HISTORY_OK OV_GENAI_CHAT_HISTORY_OK
#define HISTORY_INVALID OV_GENAI_CHAT_HISTORY_INVALID_PARAM

static bool is_history(const ov_genai_chat_history *history) {
    return object_is(history, KIND_CHAT_HISTORY);
}

static bool is_container(const ov_genai_json_container *container) {
    return object_is(container, KIND_JSON_CONTAINER) && json_container_value(container) != NULL;
}

static ov_genai_chat_history_status_e new_history(ov_genai_chat_history **history, json_value *messages) {
    ov_genai_chat_history *created = object_new(sizeof *created, KIND_CHAT_HISTORY);
    if (!created) {
        json_release(messages);
        return OV_GENAI_CHAT_HISTORY_ERROR;
    }
    created->messages = messages;
    created->tools = json_new(JSON_ARRAY);
    created->extra_context = json_new(JSON_OBJECT);
    if (!created->messages || !created->tools || !created->extra_context) {
        ov_genai_chat_history_free(created);
        return OV_GENAI_CHAT_HISTORY_ERROR;
    }
    *history = created;
    return HISTORY_OK;
}

ov_genai_chat_history_status_e ov_genai_chat_history_create(ov_genai_chat_history **history) {
    if (!history) {
        return HISTORY_INVALID;
    }
    return new_history(history, json_new(JSON_ARRAY));
}

ov_genai_chat_history_status_e ov_genai_chat_history_create_from_json_container(
    ov_genai_chat_history **history, const ov_genai_json_container *messages) {
    if (!history || !is_container(messages)) {
        return HISTORY_INVALID;
    }
    const json_value *value = json_container_value(messages);
    if (value->type != JSON_ARRAY) {
        return OV_GENAI_CHAT_HISTORY_INVALID_JSON;
    }
    return new_history(history, json_deep_copy(value));
}

void ov_genai_chat_history_free(ov_genai_chat_history *history) {
    if (!is_history(history)) {
        return;
    }
    json_release(history->messages);
    json_release(history->tools);
    json_release(history->extra_context);
    object_delete(history);
}

ov_genai_chat_history_status_e ov_genai_chat_history_push_back(ov_genai_chat_history *history,
                                                               const ov_genai_json_container *message) {
    if (!is_history(history) || !is_container(message)) {
        return HISTORY_INVALID;
    }
    const json_value *value = json_container_value(message);
    if (value->type != JSON_OBJECT) {
        return OV_GENAI_CHAT_HISTORY_INVALID_JSON;
    }
    return json_array_append(history->messages, json_deep_copy(value)) ? HISTORY_OK : OV_GENAI_CHAT_HISTORY_ERROR;
}

ov_genai_chat_history_status_e ov_genai_chat_history_pop_back(ov_genai_chat_history *history) {
    if (!is_history(history)) {
        return HISTORY_INVALID;
    }
    if (history->messages->count == 0) {
        return OV_GENAI_CHAT_HISTORY_EMPTY;
    }
    json_array_remove_last(history->messages);
    return HISTORY_OK;
}

static ov_genai_chat_history_status_e view(json_value *root, bool has_index, size_t index,
                                           ov_genai_json_container **out) {
    ov_genai_json_container *container = json_container_wrap(json_retain(root), has_index, index);
    if (!container) {
        return OV_GENAI_CHAT_HISTORY_ERROR;
    }
    *out = container;
    return HISTORY_OK;
}

ov_genai_chat_history_status_e ov_genai_chat_history_get_messages(const ov_genai_chat_history *history,
                                                                  ov_genai_json_container **messages) {
    if (!is_history(history) || !messages) {
        return HISTORY_INVALID;
    }
    return view(history->messages, false, 0, messages);
}

ov_genai_chat_history_status_e ov_genai_chat_history_get_message(const ov_genai_chat_history *history, size_t index,
                                                                 ov_genai_json_container **message) {
    if (!is_history(history) || !message) {
        return HISTORY_INVALID;
    }
    if (index >= history->messages->count) {
        return OV_GENAI_CHAT_HISTORY_OUT_OF_BOUNDS;
    }
    return view(history->messages, true, index, message);
}

ov_genai_chat_history_status_e ov_genai_chat_history_get_first(const ov_genai_chat_history *history,
                                                               ov_genai_json_container **message) {
    if (!is_history(history) || !message) {
        return HISTORY_INVALID;
    }
    if (history->messages->count == 0) {
        return OV_GENAI_CHAT_HISTORY_EMPTY;
    }
    return view(history->messages, true, 0, message);
}

ov_genai_chat_history_status_e ov_genai_chat_history_get_last(const ov_genai_chat_history *history,
                                                              ov_genai_json_container **message) {
    if (!is_history(history) || !message) {
        return HISTORY_INVALID;
    }
    if (history->messages->count == 0) {
        return OV_GENAI_CHAT_HISTORY_EMPTY;
    }
    return view(history->messages, true, history->messages->count - 1, message);
}

ov_genai_chat_history_status_e ov_genai_chat_history_clear(ov_genai_chat_history *history) {
    if (!is_history(history)) {
        return HISTORY_INVALID;
    }
    json_clear(history->messages);
    json_clear(history->tools);
    json_clear(history->extra_context);
    return HISTORY_OK;
}

ov_genai_chat_history_status_e ov_genai_chat_history_size(const ov_genai_chat_history *history, size_t *size) {
    if (!is_history(history) || !size) {
        return HISTORY_INVALID;
    }
    *size = history->messages->count;
    return HISTORY_OK;
}

ov_genai_chat_history_status_e ov_genai_chat_history_empty(const ov_genai_chat_history *history, int *empty) {
    if (!is_history(history) || !empty) {
        return HISTORY_INVALID;
    }
    *empty = history->messages->count == 0 ? 1 : 0;
    return HISTORY_OK;
}

/* Replaces one of the history's parts by a deep copy of `source` when it has the expected type. */
static ov_genai_chat_history_status_e replace_part(json_value **part, const ov_genai_json_container *source,
                                                   json_type expected) {
    const json_value *value = json_container_value(source);
    if (value->type != expected) {
        return OV_GENAI_CHAT_HISTORY_INVALID_JSON;
    }
    json_value *copy = json_deep_copy(value);
    if (!copy) {
        return OV_GENAI_CHAT_HISTORY_ERROR;
    }
    json_release(*part);
    *part = copy;
    return HISTORY_OK;
}

ov_genai_chat_history_status_e ov_genai_chat_history_set_tools(ov_genai_chat_history *history,
                                                               const ov_genai_json_container *tools) {
    if (!is_history(history) || !is_container(tools)) {
        return HISTORY_INVALID;
    }
    return replace_part(&history->tools, tools, JSON_ARRAY);
}

ov_genai_chat_history_status_e ov_genai_chat_history_get_tools(const ov_genai_chat_history *history,
                                                               ov_genai_json_container **tools) {
    if (!is_history(history) || !tools) {
        return HISTORY_INVALID;
    }
    return view(history->tools, false, 0, tools);
}

ov_genai_chat_history_status_e ov_genai_chat_history_set_extra_context(ov_genai_chat_history *history,
                                                                       const ov_genai_json_container *extra_context) {
    if (!is_history(history) || !is_container(extra_context)) {
        return HISTORY_INVALID;
    }
    return replace_part(&history->extra_context, extra_context, JSON_OBJECT);
}

ov_genai_chat_history_status_e ov_genai_chat_history_get_extra_context(const ov_genai_chat_history *history,
                                                                       ov_genai_json_container **extra_context) {
    if (!is_history(history) || !extra_context) {
        return HISTORY_INVALID;
    }
    return view(history->extra_context, false, 0, extra_context);
}

/* The text the fake model hashes: "<|role|>content\n" per message (non-string fields as JSON). */
bool render_messages(const json_value *messages, byte_buffer *out) {
    bool ok = buffer_append(out, "", 0);
    for (size_t i = 0; ok && i < messages->count; i++) {
        const json_value *role = json_object_get(messages->items[i], "role");
        const json_value *content = json_object_get(messages->items[i], "content");
        ok = buffer_append_string(out, "<|");
        ok = ok && (role && role->type == JSON_STRING ? buffer_append_string(out, role->string)
                                                      : buffer_append_string(out, "?"));
        ok = ok && buffer_append_string(out, "|>");
        if (content && content->type == JSON_STRING) {
            ok = ok && buffer_append_string(out, content->string);
        } else if (content) {
            ok = ok && json_serialize(content, out);
        }
        ok = ok && buffer_append_string(out, "\n");
    }
    return ok;
}
