/*
 * ascii.h - character classes by byte value, the same in every locale: phone
 * numbers, e-mail addresses and POSIX TZ strings are ASCII grammars, and
 * <ctype.h> answers by the process's locale. Header only (static inline);
 * core's copy because core may include nothing outside src/core/.
 */
#ifndef LK_CORE_ASCII_H
#define LK_CORE_ASCII_H

#include <stdbool.h>

static inline bool
ascii_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
ascii_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Space, \t, \n, \v, \f, \r. */
static inline bool
ascii_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* c in lower case when it is A..Z; any other byte as it is. */
static inline char
ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

#endif
