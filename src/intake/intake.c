/*
 * intake.c - the intake request's two helpers (see intake.h). Pure.
 */
#include <stdio.h>
#include <string.h>

#include "intake.h"

void
intake_request_init(intake_request *req, intake_kind kind)
{
	memset(req, 0, sizeof *req);
	req->kind = kind;
	req->ev = lead_event_init(EV_NOTE);
}

void
intake_dedupe(intake_request *req, const char *prefix, const char *id, size_t id_under)
{
	int n;

	req->dedupe_key[0] = '\0';
	if (id == NULL || *id == '\0' || strlen(id) >= id_under)
		return;
	n = snprintf(req->dedupe_key, sizeof req->dedupe_key, "%s:%s", prefix, id);
	if (n < 0 || (size_t)n >= sizeof req->dedupe_key)
		req->dedupe_key[0] = '\0';
}
