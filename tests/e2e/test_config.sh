#!/usr/bin/env bash
# One configuration language: the server's YAML file and the business file's
# sources and providers, read by the rules' reader - FILE:LINE:COL for every
# problem, secrets only as env:/file: and never shown; `config migrate` from
# an old serve.conf; SIGHUP reloads all of it or none of it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"
MAIN_DATA=$LEADKEEP_DATA	# the database the test starts on (either engine)

# --- the server's file -------------------------------------------------------------
server_config "$T/bad.yaml" <<'YAML'
listen: 127.0.0.1:0
max_body: lots
trusted_proxies: [127.0.0.1, not-an-address]
colour: blue
YAML
out=$(lk serve --config "$T/bad.yaml" 2>&1); rc=$?
expect_eq "a bad server file: exit 3, nothing started" "$rc" 3
expect_contains "...each problem at FILE:LINE:COL" "$out" "$T/bad.yaml:2:11: error: \"max_body\" must be a size"
expect_contains "...all of them" "$out" "$T/bad.yaml:3:30: error: \"trusted_proxies\": \"not-an-address\""
expect_contains "...an unknown key with the known ones" "$out" "$T/bad.yaml:4:1: error: unknown key \"colour\" in the server configuration (expected one of: listen,"

# --- secrets in the business file ------------------------------------------------------
business_config <<'YAML'
sources:
  hooks:
    zap: { secret: plain-text-s3cret }
providers:
  twilio: { account_sid: AC0123, auth_token: env:LK_UNSET_TOKEN, from: "+13125550100" }
YAML
unset LK_UNSET_TOKEN
server_config "$T/server.yaml" <<YAML
listen: 127.0.0.1:0
data: $LEADKEEP_DATA
YAML
out=$(lk serve --config "$T/server.yaml" 2>&1); rc=$?
expect_eq "a secret written in the business file: exit 3" "$rc" 3
line=$(grep -n 'plain-text-s3cret' "$LK_FILES/rules.yaml" | cut -d: -f1)
expect_contains "...refused at its place" "$out" "rules.yaml:$line:"
expect_contains "...saying how to write it" "$out" "\"secret\" is a secret: write it as env:NAME or file:PATH"
check "...without showing it" bash -c "! grep -q plain-text-s3cret <<<'$out'"
out=$(lk rules check 2>&1); rc=$?
expect_eq "rules check reads the sources and providers too: exit 3" "$rc" 3
expect_contains "...the same message" "$out" "\"secret\" is a secret"
check "...and no value" bash -c "! grep -q plain-text-s3cret <<<'$out'"

export LK_ZAP_SECRET=zap-from-env LK_TW_TOKEN=tw-from-env
echo "whsec-from-file" >"$T/webhook.secret"
business_config <<YAML
sources:
  forms:
    contact: { owner: alice }
  hooks:
    zap: { secret: env:LK_ZAP_SECRET }
providers:
  twilio: { auth_token: env:LK_TW_TOKEN }
  webhooks: { urls: ["http://127.0.0.1:9/none"], secret: "file:$T/webhook.secret" }
  delivery: { backoff: 1s }
YAML
check "rules check: the references are fine" lk rules check
start_server --config "$T/server.yaml" || { not_ok "serve starts on the YAML files"; cat "$T/serve.log"; exit 1; }
ok "serve starts on the YAML files"
expect_eq "the business file's form answers" \
	"$(curl -s -o /dev/null -w '%{http_code}' --data 'name=Form+One&phone=3125550111' "$BASE/in/form/contact")" 200
expect_eq "a form it does not name: 404" \
	"$(curl -s -o /dev/null -w '%{http_code}' --data 'name=X' "$BASE/in/form/other")" 404
expect_contains "the providers section is in force" "$(cat "$T/serve.log")" "webhooks=1"

# --- SIGHUP: all or nothing ------------------------------------------------------------
hup() {	# EXPECTED-LOG-WORD: sends SIGHUP, waits for the word after the last one
	local before
	before=$(grep -c "$1" "$T/serve.log")
	kill -HUP "$SRV_PID"
	for _ in $(seq 1 100); do
		[ "$(grep -c "$1" "$T/serve.log")" -gt "$before" ] && return 0
		sleep 0.1
	done
	return 1
}
hup_seen() {	# TEXT: waits for it in the log (what follows a reload on its own time)
	for _ in $(seq 1 100); do
		grep -qF "$1" "$T/serve.log" && return 0
		sleep 0.1
	done
	return 1
}
business_config <<YAML
sources:
  forms:
    contact: { owner: alice }
    estimate: { owner: bob, kind: estimate }
  hooks:
    zap: { secret: env:LK_ZAP_SECRET }
