-- fixture.sql - bulk leads for the benchmarks at scale, written straight into
-- a leadkeep database whose schema leadkeep itself created (run.sh opens it
-- with the real binary first, so the tables, indexes and people are the
-- production ones). One transaction; rows are shaped like the ones the real
-- intake path writes for a lead (see `leadkeep lead show 1` after
-- `leadkeep lead add`), with texts of the same length, plus a few later
-- events (a call, a note, a check-in, a reply), about 10 per lead.
--
-- Parameters (sqlite3 -cmd ".parameter set @name value"):
--   @n        leads to add
--   @now      UTC seconds "now"
--   @per_sec  0: spread - step timers due over the next 30 days, 1 lead in 5
--             with an open call task due in the next 3 days (the restart and
--             query benchmarks);
--             >0: burst - every lead's step timer comes due at
--             @start + (k / @per_sec), @per_sec per second (timer precision)
--   @start    first due time in burst mode
--   @page     lead id given 40 extra events (a 50-event lead page), 0 = none
--             (must be one of the @n new leads)
--
-- Not production code and not a path leadkeep uses: only a fast way to a
-- realistic database. Does not touch people, businesses or the schema.

PRAGMA journal_mode = OFF;	-- building a fixture, not measuring durability
PRAGMA synchronous = OFF;
PRAGMA cache_size = -524288;	-- 512 MiB: the random-order indexes stay in memory

BEGIN;

CREATE TEMP TABLE fn (k INTEGER PRIMARY KEY, v TEXT);
INSERT INTO fn VALUES (0,'Marcus'),(1,'Ana'),(2,'Wei'),(3,'Priya'),(4,'Tom'),(5,'Fatima'),
  (6,'Jamal'),(7,'Olga'),(8,'Diego'),(9,'Hannah'),(10,'Kenji'),(11,'Amara'),(12,'Luis'),
  (13,'Sofia'),(14,'Noah'),(15,'Grace'),(16,'Ivan'),(17,'Leila'),(18,'Sam'),(19,'Mei');
CREATE TEMP TABLE ln (k INTEGER PRIMARY KEY, v TEXT);
INSERT INTO ln VALUES (0,'Johnson'),(1,'Lopez'),(2,'Chen'),(3,'Patel'),(4,'O''Brien'),
  (5,'Noor'),(6,'Williams'),(7,'Kowalski'),(8,'Garcia'),(9,'Schmidt'),(10,'Tanaka'),
  (11,'Okafor'),(12,'Hernandez'),(13,'Rossi'),(14,'Brown'),(15,'Kim');
CREATE TEMP TABLE svc (k INTEGER PRIMARY KEY, v TEXT);
INSERT INTO svc VALUES (0,'deck repair'),(1,'water heater'),(2,'roof leak'),(3,'AC tune-up'),
  (4,'drain cleaning'),(5,'new windows'),(6,'furnace repair'),(7,'bathroom remodel'),
  (8,'gutter cleaning'),(9,'sump pump');
CREATE TEMP TABLE src (k INTEGER PRIMARY KEY, v TEXT);
INSERT INTO src VALUES (0,'web_form'),(1,'web_form'),(2,'phone_call'),(3,'sms'),
  (4,'meta_ads'),(5,'google_ads'),(6,'email'),(7,'api');
-- The people who own leads (managers only get escalations), numbered from 0.
CREATE TEMP TABLE staff AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, name,
         substr(name, 1, instr(name || ' ', ' ') - 1) AS first
  FROM people WHERE business_id = 1 AND role <> 'manager' AND active = 1;
CREATE TEMP TABLE base AS SELECT coalesce(max(id), 0) AS id FROM leads;

-- One row per new lead, with everything the other tables need.
CREATE TEMP TABLE g AS
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < @n)
SELECT (SELECT id FROM base) + i AS id, i,
       (i * 2654435761) % 4294967296 AS h,
       fn.v AS first, fn.v || ' ' || ln.v AS name, svc.v AS service, src.v AS source,
       st.id AS owner, st.name AS owner_name, st.first AS owner_first,
       CASE WHEN @per_sec > 0 THEN @start + (i - 1) / @per_sec - 86400
            ELSE @now - ((i * 2654435761) % 4294967296) % (7 * 86400) END AS created,
       CASE WHEN @per_sec > 0 THEN @start + (i - 1) / @per_sec
            ELSE @now + 60 + ((i * 40503) % 65536) * 39 END AS step_due
