/*
 * http_routes.c - every route the server answers, in one table. The OpenAPI
 * document (docs/openapi.yaml) must list exactly these: tests/unit/
 * test_http_routes.c checks both ways.
 */
#include "http_api.h"

const http_route http_routes[] = {
	{ "GET", "/healthz", http_healthz, false },
	{ "GET", "/readyz", http_readyz, false },

	{ "POST", "/api/v1/leads", api_leads_create, false },
	{ "GET", "/api/v1/leads", api_leads_list, false },
	{ "GET", "/api/v1/leads/*", api_lead_get, false },
	{ "PATCH", "/api/v1/leads/*", api_lead_patch, false },
	{ "POST", "/api/v1/leads/*/stage", api_lead_stage, false },
	{ "POST", "/api/v1/leads/*/owner", api_lead_owner, false },
	{ "POST", "/api/v1/leads/*/events", api_lead_events, false },
	{ "GET", "/api/v1/tasks", api_tasks_list, false },
	{ "POST", "/api/v1/tasks/*/complete", api_task_complete, false },
	{ "POST", "/api/v1/tasks/*/snooze", api_task_snooze, false },
	{ "GET", "/api/v1/people", api_people_list, false },
	{ "POST", "/hooks/twilio/status", http_twilio_status, false },
	{ "GET", "/unsubscribe", http_unsubscribe, false },
	{ "POST", "/unsubscribe", http_unsubscribe, false },
	{ NULL, NULL, NULL, false },
};
