/*
 * deliver_form.h - one field of a form-encoded body, decoded. Pure.
 */
#ifndef LK_DELIVER_FORM_H
#define LK_DELIVER_FORM_H

#include <stdbool.h>
#include <stddef.h>

/* Finds the first field `name` in body[0..len) and writes its decoded value
 * ('+' is a space, %XX a byte) into out. Returns false when the field is
 * absent, or its value does not fit in outlen or holds a NUL byte. */
bool deliver_form_get(const char *body, size_t len, const char *name, char *out,
		      size_t outlen);

#endif
