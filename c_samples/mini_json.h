/*
 * A minimal JSON reader and string writer for the scenario runner (own code, no dependency).
 * Reads a whole document into a tree; enough for the scenario files in tests/scenarios.
 */
#ifndef MINI_JSON_H
#define MINI_JSON_H

#include <stddef.h>
#include <stdio.h>

typedef enum { MJ_NULL, MJ_BOOL, MJ_NUMBER, MJ_STRING, MJ_ARRAY, MJ_OBJECT } mj_type;

typedef struct mj_value mj_value;
struct mj_value {
    mj_type type;
    int boolean;
    double number;
    char *string;      /* MJ_STRING, UTF-8, NUL-terminated */
    mj_value **items;  /* array elements or object values */
    char **keys;       /* object keys, file order */
    size_t count;
};

/* Parses a document; NULL when it is not valid JSON. */
mj_value *mj_parse(const char *text);
void mj_free(mj_value *value);
/* Member of an object, or NULL (also when `object` is NULL or not an object). */
const mj_value *mj_get(const mj_value *object, const char *key);
/* Writes `text` as a JSON string literal (UTF-8 kept, control characters escaped). */
void mj_write_string(FILE *out, const char *text);

#endif
