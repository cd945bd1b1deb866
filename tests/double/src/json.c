/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * A small JSON implementation (parse, compact serialise, reference-counted values) and the
 * ov_genai_json_container_* functions on top of it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "double.h"

#define JSON_MAX_DEPTH 256

/* ---- values ---- */

json_value *json_new(json_type type) {
    json_value *value = calloc(1, sizeof *value);
    if (value) {
        value->references = 1;
        value->type = type;
    }
    return value;
}

json_value *json_new_string(const char *text) {
    json_value *value = json_new(JSON_STRING);
    if (value && !(value->string = string_duplicate(text))) {
        free(value);
        return NULL;
    }
    return value;
}

json_value *json_retain(json_value *value) {
    if (value) {
        __atomic_add_fetch(&value->references, 1, __ATOMIC_SEQ_CST);
    }
    return value;
}

void json_clear(json_value *value) {
    for (size_t i = 0; i < value->count; i++) {
        json_release(value->items[i]);
        if (value->keys) {
            free(value->keys[i]);
        }
    }
    value->count = 0;
}

void json_release(json_value *value) {
    if (!value || __atomic_sub_fetch(&value->references, 1, __ATOMIC_SEQ_CST) > 0) {
        return;
    }
    json_clear(value);
    free(value->items);
    free(value->keys);
    free(value->string);
    free(value);
}

static bool json_reserve(json_value *container) {
    if (container->count < container->capacity) {
        return true;
    }
    size_t capacity = container->capacity ? container->capacity * 2 : 4;
    json_value **items = realloc(container->items, capacity * sizeof *items);
    if (!items) {
        return false;
    }
    container->items = items;
    if (container->type == JSON_OBJECT) {
        char **keys = realloc(container->keys, capacity * sizeof *keys);
        if (!keys) {
            return false;
        }
        container->keys = keys;
    }
    container->capacity = capacity;
    return true;
}

bool json_array_append(json_value *array, json_value *item) {
    if (!item || !json_reserve(array)) {
        json_release(item);
        return false;
    }
    array->items[array->count++] = item;
    return true;
}

bool json_object_set(json_value *object, const char *key, json_value *item) {
    if (!item) {
        return false;
    }
    for (size_t i = 0; i < object->count; i++) {
        if (strcmp(object->keys[i], key) == 0) { /* a repeated key keeps its place, last value wins */
            json_release(object->items[i]);
            object->items[i] = item;
            return true;
        }
    }
    char *key_copy = string_duplicate(key);
    if (!key_copy || !json_reserve(object)) {
        free(key_copy);
        json_release(item);
        return false;
    }
    object->keys[object->count] = key_copy;
    object->items[object->count++] = item;
    return true;
}

const json_value *json_object_get(const json_value *object, const char *key) {
    if (!object || object->type != JSON_OBJECT) {
        return NULL;
    }
    for (size_t i = 0; i < object->count; i++) {
        if (strcmp(object->keys[i], key) == 0) {
            return object->items[i];
        }
    }
    return NULL;
}

void json_array_remove_last(json_value *array) {
    if (array->count > 0) {
        json_release(array->items[--array->count]);
    }
}

json_value *json_deep_copy(const json_value *value) {
    json_value *copy = json_new(value->type);
    if (!copy) {
        return NULL;
    }
    copy->boolean = value->boolean;
    copy->integer = value->integer;
    copy->number = value->number;
    if (value->type == JSON_STRING && !(copy->string = string_duplicate(value->string))) {
        json_release(copy);
        return NULL;
    }
    for (size_t i = 0; i < value->count; i++) {
        bool added = value->type == JSON_OBJECT
                         ? json_object_set(copy, value->keys[i], json_deep_copy(value->items[i]))
                         : json_array_append(copy, json_deep_copy(value->items[i]));
        if (!added) {
            json_release(copy);
            return NULL;
        }
    }
    return copy;
}

