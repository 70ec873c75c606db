/*
 * http_health.c - GET /healthz (the process answers) and GET /readyz (the
 * database takes writes, the scheduler, the writer and the outbox dispatcher
 * run: safe to send traffic). Both answer from memory and never wait for a
 * database lock: the threads' liveness flags, and a database check made at
 * most once a second that does not wait (store_probe). A write lock another
 * process holds is fine for DB_LOCK_GRACE_S (the CLI, a backup); held longer,
 * writes would time out, and the database counts as not ready.
 */
#include "http_internal.h"
#include "util/mono.h"

#define DB_CHECK_EVERY_NS 1000000000LL
#define DB_LOCK_GRACE_S 10

enum MHD_Result
http_healthz(http_req *rq)
{
	return http_json(rq, 200, json_pack("{s:s}", "status", "ok"));
}

/* The database's state as last checked, checked again when a second old. */
static bool
db_ready(http_req *rq, bool *locked)
{
	http_server *srv = rq->srv;
	int64_t now = mono_ns();
	bool check, ok;
	store *s;
	int rc;

	pthread_mutex_lock(&srv->health_mu);
	check = srv->db_checked_ns == 0 || now - srv->db_checked_ns >= DB_CHECK_EVERY_NS;
	if (check)
		srv->db_checked_ns = now;	/* one check at a time is enough */
	pthread_mutex_unlock(&srv->health_mu);
	if (check) {
		s = http_store(rq);
		rc = s == NULL ? -1 : store_probe(s);
		pthread_mutex_lock(&srv->health_mu);
		if (rc == 0) {
			srv->db_ok = true;
			srv->db_locked_since_ns = 0;
		} else if (rc == 1) {
			if (srv->db_locked_since_ns == 0)
				srv->db_locked_since_ns = now;
			srv->db_ok = now - srv->db_locked_since_ns <
				     (int64_t)DB_LOCK_GRACE_S * 1000000000LL;
		} else {
			srv->db_ok = false;
		}
		pthread_mutex_unlock(&srv->health_mu);
	}
	pthread_mutex_lock(&srv->health_mu);
	ok = srv->db_ok;
	*locked = srv->db_locked_since_ns != 0;
	pthread_mutex_unlock(&srv->health_mu);
	return ok;
}

enum MHD_Result
http_readyz(http_req *rq)
{
	bool locked, db = db_ready(rq, &locked);
	bool running = rq->srv->cfg.sched != NULL && sched_running(rq->srv->cfg.sched);
	bool wr = store_writer_running(rq->srv->writer);
	bool disp;
	bool ok;

	pthread_mutex_lock(&rq->srv->dispatcher_mu);
	disp = rq->srv->dispatcher_running != NULL &&
	       rq->srv->dispatcher_running(rq->srv->dispatcher);
	pthread_mutex_unlock(&rq->srv->dispatcher_mu);
	ok = db && running && wr && disp;
	return http_json(rq, ok ? 200 : 503,
			 json_pack("{s:s,s:b,s:b,s:b,s:b,s:b}", "status", ok ? "ready" : "not_ready",
				   "database", db, "database_locked", locked, "scheduler", running,
				   "writer", wr, "dispatcher", disp));
}
