/*
 * str.h - small string helpers more than one layer needs. "White space" is
 * isspace() in the C locale (space, \t, \n, \v, \f, \r); leadkeep never calls
 * setlocale(). C library only; knows nothing of the domain.
 */
#ifndef LK_UTIL_STR_H
#define LK_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>

/* True when s is NULL, empty, or white space only. */
bool str_blank(const char *s);

/* Trims the NUL-terminated s in place: trailing white space is cut with a
 * NUL, and the result points past the leading white space. Borrows s; the
 * result points into it. */
char *str_trim(char *s);

/* A NUL-terminated copy of s[0..n) without its leading and trailing white
 * space. Reads at most n bytes (s need not be terminated; a NUL inside is
 * copied). Caller frees; NULL when out of memory. */
char *str_trim_dup(const char *s, size_t n);

#endif
