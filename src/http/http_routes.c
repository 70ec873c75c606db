/*
 * http_routes.c - every route the server answers, in one table, and what
 * some doors check before their body is read. The OpenAPI document
 * (docs/openapi.yaml) must list exactly these routes: tests/unit/
 * test_http_routes.c checks both ways.
 */
#include "http_api.h"
#include "http_intake.h"

const http_route http_routes[] = {
	{ "GET", "/healthz", http_healthz, false },
	{ "GET", "/readyz", http_readyz, false },
	{ "GET", "/metrics", http_metrics, false },
	{ "GET", "/cal/*", http_calendar, false },

	{ "POST", "/api/v1/leads", api_leads_create, false },
	{ "GET", "/api/v1/leads", api_leads_list, false },
	{ "GET", "/api/v1/leads/*", api_lead_get, false },
	{ "PATCH", "/api/v1/leads/*", api_lead_patch, false },
	{ "POST", "/api/v1/leads/*/stage", api_lead_stage, false },
	{ "POST", "/api/v1/leads/*/owner", api_lead_owner, false },
	{ "POST", "/api/v1/leads/*/events", api_lead_events, false },
	{ "POST", "/api/v1/leads/*/pause", api_lead_pause, false },
	{ "POST", "/api/v1/leads/*/resume", api_lead_resume, false },
	{ "POST", "/api/v1/leads/*/followup", api_lead_followup, false },
	{ "POST", "/api/v1/leads/*/callback", api_lead_callback, false },
	{ "GET", "/api/v1/tasks", api_tasks_list, false },
	{ "POST", "/api/v1/tasks/*/complete", api_task_complete, false },
	{ "POST", "/api/v1/tasks/*/snooze", api_task_snooze, false },
	{ "GET", "/api/v1/people", api_people_list, false },
	{ "GET", "/api/v1/appointments", api_appointments_list, false },
	{ "GET", "/api/v1/health/report", http_health_report, false },
	{ "POST", "/api/v1/leads/*/appointments", api_lead_appointments, false },

	{ "POST", "/in/form/*", http_form, false },
	{ "POST", "/in/hook/*", http_hook, false },
	{ "POST", "/webhooks/twilio/sms", http_twilio_sms, false },
	{ "POST", "/webhooks/twilio/voice", http_twilio_voice, false },
	{ "POST", "/webhooks/twilio/voice/dial-action", http_twilio_dial_action, false },
	{ "POST", "/webhooks/twilio/voice/status", http_twilio_call_status, false },
	{ "POST", "/webhooks/sendgrid/inbound", http_sendgrid, true },
	{ "POST", "/webhooks/mailgun/inbound", http_mailgun, true },
	{ "GET", "/webhooks/meta/leadgen", http_meta_verify, false },
	{ "POST", "/webhooks/meta/leadgen", http_meta_leadgen, false },
	{ "POST", "/webhooks/google/leadform", http_google_leadform, false },
	{ "POST", "/hooks/twilio/status", http_twilio_status, false },
	{ "GET", "/unsubscribe", http_unsubscribe, false },
	{ "POST", "/unsubscribe", http_unsubscribe, false },
	{ NULL, NULL, NULL, false },
};

const http_precheck http_prechecks[] = {
	{ http_form, http_form_before_body },
	{ http_hook, http_hook_before_body },
	{ http_sendgrid, http_sendgrid_before_body },
	{ http_mailgun, http_mailgun_before_body },
	{ NULL, NULL },
};
