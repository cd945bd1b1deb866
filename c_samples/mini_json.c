/* A minimal JSON reader and string writer for the scenario runner (see mini_json.h). */
#include "mini_json.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *at;
    int depth;
} reader;

static void skip_space(reader *r) {
    while (*r->at == ' ' || *r->at == '\t' || *r->at == '\n' || *r->at == '\r') r->at++;
}

static mj_value *new_value(mj_type type) {
    mj_value *value = calloc(1, sizeof *value);
    if (value) value->type = type;
    return value;
}

/* Appends the UTF-8 encoding of a code point. */
static size_t encode_utf8(unsigned code, char *out) {
    if (code < 0x80) { out[0] = (char)code; return 1; }
    if (code < 0x800) {
        out[0] = (char)(0xC0 | (code >> 6)); out[1] = (char)(0x80 | (code & 0x3F)); return 2;
    }
    if (code < 0x10000) {
        out[0] = (char)(0xE0 | (code >> 12)); out[1] = (char)(0x80 | ((code >> 6) & 0x3F));
        out[2] = (char)(0x80 | (code & 0x3F)); return 3;
    }
    out[0] = (char)(0xF0 | (code >> 18)); out[1] = (char)(0x80 | ((code >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((code >> 6) & 0x3F)); out[3] = (char)(0x80 | (code & 0x3F));
    return 4;
}

static int read_hex4(reader *r, unsigned *code) {
    *code = 0;
    for (int i = 0; i < 4; i++) {
        char c = r->at[i];
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (digit < 0) return 0;
        *code = *code * 16 + (unsigned)digit;
    }
    r->at += 4;
    return 1;
}

static char *read_string(reader *r) {
    if (*r->at != '"') return NULL;
    r->at++;
    /* escapes never grow the text, so the raw length bounds the decoded one */
    const char *end = r->at;
    while (*end && *end != '"') end += (*end == '\\' && end[1]) ? 2 : 1;
    char *out = malloc((size_t)(end - r->at) + 1);
    size_t length = 0;
    if (!out) return NULL;
    while (*r->at != '"') {
        char c = *r->at;
        if (c == '\0' || (unsigned char)c < 0x20) { free(out); return NULL; }
        if (c != '\\') { out[length++] = c; r->at++; continue; }
        char escape = r->at[1];
        r->at += 2;
        switch (escape) {
            case '"': out[length++] = '"'; break;
            case '\\': out[length++] = '\\'; break;
            case '/': out[length++] = '/'; break;
            case 'b': out[length++] = '\b'; break;
            case 'f': out[length++] = '\f'; break;
            case 'n': out[length++] = '\n'; break;
            case 'r': out[length++] = '\r'; break;
            case 't': out[length++] = '\t'; break;
            case 'u': {
                unsigned code, low;
                if (!read_hex4(r, &code)) { free(out); return NULL; }
                if (code >= 0xD800 && code <= 0xDBFF) {
                    if (r->at[0] != '\\' || r->at[1] != 'u') { free(out); return NULL; }
                    r->at += 2;
                    if (!read_hex4(r, &low) || low < 0xDC00 || low > 0xDFFF) { free(out); return NULL; }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                }
                length += encode_utf8(code, out + length);
                break;
            }
            default: free(out); return NULL;
        }
    }
    r->at++;
    out[length] = '\0';
    return out;
}

static mj_value *read_value(reader *r);

static int append(mj_value *container, mj_value *item, char *key) {
    mj_value **items = realloc(container->items, (container->count + 1) * sizeof *items);
    if (!items) return 0;
    container->items = items;
    if (container->type == MJ_OBJECT) {
        char **keys = realloc(container->keys, (container->count + 1) * sizeof *keys);
        if (!keys) return 0;
        container->keys = keys;
        keys[container->count] = key;
    }
    items[container->count++] = item;
    return 1;
}

static mj_value *read_container(reader *r, mj_type type) {
    char close = type == MJ_ARRAY ? ']' : '}';
    mj_value *container = new_value(type);
    if (!container || ++r->depth > 128) { mj_free(container); return NULL; }
    r->at++;
    skip_space(r);
    if (*r->at == close) { r->at++; r->depth--; return container; }
    for (;;) {
        char *key = NULL;
        skip_space(r);
        if (type == MJ_OBJECT) {
            key = read_string(r);
            skip_space(r);
            if (!key || *r->at != ':') { free(key); mj_free(container); return NULL; }
            r->at++;
        }
        mj_value *item = read_value(r);
        if (!item || !append(container, item, key)) {
            free(key); mj_free(item); mj_free(container); return NULL;
        }
        skip_space(r);
        if (*r->at == ',') { r->at++; continue; }
        if (*r->at == close) { r->at++; r->depth--; return container; }
        mj_free(container);
        return NULL;
    }
}

static mj_value *read_value(reader *r) {
    skip_space(r);
    char c = *r->at;
    if (c == '{') return read_container(r, MJ_OBJECT);
    if (c == '[') return read_container(r, MJ_ARRAY);
    if (c == '"') {
        char *text = read_string(r);
        mj_value *value = text ? new_value(MJ_STRING) : NULL;
        if (value) value->string = text; else free(text);
        return value;
    }
    if (strncmp(r->at, "true", 4) == 0 || strncmp(r->at, "false", 5) == 0) {
        mj_value *value = new_value(MJ_BOOL);
        if (value) value->boolean = c == 't';
        r->at += c == 't' ? 4 : 5;
        return value;
    }
    if (strncmp(r->at, "null", 4) == 0) { r->at += 4; return new_value(MJ_NULL); }
    char *end;
    double number = strtod(r->at, &end);
    if (end == r->at) return NULL;
    r->at = end;
    mj_value *value = new_value(MJ_NUMBER);
    if (value) value->number = number;
    return value;
}

mj_value *mj_parse(const char *text) {
    reader r = {text, 0};
    mj_value *value = read_value(&r);
    skip_space(&r);
    if (value && *r.at != '\0') { mj_free(value); return NULL; }
    return value;
}

void mj_free(mj_value *value) {
    if (!value) return;
    for (size_t i = 0; i < value->count; i++) {
        mj_free(value->items[i]);
        if (value->keys) free(value->keys[i]);
    }
    free(value->items);
    free(value->keys);
    free(value->string);
    free(value);
}

const mj_value *mj_get(const mj_value *object, const char *key) {
    if (!object || object->type != MJ_OBJECT) return NULL;
    for (size_t i = 0; i < object->count; i++) {
        if (strcmp(object->keys[i], key) == 0) return object->items[i];
    }
    return NULL;
}

void mj_write_string(FILE *out, const char *text) {
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        switch (*c) {
            case '"': fputs("\\\"", out); break;
            case '\\': fputs("\\\\", out); break;
            case '\n': fputs("\\n", out); break;
            case '\r': fputs("\\r", out); break;
            case '\t': fputs("\\t", out); break;
            default:
                if (*c < 0x20) fprintf(out, "\\u%04x", *c);
                else fputc(*c, out);
        }
    }
    fputc('"', out);
}
