/*
 * http_health_report.c - GET /api/v1/health/report: what serve's self-watch
 * (health/health_watch.h) finds when it looks now - open alerts with since
 * when, and each source's usual gap between leads - for staff tokens, and
 * the last look's alerts for the web app's banner and /metrics. The watch
 * is serve's; the server only borrows it (http_set_health).
 */
#include "health/health_watch.h"
#include "http_internal.h"

void
http_set_health(http_server *s, struct health_watch *w)
{
	pthread_rwlock_wrlock(&s->watch_lock);
	s->watch = w;
	pthread_rwlock_unlock(&s->watch_lock);
}

int
http_health_alerts(http_req *rq, int64_t business_id, health_alert *out, int max)
{
	int n = 0;

	pthread_rwlock_rdlock(&rq->srv->watch_lock);
	if (rq->srv->watch != NULL)
		n = health_watch_alerts(rq->srv->watch, business_id, out, max);
	pthread_rwlock_unlock(&rq->srv->watch_lock);
	return n;
}

enum MHD_Result
http_health_report(http_req *rq)
{
	enum MHD_Result ret;
	json_t *j = NULL;
	bool watching, watched = false;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	/* The token's business, and only it: another business's alerts are none
	 * of its business. */
	pthread_rwlock_rdlock(&rq->srv->watch_lock);
	watching = rq->srv->watch != NULL;
	if (watching)
		j = health_watch_report(rq->srv->watch, rq->business_id, &watched);
	pthread_rwlock_unlock(&rq->srv->watch_lock);
	if (!watching)
		return http_error(rq, 503, "not_watching", "the health watch is not running (it "
				  "starts with serve, after delivery)", NULL);
	if (!watched)
		return http_error(rq, 404, "not_watched", "the health watch does not watch this "
				  "token's business (it is not hosted here)", NULL);
	if (j == NULL)
		return http_error(rq, 500, "internal", "out of memory", NULL);
	return http_json(rq, 200, j);
}