providers:
  twilio: { auth_token: env:LK_TW_TOKEN }
  webhooks: { urls: ["http://127.0.0.1:9/none", "http://127.0.0.1:9/other"], secret: "file:$T/webhook.secret" }
  delivery: { backoff: 1s, concurrency: 2 }
YAML
check "SIGHUP with a new form and providers: reloaded" hup msg=config_reloaded
check "...the providers take over once nothing is in flight" hup_seen "msg=delivery_reloaded sms=log email=log webhooks=2 concurrency=2"
expect_eq "...the new form answers without a restart" \
	"$(curl -s -o /dev/null -w '%{http_code}' --data 'name=Est+Two&phone=3125550112' "$BASE/in/form/estimate")" 200
expect_eq "...as the file says (owner bob)" "$(sql "SELECT owner FROM leads WHERE name = 'Est Two'")" bob
wait_other() {	# the new lead's events reach the webhook URL the reload added
	for _ in $(seq 1 100); do
		[ "$(sql "SELECT count(*) FROM webhook_deliveries w JOIN events e ON e.id = w.event_id
			JOIN leads l ON l.id = e.lead_id WHERE l.name = 'Est Two' AND w.url LIKE '%/other'")" -gt 0 ] && return 0
		sleep 0.1
	done
	return 1
}
check "...and its events go to the webhook URL the reload added" wait_other
server_config "$T/server.yaml" <<YAML
listen: 127.0.0.1:0
data: $LEADKEEP_DATA
header_timeout: forever
YAML
check "SIGHUP with a bad server file: refused" hup msg=config_refused
expect_contains "...the problem logged at FILE:LINE:COL" "$(cat "$T/serve.log")" \
	"msg=config_problem problem=\"$T/server.yaml:3:17: error: \\\"header_timeout\\\" must be a duration"
expect_contains "...and the rules stay too" "$(cat "$T/serve.log")" "msg=rules_refused"
expect_eq "...the forms in force still answer" \
	"$(curl -s -o /dev/null -w '%{http_code}' --data 'name=Est+Three&phone=3125550113' "$BASE/in/form/estimate")" 200
server_config "$T/server.yaml" <<YAML
listen: 127.0.0.1:1
data: $LEADKEEP_DATA
api_rate_limit: 5/min
YAML
check "SIGHUP with a new listen address and API limit: reloaded" hup msg=config_reloaded
expect_contains "...the address waits for a restart, and says so" "$(cat "$T/serve.log")" \
	'msg=config_at_restart keys="listen"'
TOKEN=$(lk token create --name limited --role staff 2>/dev/null)
codes=""
for i in 1 2 3 4 5 6; do codes="$codes $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/leads")"; done
expect_eq "...the API limit applies to the next requests" "$codes" " 200 200 200 200 200 429"
business_config <<'YAML'
sources:
  forms:
    contact: { owner: alice }
  sendgrid: { key: sg-written-in-clear }
YAML
check "SIGHUP with a secret in clear: refused" hup msg=config_refused
check "...its value is in no log line" bash -c "! grep -q sg-written-in-clear '$T/serve.log'"
expect_eq "...the forms in force still answer" \
	"$(curl -s -o /dev/null -w '%{http_code}' --data 'name=Est+Four&phone=3125550114' "$BASE/in/form/estimate")" 200
check "no secret value anywhere in the log" bash -c "! grep -Eq 'zap-from-env|tw-from-env|whsec-from-file' '$T/serve.log'"
check "serve stops cleanly" stop_server

# --- config migrate ----------------------------------------------------------------------
mkdir -p "$T/etc"
cat >"$T/etc/serve.conf" <<'CONF'
# the old format
listen = 127.0.0.1:0
trusted_proxies = 127.0.0.1, 10.0.0.0/8
api_rate_limit = 100/min
[twilio]
auth_token = old-tw-in-clear
forward_to = +14155550100
[sendgrid]
key = env:SG_KEY
[form contact]
owner = alice
map.your-name = name
map.tel = phone
[hook zap]
secret = old-hook-in-clear
CONF
out=$(lk serve --config "$T/etc/serve.conf" 2>&1); rc=$?
expect_eq "serve refuses an old serve.conf: exit 3" "$rc" 3
expect_contains "...and says how to translate it" "$out" "leadkeep config migrate $T/etc/serve.conf"
lk rules show-default >"$T/etc/rules.yaml"
out=$(LEADKEEP_SMTP_URL=smtp://127.0.0.1:2525/x LEADKEEP_SMTP_FROM="Acme <a@acme.example>" \
	LEADKEEP_SMTP_PASSWORD=smtp-pass-in-env LEADKEEP_SMTP_USER=acme LEADKEEP_DELIVER_BACKOFF=2m \
	lk config migrate "$T/etc/serve.conf" --append "$T/etc/rules.yaml" 2>&1); rc=$?