/* ---- parser ---- */

typedef struct {
    const char *at;
    int depth;
} json_parser;

static void skip_space(json_parser *parser) {
    while (*parser->at == ' ' || *parser->at == '\t' || *parser->at == '\n' || *parser->at == '\r') {
        parser->at++;
    }
}

static bool literal(json_parser *parser, const char *word) {
    size_t length = strlen(word);
    if (strncmp(parser->at, word, length) != 0) {
        return false;
    }
    parser->at += length;
    return true;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool read_hex4(json_parser *parser, unsigned *code) {
    *code = 0;
    for (int i = 0; i < 4; i++) {
        int digit = hex_digit(parser->at[i]);
        if (digit < 0) {
            return false;
        }
        *code = *code * 16 + (unsigned)digit;
    }
    parser->at += 4;
    return true;
}

static bool append_code_point(byte_buffer *out, unsigned code) {
    char bytes[4];
    size_t length;
    if (code < 0x80) {
        bytes[0] = (char)code;
        length = 1;
    } else if (code < 0x800) {
        bytes[0] = (char)(0xC0 | (code >> 6));
        bytes[1] = (char)(0x80 | (code & 0x3F));
        length = 2;
    } else if (code < 0x10000) {
        bytes[0] = (char)(0xE0 | (code >> 12));
        bytes[1] = (char)(0x80 | ((code >> 6) & 0x3F));
        bytes[2] = (char)(0x80 | (code & 0x3F));
        length = 3;
    } else {
        bytes[0] = (char)(0xF0 | (code >> 18));
        bytes[1] = (char)(0x80 | ((code >> 12) & 0x3F));
        bytes[2] = (char)(0x80 | ((code >> 6) & 0x3F));
        bytes[3] = (char)(0x80 | (code & 0x3F));
        length = 4;
    }
    return buffer_append(out, bytes, length);
}

/* Length of the valid UTF-8 sequence starting at `text`, 0 when it is not valid. */
static size_t utf8_sequence_length(const unsigned char *text) {
    unsigned char lead = text[0];
    size_t length;
    unsigned minimum, code;
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) { length = 2; code = lead & 0x1F; minimum = 0x80; }
    else if ((lead & 0xF0) == 0xE0) { length = 3; code = lead & 0x0F; minimum = 0x800; }
    else if ((lead & 0xF8) == 0xF0) { length = 4; code = lead & 0x07; minimum = 0x10000; }
    else return 0;
    for (size_t i = 1; i < length; i++) {
        if ((text[i] & 0xC0) != 0x80) return 0;
        code = (code << 6) | (text[i] & 0x3F);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
}

static char *parse_string_text(json_parser *parser) {
    byte_buffer out = {0};
    if (*parser->at != '"') {
        return NULL;
    }
    parser->at++;
    buffer_append(&out, "", 0);
    while (*parser->at != '"') {
        unsigned char c = (unsigned char)*parser->at;
        bool ok = true;
        if (c == '\0' || c < 0x20) {
            ok = false;
        } else if (c == '\\') {
            char escape = parser->at[1];
            parser->at += 2;
            switch (escape) {
                case '"': ok = buffer_append(&out, "\"", 1); break;
                case '\\': ok = buffer_append(&out, "\\", 1); break;
                case '/': ok = buffer_append(&out, "/", 1); break;
                case 'b': ok = buffer_append(&out, "\b", 1); break;
                case 'f': ok = buffer_append(&out, "\f", 1); break;
                case 'n': ok = buffer_append(&out, "\n", 1); break;
                case 'r': ok = buffer_append(&out, "\r", 1); break;
                case 't': ok = buffer_append(&out, "\t", 1); break;
                case 'u': {
                    unsigned code, low;
                    ok = read_hex4(parser, &code);
                    if (ok && code >= 0xD800 && code <= 0xDBFF) { /* surrogate pair */
                        ok = parser->at[0] == '\\' && parser->at[1] == 'u';
                        parser->at += ok ? 2 : 0;
                        ok = ok && read_hex4(parser, &low) && low >= 0xDC00 && low <= 0xDFFF;
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    } else if (ok && code >= 0xDC00 && code <= 0xDFFF) {
                        ok = false;
                    }
                    ok = ok && append_code_point(&out, code);
                    break;
                }
                default: ok = false;
            }
        } else {
            size_t length = utf8_sequence_length((const unsigned char *)parser->at);
            ok = length > 0 && buffer_append(&out, parser->at, length);
            parser->at += length;
        }
        if (!ok) {
            buffer_free(&out);
            return NULL;
        }
    }
    parser->at++;
    return out.data;
}

static json_value *parse_value(json_parser *parser);

static json_value *parse_number(json_parser *parser) {
    const char *start = parser->at;
    bool is_float = false;
    if (*parser->at == '-') parser->at++;
    if (*parser->at == '0') {
        parser->at++;
    } else if (*parser->at >= '1' && *parser->at <= '9') {
        while (*parser->at >= '0' && *parser->at <= '9') parser->at++;
    } else {
        return NULL;
    }
    if (*parser->at == '.') {
        is_float = true;
        parser->at++;
        if (!(*parser->at >= '0' && *parser->at <= '9')) return NULL;
        while (*parser->at >= '0' && *parser->at <= '9') parser->at++;
    }
    if (*parser->at == 'e' || *parser->at == 'E') {
        is_float = true;
        parser->at++;
        if (*parser->at == '+' || *parser->at == '-') parser->at++;
        if (!(*parser->at >= '0' && *parser->at <= '9')) return NULL;
        while (*parser->at >= '0' && *parser->at <= '9') parser->at++;
    }
    char text[512];
    size_t length = (size_t)(parser->at - start);
    if (length >= sizeof text) return NULL;
    memcpy(text, start, length);
    text[length] = '\0';
    json_value *value = json_new(is_float ? JSON_FLOAT : JSON_INTEGER);
    if (!value) return NULL;
    if (!is_float) {
        errno = 0;
        long long integer = strtoll(text, NULL, 10);
        if (errno != ERANGE) {
            value->integer = integer;
            return value;
        }
        value->type = JSON_FLOAT; /* out of int64 range */
    }
    value->number = strtod(text, NULL);
    return value;
}

static json_value *parse_container(json_parser *parser, json_type type) {
    char close = type == JSON_ARRAY ? ']' : '}';
    json_value *container = json_new(type);
    if (!container || ++parser->depth > JSON_MAX_DEPTH) {
        json_release(container);
        return NULL;
    }
    parser->at++;
    skip_space(parser);
    if (*parser->at == close) {
        parser->at++;
        parser->depth--;
        return container;
    }
    for (;;) {
        char *key = NULL;
        skip_space(parser);
        if (type == JSON_OBJECT) {
            key = parse_string_text(parser);
            skip_space(parser);
            if (!key || *parser->at != ':') {
                free(key);
                json_release(container);
                return NULL;
            }
            parser->at++;
        }
        json_value *item = parse_value(parser);
        bool added = item && (type == JSON_OBJECT ? json_object_set(container, key, item)
                                                  : json_array_append(container, item));
        free(key);
        if (!added) {
            json_release(container);
            return NULL;
        }
        skip_space(parser);
        if (*parser->at == ',') {
            parser->at++;
            continue;
        }
        if (*parser->at == close) {
            parser->at++;
            parser->depth--;
            return container;
        }
        json_release(container);
        return NULL;
    }
}

static json_value *parse_value(json_parser *parser) {
    skip_space(parser);
    switch (*parser->at) {
        case '{': return parse_container(parser, JSON_OBJECT);
        case '[': return parse_container(parser, JSON_ARRAY);
        case '"': {
            char *text = parse_string_text(parser);
            json_value *value = text ? json_new(JSON_STRING) : NULL;
            if (value) {
                value->string = text;
            } else {
                free(text);
            }
            return value;
        }
        case 't':
        case 'f': {
            bool is_true = *parser->at == 't';
            if (!literal(parser, is_true ? "true" : "false")) return NULL;
            json_value *value = json_new(JSON_BOOL);
            if (value) value->boolean = is_true;
            return value;
        }
        case 'n': return literal(parser, "null") ? json_new(JSON_NULL) : NULL;
        default: return parse_number(parser);
    }
}

json_value *json_parse(const char *text) {
    json_parser parser = {text, 0};
    json_value *value = parse_value(&parser);
    skip_space(&parser);
    if (value && *parser.at != '\0') {
        json_release(value);
        return NULL;
    }
    return value;
}

/* ---- serialiser ---- */

static bool serialize_string(const char *text, byte_buffer *out) {
    bool ok = buffer_append(out, "\"", 1);
    for (const char *c = text; ok && *c; c++) {
        switch (*c) {
            case '"': ok = buffer_append_string(out, "\\\""); break;
            case '\\': ok = buffer_append_string(out, "\\\\"); break;
            case '\b': ok = buffer_append_string(out, "\\b"); break;
            case '\f': ok = buffer_append_string(out, "\\f"); break;
            case '\n': ok = buffer_append_string(out, "\\n"); break;
            case '\r': ok = buffer_append_string(out, "\\r"); break;
            case '\t': ok = buffer_append_string(out, "\\t"); break;
            default:
                if ((unsigned char)*c < 0x20) {
                    char escaped[8];
                    snprintf(escaped, sizeof escaped, "\\u%04x", (unsigned char)*c);
                    ok = buffer_append_string(out, escaped);
                } else {
                    ok = buffer_append(out, c, 1);
                }
        }
    }
    return ok && buffer_append(out, "\"", 1);
}

static bool serialize_float(double number, byte_buffer *out) {
    char text[64];
    if (!isfinite(number)) {
        return buffer_append_string(out, "null");
    }
    /* Shortest text that reads back to the same double, as nlohmann::json prints. */
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, number);
        if (strtod(text, NULL) == number) {
            break;
        }
    }
    if (!strpbrk(text, ".eEn")) {
        strcat(text, ".0"); /* keep it a float */
    }
    return buffer_append_string(out, text);
}