FROM seq
JOIN fn ON fn.k = i % 20
JOIN ln ON ln.k = (i / 20) % 16
JOIN svc ON svc.k = (i / 7) % 10
JOIN src ON src.k = (i / 3) % 8
JOIN staff st ON st.k = i % (SELECT count(*) FROM staff);

-- @rules_version: the version (SHA-256) of the rules serve will run, which a
-- plan made by intake records; unset (NULL), every lead counts as planned under
-- another version and serve re-plans them all when it starts.
INSERT INTO leads (id, business_id, name, phone, email, source, kind, service, message,
                   flags, stage, status, owner, sequence, sequence_started_at, plan,
                   created_at, updated_at, rules_version)
SELECT id, 1, name, '+1312' || (2000000 + id % 8000000), lower(first) || '.' || id || '@example.com',
       source, 'new_inquiry', service, 'Need a quote for the ' || service || ', any weekday after 3pm works',
       0, 'new', 'open', owner, 'new_inquiry', created, 1, created, created + 3600, @rules_version
FROM g;

-- The intake decision's six events, then four of the days after. Phase by
-- phase (CROSS JOIN keeps e outermost), so a lead's events lie on different
-- pages as they do when they are written days apart. Lead @page takes part
-- five times (rep 0-4): its 40 extra events are spread the same way.
CREATE TEMP TABLE gx AS
  SELECT g.*, 0 AS rep FROM g
  UNION ALL
  SELECT g.*, r.rep FROM g JOIN (SELECT 1 AS rep UNION ALL SELECT 2 UNION ALL SELECT 3
                                 UNION ALL SELECT 4) r
  WHERE g.id = @page;
INSERT INTO events (business_id, lead_id, at, type, actor, text)
SELECT 1, g.id, g.created + e.dt + g.rep * 7200,
  CASE WHEN g.rep > 0 THEN (CASE e.k % 3 WHEN 0 THEN 'call.logged' WHEN 1 THEN 'note'
                                          ELSE 'message.received' END)
       ELSE e.type END,
  CASE WHEN g.rep > 0 THEN 'staff' ELSE e.actor END,
  CASE WHEN g.rep > 0 THEN 'Follow-up #' || (g.rep * 10 + e.k) || ' with ' || g.name
                           || ' about the ' || g.service || ' - left details for the crew'
  ELSE CASE e.k
    WHEN 0 THEN 'New lead from ' || g.source || ': ' || g.name || ' - ' || g.service
    WHEN 1 THEN 'Owner: ' || g.owner_name || ' (by routing rules)'
    WHEN 2 THEN 'Started new_inquiry (new lead)'
    WHEN 3 THEN 'Text to the lead: Hi ' || g.first || ', thanks for contacting Northside Home Services about '
                || g.service || '. ' || g.owner_first || ' will call you today by 2:07 PM. Reply STOP to opt out.'
    WHEN 4 THEN 'Email to the lead: Hi ' || g.first || ',' || char(10) || char(10)
                || 'Thanks for contacting Northside Home Services about ' || g.service || '. '
                || g.owner_name || ' will call you today by 2:07 PM.' || char(10) || char(10)
                || 'Northside Home Services'
    WHEN 5 THEN 'Task for ' || g.owner_name || ': Call ' || g.name || ' by 2:07 PM about '
                || g.service || ' (due today 2:07 PM)'
    WHEN 6 THEN 'Call: no_answer - left a voicemail about the ' || g.service
    WHEN 7 THEN 'Text to the lead: Hi ' || g.first || ', it''s ' || g.owner_first
                || ' at Northside Home Services. Do you still need help with ' || g.service
                || '? Reply here or call +13125550100.'
    WHEN 8 THEN 'Text from the lead: yes, Thursday after 3 works'
    ELSE 'Note: prefers texts; side gate code 4412'
  END END
