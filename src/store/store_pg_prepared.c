/*
 * store_pg_prepared.c - each statement text parsed once per connection.
 * PQexecParams sends a statement's text every time and PostgreSQL parses
 * and analyses it every time: most of a short statement's cost, and an
 * intake is some twenty of them. Here a text with parameters is prepared
 * under a name the first time the connection runs it and executed by name
 * after. The names live as long as the connection (a rollback keeps them),
 * so a reset connection forgets them all. A full table runs the text as
 * before.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg.h"

#define SLOTS (2 * PG_PREPARED_MAX)	/* open addressing, at most half full */

struct pg_prepared {
	struct {
		uint64_t hash;
		char *sql;	/* NULL: a free slot */
	} slot[SLOTS];
	int n;
};

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* sql's name on p's connection ("s" and its slot) into name, preparing it
 * the first time; false when it is not (table full, out of memory, or
 * PostgreSQL refused it: the caller runs the text and reports). */
static bool
named(pg_store *p, const char *sql, int nparams, char *name, size_t len)
{
	uint64_t h = fnv1a(sql);
	size_t i = h % SLOTS;
	PGresult *r;
	bool ok;

	if (p->prepared == NULL && (p->prepared = calloc(1, sizeof *p->prepared)) == NULL)
		return false;
	for (; p->prepared->slot[i].sql != NULL; i = (i + 1) % SLOTS)
		if (p->prepared->slot[i].hash == h && strcmp(p->prepared->slot[i].sql, sql) == 0) {
			snprintf(name, len, "s%zu", i);
			return true;
		}
	if (p->prepared->n >= PG_PREPARED_MAX)
		return false;
	snprintf(name, len, "s%zu", i);
	r = PQprepare(p->conn, name, sql, nparams, NULL);
	ok = r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok || (p->prepared->slot[i].sql = strdup(sql)) == NULL)
		return false;	/* a name prepared but not kept is prepared again: refused */
	p->prepared->slot[i].hash = h;
	p->prepared->n++;
	return true;
}

PGresult *
pg_exec_prepared(pg_store *p, const char *sql, const pg_params *params)
{
	char name[16];

	if (!named(p, sql, params->n, name, sizeof name))
		return PQexecParams(p->conn, sql, params->n, NULL, params->v, NULL, NULL, 0);
	return PQexecPrepared(p->conn, name, params->n, params->v, NULL, NULL, 0);
}

void
pg_prepared_forget(pg_store *p)
{
	if (p->prepared == NULL)
		return;
	for (size_t i = 0; i < SLOTS; i++)
		free(p->prepared->slot[i].sql);
	free(p->prepared);
	p->prepared = NULL;
}
