#!/usr/bin/env bash
# GET /metrics: the Prometheus text format, checked by promtool (Debian's
# prometheus package): leads in by source, decisions, timers due and late,
# outbox by state, delivery and HTTP latency histograms, the database's size;
# clients on the machine itself read it freely, others need a token.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"
unset LEADKEEP_NOW

TOKEN=$(lk token create --name metrics --role staff 2>/dev/null)
ITOKEN=$(lk token create --name site --role intake 2>/dev/null)
lk lead add --name "From The CLI" --phone 3125550901 >/dev/null 2>&1
server_config "$T/serve.yaml" <<'YAML'
trusted_proxies: [127.0.0.1]
YAML
business_config </dev/null
start_server --config "$T/serve.yaml" || { not_ok "serve starts"; exit 1; }
for i in 1 2 3; do
	curl -s -o /dev/null -X POST "$BASE/api/v1/leads" -H "Authorization: Bearer $ITOKEN" \
		-H 'Content-Type: application/json' \
		-d "{\"name\":\"Lead $i\",\"phone\":\"312555060$i\",\"source\":\"web_form\"}"
done
curl -s -o /dev/null "$BASE/healthz"
# the acknowledgments go out through the log provider; wait for them
for i in $(seq 1 50); do
	[ "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")" -ge 3 ] && break
	sleep 0.1
done
out=$(curl -s -D "$T/headers" "$BASE/metrics")
expect_contains "text format 0.0.4" "$(cat "$T/headers")" "text/plain; version=0.0.4"
printf '%s\n' "$out" >"$T/metrics.txt"
if command -v promtool >/dev/null; then
	if promtool check metrics <"$T/metrics.txt" >"$T/promtool.out" 2>&1; then
		ok "promtool check metrics passes"
	else
		not_ok "promtool check metrics passes"; sed 's/^/#   /' "$T/promtool.out" | head -n 20
	fi
else
	not_ok "promtool is installed (scripts/deps.sh: prometheus)"
fi
expect_contains "leads in by source" "$out" 'leadkeep_leads_in_total{source="web_form"} 3'
expect_contains "decisions by event" "$out" 'leadkeep_decisions_total{event="created"} 3'
expect_contains "delivery decisions too" "$out" 'leadkeep_decisions_total{event="delivery"}'
expect_contains "timers pending" "$out" "leadkeep_timers_pending "
expect_contains "timers due" "$out" "leadkeep_timers_due 0"
expect_contains "timers late" "$out" "leadkeep_timers_late 0"
expect_contains "outbox by state (the CLI's lead included)" "$out" 'leadkeep_outbox_messages{state="sent"}'
expect_contains "every outbox state is shown" "$out" 'leadkeep_outbox_messages{state="unknown"} 0'
expect_contains "delivery latency histogram" "$out" 'leadkeep_delivery_latency_seconds_bucket{channel="sms",le="1"}'
expect_contains "HTTP latency histogram by route" "$out" 'leadkeep_http_request_duration_seconds_count{route="POST /api/v1/leads"} 3'
expect_contains "each route its own series" "$out" 'leadkeep_http_request_duration_seconds_bucket{route="GET /healthz",le="+Inf"} '
curl -s -o /dev/null "$BASE/no/such/page"
expect_contains "an unknown path is one series" "$(curl -s "$BASE/metrics")" 'leadkeep_http_request_duration_seconds_count{route="any unmatched"} 1'
expect_contains "database size" "$out" 'leadkeep_database_bytes{file="database"}'
check "the database is a real size" bash -c "grep -E '^leadkeep_database_bytes\\{file=\"database\"\\} [1-9][0-9]{4,}' '$T/metrics.txt'"
# A timer that came due while nobody fired it shows as late.
sql "INSERT INTO timers (business_id, lead_id, due_at, kind, state, created_at) VALUES (1, 1, $(($(date +%s) + 3600)), 'nurture', 'pending', 0)"
out=$(curl -s "$BASE/metrics")
expect_contains "pending timers are counted from the database" "$out" "leadkeep_timers_pending"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 203.0.113.9' "$BASE/metrics")
expect_eq "a client from elsewhere needs a token" "$code" 401
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 203.0.113.9' \
	-H "Authorization: Bearer $TOKEN" "$BASE/metrics")
expect_eq "with a staff token it may read" "$code" 200
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 203.0.113.9' \
	-H "Authorization: Bearer $ITOKEN" "$BASE/metrics")
expect_eq "an intake token may not" "$code" 403
stop_server
echo "1..$_n"
