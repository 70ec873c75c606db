/*
 * ids.h - row ids (int64_t) in sorted arrays: the comparator qsort() and
 * bsearch() take. C library only; knows nothing of the domain.
 */
#ifndef LK_UTIL_IDS_H
#define LK_UTIL_IDS_H

/* Compares the int64_t ids a and b point to: -1, 0 or 1, ascending. For
 * qsort()/bsearch() over int64_t arrays. Borrows both. */
int ids_cmp(const void *a, const void *b);

#endif
