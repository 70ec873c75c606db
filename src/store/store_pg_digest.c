/*
 * store_pg_digest.c - the PostgreSQL engine's weekly digest rows
 * (store_digest.h): store_digest_sqlite.c's statements in PostgreSQL's words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg.h"

int
pg_digest_claim(store *s, int64_t business_id, const char *week, const char *recipient,
		 int64_t now)
{
	pg_params pp = { 0 };

	pg_int(&pp, business_id);
	pg_text(&pp, week);
	pg_int(&pp, now);
	pg_text(&pp, recipient);
	return pg_changed(pg_of(s), "INSERT INTO digests (business_id, week, recipient, state,"
			  " attempts, created_at, updated_at) VALUES ($1, $2, $4, 'sending', 1,"
			  " $3, $3) ON CONFLICT (business_id, week, recipient) DO UPDATE SET state = 'sending',"
			  " attempts = digests.attempts + 1, updated_at = $3"
			  " WHERE digests.state = 'retry' AND digests.retry_at <= $3", &pp);
}

int
pg_digest_finish(store *s, int64_t business_id, const char *week, const char *recipient,
		 const char *state,
		 const char *error, int64_t retry_at, int64_t now)
{
	pg_params pp = { 0 };

	pg_int(&pp, business_id);
	pg_text(&pp, week);
	pg_text(&pp, state);
	pg_text(&pp, error);
	pg_int(&pp, retry_at);
	pg_int(&pp, now);
	pg_text(&pp, recipient);
	return pg_changed(pg_of(s), "UPDATE digests SET state = $3, last_error = $4,"
			  " retry_at = $5, updated_at = $6 WHERE business_id = $1 AND week = $2"
			  " AND recipient = $7 AND state = 'sending'", &pp);
}

int
pg_digest_recover(store *s, int64_t business_id, int64_t now)
{
	pg_params pp = { 0 };
	PGresult *r;
	int n;

	pg_int(&pp, business_id);
	pg_int(&pp, now);
	if ((r = pg_run(pg_of(s), "UPDATE digests SET state = 'unknown', updated_at = $2,"
			" last_error = 'stopped while sending: the mail may have left'"
			" WHERE business_id = $1 AND state = 'sending'", &pp)) == NULL)
		return -1;
	n = atoi(PQcmdTuples(r));
	PQclear(r);
	return n;
}

int
pg_digest_get(store *s, int64_t business_id, const char *week, const char *recipient,
		 char *state, size_t statelen,
	      int *attempts)
{
	pg_params pp = { 0 };
	PGresult *r;
	int found;

	pg_int(&pp, business_id);
	pg_text(&pp, week);
	pg_text(&pp, recipient);
	if ((r = pg_run(pg_of(s), "SELECT state, attempts FROM digests WHERE business_id = $1"
			" AND week = $2 AND recipient = $3", &pp)) == NULL)
		return -1;
	if ((found = PQntuples(r) > 0)) {
		snprintf(state, statelen, "%s", PQgetvalue(r, 0, 0));
		if (attempts != NULL)
			*attempts = (int)pg_get_int(r, 0, 1);
	}
	PQclear(r);
	return found;
}
