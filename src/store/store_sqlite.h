/*
 * store_sqlite.h - the SQLite backend's own connection, for the store's files,
 * the tests and the benchmarks that look underneath (counting statements,
 * checking rows). Nothing in src/ above src/store/ includes this.
 */
#ifndef LK_STORE_SQLITE_H
#define LK_STORE_SQLITE_H

#include <sqlite3.h>

#include "store.h"

/* The connection behind s; owned by s. */
sqlite3 *store_sqlite_db(store *s);

#endif
