/*
 * intake.h - what every source adapter produces: an intake request, one
 * change from outside said once for every door. Adapters (intake_form,
 * intake_twilio, intake_email, intake_ads, intake_api) are pure functions
 * from a source's parsed payload to requests; flow_submit() (src/flow/)
 * takes a request through the one matching policy, and HTTP only carries
 * payloads in and answers out. Nothing in src/intake/ does I/O or touches
 * the store.
 */
#ifndef LK_INTAKE_H
#define LK_INTAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/lead.h"

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
	const lead_custom *custom; /* fields the lead has no field for, kept as
				 * custom fields (intake_custom.h) */
	size_t ncustom;
	const char *cut;	/* what the adapter had to cut or change to keep the
				 * lead (a timeline entry says it), NULL = nothing */
} intake_lead;

/* What a request is, and so which door of the flow it takes. */
typedef enum {
	INTAKE_LEAD,	/* an inquiry: a new lead from .lead, or - when a lead matches
			 * its phone/email (flow_match) - "asked again" on that lead */
	INTAKE_MESSAGE,	/* a text or email from a contact: .ev on the lead that matches
			 * .match_phone/.match_email; else .lead when create_if_unknown */
	INTAKE_CALL,	/* a call's outcome from a contact: as INTAKE_MESSAGE */
} intake_kind;

/* Room for a dedupe key: a prefix and the longest provider id any adapter
 * keys on (an email's Message-ID, under 300 bytes). */
#define INTAKE_DEDUPE_MAX 320

/*
 * One change from outside. Strings (in .lead, .ev and the match fields) are
 * borrowed: from the parsed payload (its fields and their arena), from the
 * source's configuration, or string literals. Whoever parsed the payload
 * keeps it alive until the request has been submitted (flow_submit returned);
 * the request itself owns only dedupe_key, so it may be copied by value.
 */
typedef struct {
	intake_kind kind;
	intake_lead lead;		/* LEAD: the inquiry; MESSAGE/CALL: the lead to
					 * create when nobody matches */
	const char *match_phone;	/* MESSAGE/CALL: the sender as given */
	const char *match_email;
	lead_event ev;			/* MESSAGE/CALL: what happened, for their lead */
	bool create_if_unknown;		/* MESSAGE/CALL: nobody matches -> a new lead
					 * from .lead; false -> nothing happens */
	char dedupe_key[INTAKE_DEDUPE_MAX]; /* "twilio:sms:<MessageSid>" etc.: the same
					 * key twice is one change; "" = none */
} intake_request;

/* What an adapter made of a payload. Each adapter says which it returns. */
typedef enum {
	INTAKE_OK = 0,		/* the request(s) are to be submitted */
	INTAKE_NOTHING,		/* nothing to submit and nothing wrong (a bot's
				 * honeypot, a call not over yet, a test lead) */
	INTAKE_MISSING,		/* a field the source must send is missing or empty */
	INTAKE_INVALID,		/* a field holds something it may not */
	INTAKE_NOMEM,		/* out of memory: nothing was made */
} intake_result;

/* A request of kind with "no event" markers set and nothing borrowed yet. */
void intake_request_init(intake_request *req, intake_kind kind);

/* Sets req's dedupe key to "<prefix>:<id>". Leaves it empty when id is NULL
 * or id_under bytes long or longer (each adapter's cap on a provider id), or
 * when the key would not fit: a key is never truncated into another's. */
void intake_dedupe(intake_request *req, const char *prefix, const char *id, size_t id_under);

#endif