bool json_serialize(const json_value *value, byte_buffer *out) {
    char text[32];
    bool ok = true;
    switch (value->type) {
        case JSON_NULL: return buffer_append_string(out, "null");
        case JSON_BOOL: return buffer_append_string(out, value->boolean ? "true" : "false");
        case JSON_INTEGER:
            snprintf(text, sizeof text, "%lld", (long long)value->integer);
            return buffer_append_string(out, text);
        case JSON_FLOAT: return serialize_float(value->number, out);
        case JSON_STRING: return serialize_string(value->string, out);
        case JSON_ARRAY:
        case JSON_OBJECT:
            ok = buffer_append(out, value->type == JSON_ARRAY ? "[" : "{", 1);
            for (size_t i = 0; ok && i < value->count; i++) {
                if (i > 0) ok = buffer_append(out, ",", 1);
                if (ok && value->type == JSON_OBJECT) {
                    ok = serialize_string(value->keys[i], out) && buffer_append(out, ":", 1);
                }
                ok = ok && json_serialize(value->items[i], out);
            }
            return ok && buffer_append(out, value->type == JSON_ARRAY ? "]" : "}", 1);
    }
    return false;
}

/* ---- containers ---- */

ov_genai_json_container *json_container_wrap(json_value *root, bool has_index, size_t index) {
    if (!root) {
        return NULL;
    }
    ov_genai_json_container *container = object_new(sizeof *container, KIND_JSON_CONTAINER);
    if (!container) {
        json_release(root);
        return NULL;
    }
    container->root = root;
    container->has_index = has_index;
    container->index = index;
    return container;
}