FROM (SELECT 0 AS k, 0 AS dt, 'lead.created' AS type, NULL AS actor
   UNION ALL SELECT 1, 0, 'owner.assigned', NULL UNION ALL SELECT 2, 0, 'sequence.started', NULL
   UNION ALL SELECT 3, 0, 'message.queued', NULL UNION ALL SELECT 4, 0, 'message.queued', NULL
   UNION ALL SELECT 5, 0, 'task.created', NULL UNION ALL SELECT 6, 1800, 'call.logged', 'staff'
   UNION ALL SELECT 7, 86400, 'message.queued', NULL UNION ALL SELECT 8, 90000, 'message.received', NULL
   UNION ALL SELECT 9, 90600, 'note', 'staff') e
CROSS JOIN gx g;

-- One call task per lead; in spread mode 1 in 5 is still open (the Today
-- queues: 200,000 open tasks at 1,000,000 leads), the rest done.
INSERT INTO tasks (business_id, lead_id, verb, title, assignee, due_at, state, outcome,
                   created_at, closed_at)
SELECT 1, id, 'call', 'Call ' || name || ' by 2:07 PM about ' || service, owner,
       CASE WHEN @per_sec > 0 OR (i / 13) % 5 = 0 THEN @now + 300 + (h % (3 * 86400)) ELSE created + 300 END,
       CASE WHEN @per_sec > 0 OR (i / 13) % 5 = 0 THEN 'open' ELSE 'done' END,
       CASE WHEN @per_sec > 0 OR (i / 13) % 5 = 0 THEN NULL ELSE 'reached' END,
       created, CASE WHEN @per_sec > 0 OR (i / 13) % 5 = 0 THEN NULL ELSE created + 1800 END
FROM g;

-- Pending timers: the next step of the sequence for every lead, and the
-- escalation of each open task.
INSERT INTO timers (business_id, lead_id, due_at, kind, sequence, step, level, task_id, plan,
                    state, created_at)
SELECT 1, id, step_due, 'step', 'new_inquiry', 3 + (i % 3) * (@per_sec = 0), -1, NULL, 1,
       'pending', created FROM g;
INSERT INTO timers (business_id, lead_id, due_at, kind, sequence, step, level, task_id, plan,
                    state, created_at)
SELECT 1, t.lead_id, t.due_at + 900, 'escalate', NULL, -1, 0, t.id, 1, 'pending', t.created_at
FROM tasks t WHERE t.state = 'open' AND t.lead_id > (SELECT id FROM base);

-- The acknowledgment text and email and the owner's notification, all sent.
INSERT INTO outbox (business_id, lead_id, person, channel, recipient, subject, body, purpose,
                    send_at, state, attempts, provider_id, created_at, updated_at, provider)
SELECT 1, g.id, CASE m.k WHEN 2 THEN g.owner END, m.channel,
  CASE m.k WHEN 0 THEN '+1312' || (2000000 + g.id % 8000000)
           WHEN 1 THEN lower(g.first) || '.' || g.id || '@example.com'
           ELSE '+13125551000' END,
  CASE m.k WHEN 1 THEN 'Your request to Northside Home Services' END,
  CASE m.k
    WHEN 0 THEN 'Hi ' || g.first || ', thanks for contacting Northside Home Services about '
                || g.service || '. ' || g.owner_first || ' will call you today by 2:07 PM. Reply STOP to opt out.'
    WHEN 1 THEN 'Hi ' || g.first || ',' || char(10) || char(10)
                || 'Thanks for contacting Northside Home Services about ' || g.service || '. '
                || g.owner_name || ' will call you today by 2:07 PM.' || char(10) || char(10)
                || 'Northside Home Services'
    ELSE 'Call ' || g.name || ' by 2:07 PM about ' || g.service || ' - lead #' || g.id
         || ', +1312' || (2000000 + g.id % 8000000) || ', due today by 2:07 PM'
  END,
  CASE m.k WHEN 2 THEN 'notify' ELSE 'ack' END, g.created, 'sent', 1,
  'SM' || lower(hex(randomblob(16))), g.created, g.created + 1, m.provider
FROM g JOIN (SELECT 0 AS k, 'sms' AS channel, 'twilio' AS provider
             UNION ALL SELECT 1, 'email', 'smtp' UNION ALL SELECT 2, 'sms', 'twilio') m;

COMMIT;
PRAGMA journal_mode = WAL;	-- as leadkeep keeps it
