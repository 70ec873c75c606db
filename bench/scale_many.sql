-- scale_many.sql - leads of many businesses for bench/scale_many.sh, written
-- straight into a database whose schema, businesses, people and rules
-- versions serve itself made (one start with no leads). The same text runs on
-- SQLite (the sqlite3 shell's generate_series) and on PostgreSQL; the shell
-- script puts in the numbers: ${N} leads over ${B} businesses (ids ${B0} to
-- ${B0} + ${B} - 1, round robin), ${NOW}, the owners ${OWNERS} (a VALUES list
-- of (k, id)), each business's rules version in use. Per lead, as bench/fixture.sql shapes them (fewer
-- timeline entries: storage is not measured here): the lead, its creation
-- and acknowledgment entries, one call task (1 in 5 open: the Today
-- queues), a pending step timer over the next 30 days (plus an escalation
-- for each open task), the acknowledgment text, sent.
-- Not production code and not a path leadkeep uses: a fast way to a database
-- of this size.

CREATE TEMP TABLE owners (k INTEGER, id TEXT);
INSERT INTO owners VALUES ${OWNERS};

-- each business's version in use (its file is its own: its Twilio number)
CREATE TEMP TABLE bver AS
SELECT a.business_id AS b, v.hash AS hash FROM rules_activations a
JOIN rules_versions v ON v.id = a.version_id
WHERE a.id IN (SELECT max(id) FROM rules_activations GROUP BY business_id);

INSERT INTO leads (business_id, name, phone, email, source, kind, service, message, flags,
                   stage, status, owner, sequence, sequence_started_at, plan, created_at,
                   updated_at, rules_version)
SELECT ${B0} + value % ${B}, 'Lead ' || value, '+1312' || (2000000 + value % 8000000),
       'lead' || value || '@example.com', 'web_form', 'new_inquiry', 'roof leak',
       'Need a quote for the roof leak, any weekday after 3pm works', 0, 'new', 'open',
       o.id, 'new_inquiry', ${NOW} - value % 604800, 1, ${NOW} - value % 604800,
       ${NOW} - value % 604800 + 3600, bv.hash
FROM generate_series(1, ${N}) AS value
JOIN owners o ON o.k = (value / ${B}) % ${NOWNERS}
JOIN bver bv ON bv.b = ${B0} + value % ${B};

INSERT INTO events (business_id, lead_id, at, type, actor, text)
SELECT business_id, id, created_at, 'lead.created', NULL,
       'New lead from web_form: ' || name || ' - roof leak'
FROM leads WHERE id > ${BASE};
INSERT INTO events (business_id, lead_id, at, type, actor, text)
SELECT business_id, id, created_at, 'message.queued', NULL,
       'Text to the lead: Hi there, thanks for contacting us about the roof leak. We will call you today. Reply STOP to opt out.'
FROM leads WHERE id > ${BASE};

INSERT INTO tasks (business_id, lead_id, verb, title, assignee, due_at, state, outcome,
                   created_at, closed_at)
SELECT business_id, id, 'call', 'Call ' || name || ' about the roof leak', owner,
       CASE WHEN (id / 13) % 5 = 0 THEN ${NOW} + 300 + id % 259200 ELSE created_at + 300 END,
       CASE WHEN (id / 13) % 5 = 0 THEN 'open' ELSE 'done' END,
       CASE WHEN (id / 13) % 5 = 0 THEN NULL ELSE 'reached' END,
       created_at, CASE WHEN (id / 13) % 5 = 0 THEN NULL ELSE created_at + 1800 END
FROM leads WHERE id > ${BASE};

-- The step timers over the next 30 days (bench/scale_many.sh moves some of
-- them to now for the timer lateness figure).
INSERT INTO timers (business_id, lead_id, due_at, kind, sequence, step, level, task_id, plan,
                    state, created_at)
SELECT business_id, id,
       ${NOW} + 60 + (id * 40503) % 65536 * 39,
       'step', 'new_inquiry', 3 + id % 3, -1, NULL, 1, 'pending', created_at
FROM leads WHERE id > ${BASE};
INSERT INTO timers (business_id, lead_id, due_at, kind, sequence, step, level, task_id, plan,
                    state, created_at)
SELECT business_id, lead_id, due_at + 900, 'escalate', NULL, -1, 0, id, 1, 'pending', created_at
FROM tasks WHERE state = 'open' AND lead_id > ${BASE};

INSERT INTO outbox (business_id, lead_id, person, channel, recipient, subject, body, purpose,
                    send_at, state, attempts, provider_id, created_at, updated_at, provider)
SELECT business_id, id, NULL, 'sms', phone, NULL,
       'Hi there, thanks for contacting us about the roof leak. We will call you today. Reply STOP to opt out.',
       'ack', created_at, 'sent', 1, 'SM' || id, created_at, created_at + 1, 'twilio'
FROM leads WHERE id > ${BASE};
