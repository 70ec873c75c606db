#!/usr/bin/env bash
# Businesses added, disabled and enabled again while serve runs take effect
# at SIGHUP, without a restart: an added business's form key takes leads
# into it (acknowledged under its rules, the ack sent by the dispatcher),
# a disabled one's key is refused, an enabled one's works again.
. "$(dirname "$0")/lib.sh"

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in Chicago
PORT=$(free_port)
business_config <<EOF2
sources:
  forms:
    own-site: {}
EOF2
lk rules show-default | sed -e 's/name: Northside Home Services/name: Bravo Roofing/' \
	-e 's/id: alice, name: Alice Moreno/id: brenda, name: Brenda Park/' \
	-e 's/\balice\b/brenda/g' >"$T/bravo.yaml"
business_config "$T/bravo.yaml" <<EOF2
sources:
  forms:
    bravo-site: {}
EOF2

"$LK_BIN" serve --listen "127.0.0.1:$PORT" 2>>"$T/serve.log" &
SERVE_PID=$!
_pids+=("$SERVE_PID")
check "serve starts with the install's own business only" wait_http "http://127.0.0.1:$PORT/readyz"

form() {	# form KEY PHONE: a JSON form post; prints the status
	curl -s -o "$T/form.out" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary "{\"name\":\"Form $2\",\"phone\":\"$2\"}" "http://127.0.0.1:$PORT/in/form/$1"
}
hup_until() {	# hup_until LOG-TEXT: SIGHUP serve, wait until its log says TEXT once more
	local n
	n=$(grep -c "$1" "$T/serve.log")
	kill -HUP "$SERVE_PID"
	for _i in $(seq 1 100); do
		[ "$(grep -c "$1" "$T/serve.log")" -gt "$n" ] && return 0
		sleep 0.1
	done
	return 1
}
in_bravo() {	# in_bravo PHONE: bravo's leads with that phone
	json_get "$(lk lead list --business bravo --json)" "len([l for l in d if l['phone'] == '$1'])"
}

check "business add bravo while serve runs" lk business add bravo "$T/bravo.yaml"
expect_eq "before SIGHUP its key names no business" "$(form bravo-site +13125550301)" 404
check "SIGHUP hosts bravo" hup_until "msg=business_hosted business=bravo"
expect_eq "its form key takes a lead" "$(form bravo-site +13125550302)" 200
expect_eq "into bravo" "$(in_bravo +13125550302)" 1
ID=$(json_get "$(lk lead list --business bravo --json)" "[l['id'] for l in d if l['phone'] == '+13125550302'][0]")
j=$(lk lead show "$ID" --business bravo --json)
expect_eq "owned by bravo's person" "$(json_get "$j" 'd["owner"]')" brenda
for i in $(seq 1 100); do
	[ "$(db_sql "SELECT state FROM outbox WHERE lead_id = $ID AND purpose = 'ack'")" = sent ] && break
	sleep 0.1
done
expect_eq "its ack sent by the dispatcher, through bravo's providers" \
	"$(db_sql "SELECT state FROM outbox WHERE lead_id = $ID AND purpose = 'ack'")" sent
expect_contains "in bravo's name" "$(json_get "$(lk lead show "$ID" --business bravo --json)" \
	'd["messages"][0]["body"]')" "Bravo Roofing"
expect_eq "the install's own key still works" "$(form own-site +13125550303)" 200
TOKEN=$(lk token create --business bravo --name health --role staff 2>/dev/null)
report() { curl -s -o "$T/report.out" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	"http://127.0.0.1:$PORT/api/v1/health/report"; }
expect_eq "its token gets its own health report (watched since the SIGHUP)" "$(report)" 200
expect_contains "its gauges are on /metrics" "$(curl -s "http://127.0.0.1:$PORT/metrics")" \
	'leadkeep_health_alerts{business="bravo",kind="source_silent"} 0'

check "business disable bravo" lk business disable bravo
check "SIGHUP stops hosting it" hup_until "msg=business_disabled business=bravo"
expect_eq "its key gives 404" "$(form bravo-site +13125550304)" 404
expect_eq "with the stable code" "$(json_get "$(cat "$T/form.out")" 'd["error"]["code"]')" unknown_source
expect_eq "nothing kept" "$(in_bravo +13125550304)" 0
expect_eq "its token is refused" "$(report)" 401
expect_eq "its gauges are gone from /metrics" \
	"$(curl -s "http://127.0.0.1:$PORT/metrics" | grep -c 'business="bravo"')" 0

check "business enable bravo" lk business enable bravo
check "SIGHUP hosts it again" hup_until "msg=business_enabled business=bravo"
expect_eq "its key works again" "$(form bravo-site +13125550305)" 200
expect_eq "into bravo" "$(in_bravo +13125550305)" 1
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
expect_eq "serve stops cleanly" "$?" 0
