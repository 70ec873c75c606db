/*
 * http_health.c - GET /healthz (the process answers) and GET /readyz (the
 * database takes writes, the scheduler, the writer and the outbox dispatcher
 * run: safe to send traffic).
 */
#include "http_internal.h"

enum MHD_Result
http_healthz(http_req *rq)
{
	return http_json(rq, 200, json_pack("{s:s}", "status", "ok"));
}

enum MHD_Result
http_readyz(http_req *rq)
{
	store *s = http_store(rq);
	bool db = s != NULL && store_begin(s) == 0;
	bool running = rq->srv->cfg.sched != NULL && sched_running(rq->srv->cfg.sched);
	bool wr = store_writer_running(rq->srv->writer);
	bool disp;
	bool ok;

	pthread_mutex_lock(&rq->srv->dispatcher_mu);
	disp = rq->srv->dispatcher_running != NULL &&
	       rq->srv->dispatcher_running(rq->srv->dispatcher);
	pthread_mutex_unlock(&rq->srv->dispatcher_mu);
	ok = db && running && wr && disp;
	if (db)
		store_rollback(s);
	return http_json(rq, ok ? 200 : 503,
			 json_pack("{s:s,s:b,s:b,s:b,s:b}", "status", ok ? "ready" : "not_ready",
				   "database", db, "scheduler", running, "writer", wr,
				   "dispatcher", disp));
}
