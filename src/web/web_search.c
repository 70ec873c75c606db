/*
 * web_search.c - search leads by name, email or phone (any way a phone is
 * typed: its digits are matched), across the leads the user may see: office,
 * managers and admins every lead, sales and technicians only the leads they
 * own or hold an open task on - another's lead never shows in the results.
 * And the web app's own 404 page for unknown /app/ paths.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "store/store_web.h"
#include "web.h"

#define SEARCH_MAX_Q 100	/* bytes of a query */
#define SEARCH_LIMIT 50

typedef struct {
	web_ctx *c;
	int n;
} results;

static void
on_result(void *ctx, const store_lead_brief *r)
{
	results *res = ctx;
	web_ctx *c = res->c;
	html *h = &c->h;
	html_url u;

	if (res->n++ == 0) {
		html_open(h, "ul");
		html_attr(h, "class", "leads");
	}
	html_open(h, "li");
	html_url_pathf(&u, "/app/leads/%lld", (long long)r->id);
	html_open(h, "a");
	html_url_attr(h, "href", &u);
	html_text(h, r->name && *r->name ? r->name : "(no name)");
	html_close(h);
	if (r->is_new) {
		html_text(h, " ");
		web_badge(c, "new", "New");
	}
	html_open(h, "span");
	html_attr(h, "class", "meta overflow");
	if (r->phone) {
		html_text(h, " \xc2\xb7 ");
		html_text(h, r->phone);
	}
	if (r->email) {
		html_text(h, " \xc2\xb7 ");
		html_text(h, r->email);
	}
	html_textf(h, " \xc2\xb7 %s, %s \xc2\xb7 ", r->stage ? r->stage : "-",
		   r->status ? r->status : "-");
	html_text(h, web_person_name(c, r->owner));
	html_close(h);
	html_close(h);
}

enum MHD_Result
web_search(http_req *rq)
{
	enum MHD_Result ret;
	const char *q, *person;
	char query[SEARCH_MAX_Q + 1], digits[SEARCH_MAX_Q + 1];
	results res = { 0 };
	size_t nd = 0;
	bool letters = false;
	store *s;
	web_ctx c;
	html *h;
	html_url u;
	int n = 0;

	if (!web_begin(&c, rq, true, &ret))
		goto out;
	h = &c.h;
	res.c = &c;
	q = http_arg(rq, "q");
	while (q && (*q == ' ' || *q == '\t'))
		q++;
	snprintf(query, sizeof query, "%s", q ? q : "");
	for (size_t len = strlen(query); len > 0 && (query[len - 1] == ' ' || query[len - 1] == '\t');)
		query[--len] = '\0';
	/* a phone as typed ("(312) 555-0199"): its digits, when it has no letters */
	for (const char *p = query; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits[nd++] = *p;
		else if (isalpha((unsigned char)*p) || *p == '@')
			letters = true;
	}
	digits[nd] = '\0';
	person = web_role_sees_all(c.user.role) ? NULL : web_person(&c);

	web_page_start(&c, "Search", "search");
	html_elem(h, "h1", "Search");
	html_url_path(&u, "/app/search");
	html_open(h, "form");
	html_attr(h, "method", "get");
	html_url_attr(h, "action", &u);
	html_attr(h, "class", "card");
	html_attr(h, "role", "search");
	html_open(h, "label");
	html_attr(h, "for", "search-q");
	html_text(h, person ? "Name, phone or email, among your leads" :
		  "Name, phone or email");
	html_close(h);
	html_open(h, "div");
	html_attr(h, "class", "row");
	html_void(h, "input");
	html_attr(h, "id", "search-q");
	html_attr(h, "type", "search");
	html_attr(h, "name", "q");
	html_attr(h, "value", query);
	html_attr(h, "maxlength", "100");
	html_open(h, "button");
	html_text(h, "Search");
	html_close(h);
	html_close(h);	/* row */
	html_close(h);	/* form */

	if (query[0] == '\0') {
		/* nothing asked yet */
	} else if (person != NULL && *person == '\0') {
		html_elem(h, "p", "Your account is not linked to a person in the rules, so no lead "
			  "is yours to find.");
	} else if ((s = http_store(rq)) == NULL ||
		   (n = store_search_read(s, c.business_id, query, letters ? NULL : digits,
					  person, SEARCH_LIMIT, on_result, &res)) < 0) {
		if (res.n > 0)
			html_close(h);
		html_open(h, "p");
		html_attr(h, "class", "notice error");
		html_attr(h, "role", "alert");
		html_text(h, "The leads cannot be searched just now. Try again in a moment.");
		html_close(h);
	} else {
		if (res.n > 0)
			html_close(h);	/* the list on_result opened */
		html_open(h, "p");
		html_attr(h, "class", "meta");
		if (n == 0)
			html_text(h, "No lead matches.");
		else if (n == SEARCH_LIMIT)
			html_textf(h, "The newest %d leads that match; say more to narrow it down.",
				   SEARCH_LIMIT);
		else
			html_textf(h, "%d %s.", n, n == 1 ? "lead matches" : "leads match");
		html_close(h);
	}
	web_page_end(&c);
	ret = web_send(&c, 200, NULL);
out:
	web_end(&c);
	return ret;
}

enum MHD_Result
web_not_found(http_req *rq, int status)
{
	enum MHD_Result ret;
	web_ctx c;

	if (web_begin(&c, rq, false, &ret))
		ret = status == 405 ?
		      web_error_page(&c, 405, "Not here", "This page does not take that kind of "
				     "request. Go back and use the page's own buttons.") :
		      web_error_page(&c, 404, "Not found", "There is no such page. It may have "
				     "moved; start again from Today.");
	web_end(&c);
	return ret;
}
