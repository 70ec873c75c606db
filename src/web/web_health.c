/*
 * web_health.c - the health banner on the Today and Reports pages: the
 * alerts serve's self-watch had open at its last look (health_watch.h), for
 * the people who run the business (managers and admins) - the install's own
 * business, which the watch looks at. Reads memory only.
 */
#include "web.h"
#include "web_auth.h"

#define BANNER_MAX 20	/* alerts listed: the first 20, in kind order */

void
web_health_banner(web_ctx *c)
{
	health_alert al[BANNER_MAX];
	html *h = &c->h;
	int n;

	if (!web_role_sees_reports(c->user.role))
		return;
	if ((n = http_health_alerts(c->rq, c->business_id, al, BANNER_MAX)) == 0)
		return;
	html_open(h, "div");
	html_attr(h, "class", "notice error health");
	html_attr(h, "role", "alert");
	html_attr(h, "id", "health-banner");
	html_elem(h, "strong", n == 1 ? "Something needs attention:" :
		  "Some things need attention:");
	html_open(h, "ul");
	for (int i = 0; i < n; i++) {
		html_open(h, "li");
		html_attr(h, "data-kind", health_kind_name(al[i].kind));
		html_text(h, al[i].message);
		html_close(h);
	}
	html_close(h);
	html_close(h);
}
