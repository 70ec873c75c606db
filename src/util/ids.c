/*
 * ids.c - the int64_t id comparator (ids.h). C library only.
 */
#include <stdint.h>

#include "ids.h"

int
ids_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}
