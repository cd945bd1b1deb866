/* genai-interop: minimal compiler-builtin header for libclang, which ships none. */
#ifndef GENAI_INTEROP_STDARG_H
#define GENAI_INTEROP_STDARG_H
typedef __builtin_va_list va_list;
typedef __builtin_va_list __gnuc_va_list;
#define va_start(ap, param) __builtin_va_start(ap, param)
#define va_end(ap) __builtin_va_end(ap)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_copy(d, s) __builtin_va_copy(d, s)
#endif