const json_value *json_container_value(const ov_genai_json_container *container) {
    if (!container->has_index) {
        return container->root;
    }
    if (container->root->type != JSON_ARRAY || container->index >= container->root->count) {
        return NULL; /* the element it designated is gone */
    }
    return container->root->items[container->index];
}

static ov_genai_json_container_status_e new_container(ov_genai_json_container **container, json_value *root) {
    if (!container) {
        json_release(root);
        return OV_GENAI_JSON_CONTAINER_INVALID_PARAM;
    }
    ov_genai_json_container *created = json_container_wrap(root, false, 0);
    if (!created) {
        return OV_GENAI_JSON_CONTAINER_ERROR;
    }
    *container = created;
    return OV_GENAI_JSON_CONTAINER_OK;
}

ov_genai_json_container_status_e ov_genai_json_container_create(ov_genai_json_container **container) {
    /* A default JsonContainer is an empty object. */
    return container ? new_container(container, json_new(JSON_OBJECT)) : OV_GENAI_JSON_CONTAINER_INVALID_PARAM;
}

ov_genai_json_container_status_e ov_genai_json_container_create_object(ov_genai_json_container **container) {
    return container ? new_container(container, json_new(JSON_OBJECT)) : OV_GENAI_JSON_CONTAINER_INVALID_PARAM;
}

