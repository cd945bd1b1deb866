/* genai-interop: minimal compiler-builtin header for libclang, which ships none. */
#ifndef GENAI_INTEROP_STDBOOL_H
#define GENAI_INTEROP_STDBOOL_H
#define bool _Bool
#define true 1
#define false 0
#define __bool_true_false_are_defined 1
#endif
