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

/* Puts sql's name on p's connection ("s" and its slot) into name,
 * preparing it the first time: 1. 0 when it has none (the table is full,
 * out of memory): run the text. -1 when PostgreSQL refused to prepare it:
 * *refused is its answer, the error the statement would have had (a
 * refusal in a transaction ends it, so the text must not be tried again). */
static int
named(pg_store *p, const char *sql, int nparams, char *name, size_t len, PGresult **refused)
{
	uint64_t h = fnv1a(sql);
	size_t i = h % SLOTS;
	char *copy;
	PGresult *r;

	if (p->prepared == NULL && (p->prepared = calloc(1, sizeof *p->prepared)) == NULL)
		return 0;
	for (; p->prepared->slot[i].sql != NULL; i = (i + 1) % SLOTS)
		if (p->prepared->slot[i].hash == h && strcmp(p->prepared->slot[i].sql, sql) == 0) {
			snprintf(name, len, "s%zu", i);
			return 1;
		}
	if (p->prepared->n >= PG_PREPARED_MAX || (copy = strdup(sql)) == NULL)
		return 0;
	snprintf(name, len, "s%zu", i);
	r = PQprepare(p->conn, name, sql, nparams, NULL);
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
		free(copy);
		*refused = r;
		return -1;
	}
	PQclear(r);
	p->prepared->slot[i].sql = copy;
	p->prepared->slot[i].hash = h;
	p->prepared->n++;
	return 1;
}

PGresult *
pg_exec_prepared(pg_store *p, const char *sql, const pg_params *params)
{
	PGresult *refused = NULL;
	char name[16];

	switch (named(p, sql, params->n, name, sizeof name, &refused)) {
	case 1:
		return PQexecPrepared(p->conn, name, params->n, params->v, NULL, NULL, 0);
	case 0:
		return PQexecParams(p->conn, sql, params->n, NULL, params->v, NULL, NULL, 0);
	default:
		return refused;
	}
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