expect_eq "config migrate: exit 0" "$rc" 0
expect_contains "...writes server.yaml beside it" "$out" "wrote $T/etc/server.yaml"
expect_contains "...names the variable a secret in clear needs" "$out" "set LEADKEEP_TWILIO_AUTH_TOKEN"
expect_contains "...the provider variables as env: references" "$out" "LEADKEEP_SMTP_PASSWORD: now providers smtp password: env:LEADKEEP_SMTP_PASSWORD"
check "...and never a secret's value" bash -c "! grep -Eq 'old-tw-in-clear|old-hook-in-clear|smtp-pass-in-env' <<<'$out' $T/etc/server.yaml $T/etc/rules.yaml"
expect_contains "server.yaml has the server's keys" "$(cat "$T/etc/server.yaml")" 'trusted_proxies: ["127.0.0.1", "10.0.0.0/8"]'
biz=$(cat "$T/etc/rules.yaml")
expect_contains "the business file has the form, its map merged" "$biz" 'map: { "your-name": "name", "tel": "phone" }'
expect_contains "...the hook's secret as a reference" "$biz" "secret: env:LEADKEEP_HOOK_ZAP_SECRET"
expect_contains "...an env: value kept as it was" "$biz" 'key: "env:SG_KEY"'
expect_contains "...the smtp provider from the environment" "$biz" "password: env:LEADKEEP_SMTP_PASSWORD"
expect_contains "...and the dispatcher's pace, in seconds" "$biz" 'backoff: 120s'
out=$(lk config migrate "$T/etc/serve.conf" 2>&1); rc=$?
expect_eq "a second migrate does not overwrite server.yaml: exit 2" "$rc" 2
export LEADKEEP_TWILIO_AUTH_TOKEN=old-tw-in-clear LEADKEEP_HOOK_ZAP_SECRET=old-hook-in-clear \
	SG_KEY=sg LEADKEEP_SMTP_PASSWORD=smtp-pass-in-env LEADKEEP_SMTP_URL=smtp://127.0.0.1:2525/x
check "rules check passes on the migrated business file" lk rules check "$T/etc/rules.yaml"
LEADKEEP_DATA=$T/migrated start_server --config "$T/etc/server.yaml" --rules "$T/etc/rules.yaml" ||
	{ not_ok "serve starts on the migrated files"; tail -n 5 "$T/serve.log"; exit 1; }
ok "serve starts on the migrated files"
expect_eq "...the migrated form answers" \
	"$(curl -s -o /dev/null -w '%{http_code}' --data 'your-name=Mig+Rated&tel=3125550115' "$BASE/in/form/contact")" 200
check "serve stops cleanly" stop_server
check "no sanitizer report in the server log" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"

# files: leadkeep's own files in a directory of their own, away from the
# database (a data directory or a PostgreSQL address alike), made 0700.
server_config "$T/files.yaml" <<YAML
listen: 127.0.0.1:0
data: $MAIN_DATA
files: $T/own-files
YAML
start_server --config "$T/files.yaml" || { not_ok "serve starts with files:"; tail -n 5 "$T/serve.log"; exit 1; }
ok "serve starts with files:"
# healthz answers before the dispatcher has made its files; the listening
# line comes after them.
for i in $(seq 1 50); do
	grep -q "msg=listening.*files=$T/own-files" "$T/serve.log" && break
	sleep 0.1
done
if [ "${LK_STORE:-}" = pg ]; then	# one dispatcher per node: a database lock, no file
	check "...the link key is there" test -f "$T/own-files/link.key"
else
	check "...the link key and the dispatcher's lock are there" \
		test -f "$T/own-files/link.key" -a -f "$T/own-files/dispatcher.lock"
fi
expect_eq "...in a directory only its owner reads" "$(stat -c %a "$T/own-files")" 700
expect_contains "...the log line names it" "$(grep msg=listening "$T/serve.log" | tail -n 1)" \
	"files=$T/own-files"
check "...and a database address without its parameters (user=, password=)" \
	bash -c "! grep msg=listening '$T/serve.log' | tail -n 1 | grep -q 'data=postgres[^ ]*?'"
check "serve stops cleanly with files:" stop_server
echo "1..$_n"
