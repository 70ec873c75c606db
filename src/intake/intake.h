/*
 * intake.h - the one door every lead comes in by, whatever its source.
 *
 * Normalises contact details (a bad phone or email is kept as given and
 * flagged: a lead is never dropped for a bad field), attaches a repeat inquiry
 * to the open lead it belongs to, and runs the new lead through decide() -
 * all inside the caller's transaction, so the lead and its decision commit
 * together.
 */
#ifndef LK_INTAKE_H
#define LK_INTAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/rules.h"
#include "store/store.h"

/* A lead as a source hands it over. Strings are borrowed; any may be NULL. */
typedef struct {
	const char *name;
	const char *phone;
	const char *email;
	const char *source;	/* web_form, phone_call, sms, email, meta_ads, google_ads, api */
	const char *kind;	/* default new_inquiry */
	const char *service;
	const char *message;
	const char *neighbourhood;
	const char *owner;	/* preset owner (a person id), NULL = routing decides */
	const char *external_id;
	const char *actor;	/* who entered it, NULL = the lead itself */
} intake_lead;

typedef struct {
	int64_t lead_id;
	bool duplicate;		/* attached to an existing open lead */
	unsigned flags;		/* LEAD_* contact problems found */
} intake_result;

/* Takes in one lead at time now. Returns 0, or -1 on a storage error (err set;
 * the caller rolls back and must not acknowledge the lead). */
int intake_submit(store *s, int64_t business_id, const rules *r, const intake_lead *in,
		  int64_t now, intake_result *out, char *err, size_t errlen);

#endif
