/*
 * web_routes.c - every page of the staff web app, in one table. The server
 * matches these after its API routes (src/http/http_routes.c); they are
 * HTML for people, so docs/openapi.yaml does not list them (docs/webapp.md
 * does).
 */
#include "web.h"

const http_route web_routes[] = {
	{ "GET", "/", web_root, false },
	{ "GET", "/app", web_root, false },
	{ "GET", "/app/", web_today, false },
	{ "GET", "/app/login", web_login_form, false },
	{ "POST", "/app/login", web_login, false },
	{ "POST", "/app/logout", web_logout, false },
	{ "POST", "/app/business", web_business_switch, false },
	{ "GET", "/app/set-password", web_set_password_form, false },
	{ "POST", "/app/set-password", web_set_password, false },
	{ "GET", "/app/leads/new", web_new_lead_form, false },	/* before leads/ID */
	{ "POST", "/app/leads", web_new_lead, false },
	{ "GET", "/app/leads/*", web_lead, false },
	{ "POST", "/app/leads/*/log", web_lead_log, false },
	{ "POST", "/app/leads/*/stage", web_lead_stage, false },
	{ "POST", "/app/leads/*/owner", web_lead_owner, false },
	{ "POST", "/app/leads/*/pause", web_lead_pause, false },
	{ "POST", "/app/leads/*/opt-out", web_lead_opt_out, false },
	{ "POST", "/app/leads/*/resume", web_lead_resume, false },
	{ "POST", "/app/leads/*/appointments", web_lead_appointment, false },
	{ "POST", "/app/tasks/*/outcome", web_task_outcome, false },
	{ "POST", "/app/tasks/*/snooze", web_task_snooze, false },
	{ "GET", "/app/walk", web_walk, false },
	{ "GET", "/app/pipeline", web_pipeline, false },
	{ "GET", "/app/team", web_team, false },
	{ "GET", "/app/rules", web_rules, false },
	{ "GET", "/app/reports", web_reports, false },
	{ "GET", "/app/search", web_search, false },
	{ "POST", "/app/walk/*", web_walk_outcome, false },
	{ "GET", "/app/events", web_events, false },
	{ "GET", "/app/assets/*", web_asset_get, false },
	{ "GET", "/app/manifest.webmanifest", web_manifest, false },
	{ NULL, NULL, NULL, false },
};