ov_genai_json_container_status_e ov_genai_json_container_create_array(ov_genai_json_container **container) {
    return container ? new_container(container, json_new(JSON_ARRAY)) : OV_GENAI_JSON_CONTAINER_INVALID_PARAM;
}

ov_genai_json_container_status_e ov_genai_json_container_create_from_json_string(ov_genai_json_container **container,
                                                                                const char *json_str) {
    if (!container || !json_str) {
        return OV_GENAI_JSON_CONTAINER_INVALID_PARAM;
    }
    json_value *root = json_parse(json_str);
    if (!root) {
        return OV_GENAI_JSON_CONTAINER_INVALID_JSON;
    }
    return new_container(container, root);
}

void ov_genai_json_container_free(ov_genai_json_container *container) {
    if (!object_is(container, KIND_JSON_CONTAINER)) {
        return;
    }
    json_release(container->root);
    object_delete(container);
}

ov_genai_json_container_status_e ov_genai_json_container_to_json_string(const ov_genai_json_container *container,
                                                                       char *output, size_t *output_size) {
    if (!object_is(container, KIND_JSON_CONTAINER) || !output_size) {
        return OV_GENAI_JSON_CONTAINER_INVALID_PARAM;
    }
    const json_value *value = json_container_value(container);
    byte_buffer text = {0};
    if (!value || !json_serialize(value, &text)) {
        buffer_free(&text);
        return OV_GENAI_JSON_CONTAINER_ERROR;
    }
    int status = copy_out_string(text.data, output, output_size, OV_GENAI_JSON_CONTAINER_OK,
                                 OV_GENAI_JSON_CONTAINER_OUT_OF_BOUNDS);
    buffer_free(&text);
    return (ov_genai_json_container_status_e)status;
}

ov_genai_json_container_status_e ov_genai_json_container_copy(const ov_genai_json_container *source,
                                                             ov_genai_json_container **target) {
    if (!object_is(source, KIND_JSON_CONTAINER) || !target) {
        return OV_GENAI_JSON_CONTAINER_INVALID_PARAM;
    }
    const json_value *value = json_container_value(source);
    if (!value) {
        return OV_GENAI_JSON_CONTAINER_ERROR;
    }
    json_value *copy = json_deep_copy(value);
    if (!copy) {
        return OV_GENAI_JSON_CONTAINER_ERROR;
    }
    return new_container(target, copy);
}
