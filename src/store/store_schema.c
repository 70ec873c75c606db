/*
 * store_schema.c - the numbered migrations. The schema version lives in
 * PRAGMA user_version; migration N moves a file from version N-1 to N inside
 * one transaction. Never edit a migration that has shipped: add the next one.
 */
#include "store_internal.h"

const char *const store_migrations[] = {
	/* 1: the first schema. Every business table carries business_id. */
	"CREATE TABLE businesses ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  timezone TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE people ("
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  id TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  role TEXT,"
	"  phone TEXT,"
	"  email TEXT,"
	"  notify TEXT,"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  PRIMARY KEY (business_id, id));"
	"CREATE TABLE leads ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  name TEXT, phone TEXT, email TEXT, source TEXT, kind TEXT, service TEXT,"
	"  message TEXT, neighbourhood TEXT, external_id TEXT,"
	"  flags INTEGER NOT NULL DEFAULT 0,"
	"  stage TEXT,"
	"  status TEXT NOT NULL DEFAULT 'open',"
	"  owner TEXT,"
	"  sequence TEXT,"
	"  sequence_started_at INTEGER NOT NULL DEFAULT 0,"
	"  plan INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  last_inbound_at INTEGER NOT NULL DEFAULT 0,"
	"  last_touch_at INTEGER NOT NULL DEFAULT 0,"
	"  last_task_done_at INTEGER NOT NULL DEFAULT 0,"
	"  sms_opt_out INTEGER NOT NULL DEFAULT 0,"
	"  email_opt_out INTEGER NOT NULL DEFAULT 0,"
	"  quote_cents INTEGER,"
	"  lost_reason TEXT,"
	"  reactivate_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX leads_by_phone ON leads(business_id, phone) WHERE phone IS NOT NULL;"
	"CREATE INDEX leads_by_email ON leads(business_id, email) WHERE email IS NOT NULL;"
	"CREATE INDEX leads_by_owner ON leads(business_id, owner, status);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  lead_id INTEGER NOT NULL REFERENCES leads(id),"
	"  at INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  actor TEXT,"
	"  text TEXT);"
	"CREATE INDEX events_by_lead ON events(lead_id, id);"
	"CREATE TABLE tasks ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  lead_id INTEGER NOT NULL REFERENCES leads(id),"
	"  verb TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  assignee TEXT,"
	"  due_at INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'open',"
	"  outcome TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  closed_at INTEGER);"
	"CREATE INDEX tasks_open_by_assignee ON tasks(business_id, assignee, due_at)"
	"  WHERE state = 'open';"
	"CREATE INDEX tasks_by_lead ON tasks(lead_id, state);"
	"CREATE TABLE timers ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  lead_id INTEGER NOT NULL REFERENCES leads(id),"
	"  due_at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  sequence TEXT,"
	"  step INTEGER NOT NULL DEFAULT -1,"
	"  level INTEGER NOT NULL DEFAULT -1,"
	"  task_id INTEGER,"
	"  plan INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  created_at INTEGER NOT NULL,"
	"  fired_at INTEGER);"
	"CREATE INDEX timers_pending ON timers(due_at) WHERE state = 'pending';"
	"CREATE INDEX timers_by_lead ON timers(lead_id, state);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  lead_id INTEGER NOT NULL REFERENCES leads(id),"
	"  person TEXT,"
	"  channel TEXT NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  subject TEXT,"
	"  body TEXT NOT NULL,"
	"  purpose TEXT NOT NULL,"
	"  send_at INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'queued',"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  provider_id TEXT,"
	"  last_error TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX outbox_due ON outbox(send_at) WHERE state = 'queued';"
	"CREATE INDEX outbox_by_lead ON outbox(lead_id, created_at);"
	"CREATE TABLE rr_counters ("
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  pool TEXT NOT NULL,"
	"  value INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (business_id, pool));",

	/* 2: API tokens (stored hashed) and idempotency keys for POST retries. */
	"CREATE TABLE api_tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  name TEXT NOT NULL,"
	"  role TEXT NOT NULL,"
	"  prefix TEXT NOT NULL UNIQUE,"
	"  hash TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  revoked_at INTEGER);"
	"CREATE TABLE idempotency_keys ("
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  key TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  body TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (business_id, key));",

	/* 3: delivery. Which provider took a message, its error code, the task a
	 * failure made for a human; outbound webhook deliveries and the cursor
	 * over events that feeds them. */
	"ALTER TABLE outbox ADD COLUMN provider TEXT;"
	"ALTER TABLE outbox ADD COLUMN error_code INTEGER;"
	"ALTER TABLE outbox ADD COLUMN task_id INTEGER;"
	"CREATE INDEX outbox_by_state ON outbox(state) WHERE state IN ('sending', 'unknown');"
	"CREATE TABLE webhook_deliveries ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  event_id INTEGER NOT NULL REFERENCES events(id),"
	"  url TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'queued',"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  send_at INTEGER NOT NULL,"
	"  status INTEGER,"
	"  last_error TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  UNIQUE (event_id, url));"
	"CREATE INDEX webhook_due ON webhook_deliveries(send_at) WHERE state = 'queued';"
	"CREATE TABLE deliver_cursors ("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL);",

	/* 4: the staff web app's users (a password hash or none yet, failed
	 * sign-ins and a lockout), their sessions and one-time set-password
	 * links. Only hashes of session and link tokens are kept. */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  email TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  role TEXT NOT NULL,"
	"  person_id TEXT,"
	"  password_hash TEXT,"
	"  failed_logins INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  disabled_at INTEGER,"
	"  UNIQUE (business_id, email));"
	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  csrf TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL);"
	"CREATE INDEX sessions_by_user ON sessions(user_id);"
	"CREATE TABLE password_tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  used_at INTEGER);",
	/* 5: custom fields - what a source sent that the lead has no column for
	 * ("zip", "budget"), as one JSON object of strings; NULL = none. */
	"ALTER TABLE leads ADD COLUMN custom TEXT;",

	/* 6: calendar feeds - a person's secret address for their open tasks
	 * (GET /cal/TOKEN.ics); only the token's hash is kept, one live token per
	 * person, revoked ones kept for the record. */
	"CREATE TABLE calendar_tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  person TEXT NOT NULL,"
	"  hash TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  revoked_at INTEGER);"
	"CREATE UNIQUE INDEX calendar_tokens_live ON calendar_tokens(business_id, person)"
	"  WHERE revoked_at IS NULL;",
	/* 7: rules that change under running plans. A step timer names its step
	 * by id (step keeps the position, for people); a lead records the rules
	 * version its plan runs and the steps a rules change took out of its
	 * way. Every rules version used is kept (text and SHA-256), and every
	 * time one became active. */
	"ALTER TABLE timers ADD COLUMN step_id TEXT;"
	"ALTER TABLE leads ADD COLUMN rules_version TEXT;"
	"ALTER TABLE leads ADD COLUMN plan_skip TEXT;"
	"CREATE INDEX leads_in_flight ON leads(business_id, id) WHERE sequence IS NOT NULL;"
	"CREATE TABLE rules_versions ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  hash TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  first_used_at INTEGER NOT NULL,"
	"  UNIQUE (business_id, hash));"
	"CREATE TABLE rules_activations ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  version_id INTEGER NOT NULL REFERENCES rules_versions(id),"
	"  at INTEGER NOT NULL,"
	"  by TEXT NOT NULL);",
	/* 8: the lead's own time zone (an IANA name, from its phone number or set
	 * by a person; NULL = unknown, the business's stands in): its quiet
	 * hours follow its clock. */
	"ALTER TABLE leads ADD COLUMN timezone TEXT;",
	/* 9: appointments - a visit or call booked with a lead (kind from the
	 * rules, start and end as UTC instants, place, the person coming, its
	 * state, whether the lead asked to move it); reminder and check timers
	 * name the appointment they are about. */
	"CREATE TABLE appointments ("
	"  id INTEGER PRIMARY KEY,"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  lead_id INTEGER NOT NULL REFERENCES leads(id),"
	"  kind TEXT NOT NULL,"
	"  starts_at INTEGER NOT NULL,"
	"  ends_at INTEGER NOT NULL,"
	"  place TEXT,"
	"  person TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  paused INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX appointments_by_lead ON appointments(lead_id, state);"
	"CREATE INDEX appointments_by_day ON appointments(business_id, starts_at);"
	"ALTER TABLE timers ADD COLUMN appointment_id INTEGER;",
	/* 10: a person paused the lead's automation (since when, 0 = it runs) and
	 * the id of the step of its sequence that runs first when it is resumed
	 * (NULL = none was waiting). */
	"ALTER TABLE leads ADD COLUMN paused_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE leads ADD COLUMN paused_step TEXT;",
	/* 11: what reports read, kept narrow so a report over a million leads
	 * reads indexes, not rows: the timeline entries that say a person acted
	 * (the engine's engine_human_event_types), the lead wrote, or was first
	 * reached; and every acknowledgment to a lead. Partial: automated
	 * entries, most of the timeline, cost no index write. The report's
	 * statements name these indexes (INDEXED BY), so a list that stopped
	 * matching fails loudly; test_report checks the engine's types are in. */
	"CREATE INDEX events_report ON events(business_id, lead_id, at, type) WHERE type IN"
	"  ('call.logged', 'visit.logged', 'note', 'note.contact', 'stage.changed', 'task.done',"
	"   'task.snoozed', 'lead.updated', 'followup.set', 'message.received', 'contact.first');"
	"CREATE INDEX outbox_acks ON outbox(business_id, lead_id, send_at, state)"
	"  WHERE purpose = 'ack' AND person IS NULL;",

	/* 12: the weekly digest's sends, one row per business, week (the
	 * local date of the slot) and recipient (an email address), so a
	 * week's digest reaches each once whatever restarts: claimed (sending) before the provider is called. Not a
	 * lead's row: a digest changes no lead (store_digest.h). */
	"CREATE TABLE digests ("
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  week TEXT NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  retry_at INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (business_id, week, recipient));",

	/* 13: many businesses in one install: each business's own file (rules,
	 * people, sources, providers; NULL for the install's own, whose file
	 * --rules names) and whether serve hosts it. */
	"ALTER TABLE businesses ADD COLUMN file TEXT;"
	"ALTER TABLE businesses ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;"
	/* each business's turn at the scheduler reads only its own timers */
	"CREATE INDEX timers_pending_by_business ON timers(business_id, due_at)"
	"  WHERE state = 'pending';"
	"CREATE INDEX outbox_due_by_business ON outbox(business_id, channel, send_at)"
	"  WHERE state = 'queued';",

	/* 14: the web app across businesses. A user is one business's; a grant
	 * lets them work another too (an agency's admins), with the person of
	 * that business's rules they are there (NULL = none). A session shows
	 * one business at a time: its user's own (NULL) or one granted, chosen
	 * with the switcher. Sign-in finds a user by email in any business. */
	"CREATE TABLE user_grants ("
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  business_id INTEGER NOT NULL REFERENCES businesses(id),"
	"  person_id TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (user_id, business_id));"
	"ALTER TABLE sessions ADD COLUMN shown_business_id INTEGER;"
	"CREATE INDEX users_by_email ON users(email);",

	/* 15: the self-watch reads each business's window of the outbox and of the
	 * fired timers by range, not the whole tables, once per check and
	 * business. */
	"CREATE INDEX outbox_by_business_updated ON outbox(business_id, updated_at);"
	"CREATE INDEX timers_fired_by_business ON timers(business_id, fired_at)"
	"  WHERE state = 'fired';",

	/* 16: serve puts each business's rules in force at every start and asks
	 * for its leads in flight on another version: by version range, so a
	 * start with nothing to move reads no lead (it read every lead of every
	 * business), and the appointments ahead by business. The self-watch
	 * reads each business's recent arrivals by source every minute: from
	 * an index, not from every lead of the business. */
	"DROP INDEX leads_in_flight;"
	"CREATE INDEX leads_in_flight ON leads(business_id, rules_version, id)"
	"  WHERE sequence IS NOT NULL;"
	"CREATE INDEX appointments_ahead ON appointments(business_id, lead_id)"
	"  WHERE state IN ('booked', 'confirmed', 'rescheduled');"
	"CREATE INDEX leads_by_source ON leads(business_id, source, created_at, id);",
};

const int store_nmigrations = (int)(sizeof store_migrations / sizeof store_migrations[0]);
