/*
 * intake.h - what every source adapter produces: an intake request, the lead
 * as the source handed it over. Adapters (intake_form, intake_twilio, ...)
 * are pure functions from a payload to this; flow_intake() and
 * flow_inbound() take it from there.
 */
#ifndef LK_INTAKE_H
#define LK_INTAKE_H

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

#endif
