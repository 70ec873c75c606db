#!/usr/bin/env bash
# `leadkeep report` through the real binary on an injected clock: two leads
# made and worked through the CLI (the real engine), then the same figures as
# a table, JSON and CSV, split by source, the scorecard, and bad options.
. "$(dirname "$0")/lib.sh"

# Tuesday 2026-11-24 in Chicago: lead 1 at 14:02, reached by a call at
# 14:05; lead 2 at 14:10, nobody acts. The report runs at 15:10.
LEADKEEP_NOW=2026-11-24T20:02:00Z lk lead add --name "Marcus Johnson" --phone 3125550199 \
	--source web_form --owner alice >/dev/null
LEADKEEP_NOW=2026-11-24T20:05:00Z lk lead log 1 call --outcome reached --by alice >/dev/null
LEADKEEP_NOW=2026-11-24T20:10:00Z lk lead add --name "Ana Ruiz" --phone 3125550123 \
	--source phone_call --owner bob >/dev/null
export LEADKEEP_NOW=2026-11-24T21:10:00Z

j=$(lk report --since 2026-11-24 --json)
expect_eq "json: two leads arrived" "$(json_get "$j" 'd["speed_to_lead"]["acknowledged"]["all"]["leads"]')" 2
expect_eq "json: both acknowledged at once" \
	"$(json_get "$j" 'd["speed_to_lead"]["acknowledged"]["all"]["wall"]["max_s"]')" 0
expect_eq "json: one reached, after 3 minutes" \
	"$(json_get "$j" '[d["speed_to_lead"]["reached"]["all"]["wall"][k] for k in ("count", "median_s")]')" \
	"[1, 180]"
expect_eq "json: half reached within 5 minutes, half never" \
	"$(json_get "$j" '[d["speed_to_lead"]["reached"]["all"]["wall"]["share"][k] for k in ("5m", "never")]')" \
	"[0.5, 0.5]"
expect_eq "json: lead 2 unworked for an hour" \
	"$(json_get "$j" '[(l["id"], l["age_s"]) for l in d["unworked"]["leads"]]')" "[(2, 3600)]"
expect_eq "json: its cost by the demo's \$850 x 30%" \
	"$(json_get "$j" 'd["missed_lead_cost"]["value_cents"]')" 25500
expect_eq "json: stage new though alice called lead 1" \
	"$(json_get "$j" '[l["id"] for l in d["stage_accuracy"]["leads"]]')" "[1]"

t=$(lk report --since 2026-11-24)
expect_contains "table: speed to lead" "$t" "first human contact"
expect_contains "table: the 3 minutes" "$t" "3 min"
expect_contains "table: unworked count" "$t" "Unworked leads (active, nobody acted yet): 1"
expect_contains "table: the unworked lead" "$t" "Ana Ruiz"
expect_contains "table: the contradiction" "$t" "stage new, but a person acted on it (call.logged)"
expect_contains "table: the cost" "$t" "worth \$255.00"

c=$(lk report --since 2026-11-24 --csv)
expect_eq "csv: header" "$(head -n 1 <<<"$c" | tr -d '\r')" "figure,value"
expect_contains "csv: the median of first contact" "$(tr -d '\r' <<<"$c")" \
	"speed_to_lead.reached.all.wall.median_s,180"
expect_contains "csv: lists one row per field" "$(tr -d '\r' <<<"$c")" "unworked.leads.0.name,Ana Ruiz"

j=$(lk report --period 1d --by source --json)
expect_eq "by source: each source its own figures" \
	"$(json_get "$j" 'sorted((k, v["wall"]["count"]) for k, v in d["speed_to_lead"]["reached"]["by"].items())')" \
	"[('phone_call', 0), ('web_form', 1)]"
j=$(lk report --until 2026-11-24 --json)
expect_eq "a period before the leads has none" \
	"$(json_get "$j" 'd["speed_to_lead"]["acknowledged"]["all"]["leads"]')" 0

s=$(lk report --scorecard)
expect_contains "scorecard: the grade" "$s" "grade 4: a working follow-up system"
expect_contains "scorecard: both active leads whole" "$s" "2 of 2 active leads"
j=$(lk report --scorecard --json)
expect_eq "scorecard json: no defects" "$(json_get "$j" 'd["scorecard"]["defect_count"]')" 0

lk report --by colour >/dev/null 2>"$T/err"; expect_eq "--by colour exits 2" "$?" 2
expect_contains "and says what --by takes" "$(cat "$T/err")" "--by is source, owner, kind or hour"
lk report --period 7x >/dev/null 2>&1; expect_eq "--period 7x exits 2" "$?" 2
lk report --csv --json >/dev/null 2>&1; expect_eq "--csv with --json exits 2" "$?" 2
lk report --since yesterday >/dev/null 2>"$T/err"; expect_eq "--since yesterday exits 2" "$?" 2
expect_contains "and names the option" "$(cat "$T/err")" "--since \"yesterday\""
lk report --period 1d --since 2026-11-24 >/dev/null 2>&1
expect_eq "--period with --since exits 2" "$?" 2
echo "1..$_n"
