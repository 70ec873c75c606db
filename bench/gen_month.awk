# gen_month.awk - a month of a busy business as `leadkeep simulate` input:
# LEADS leads (default 10000) arriving over March 2027, mostly in business
# hours, and what happens to them afterwards: calls logged (reached or not),
# replies by text, visits with quotes, some jobs won, a few STOPs.
# Deterministic (a fixed LCG), so every run rehearses the same month.
#
#   awk -v LEADS=10000 -f bench/gen_month.awk > month.jsonl
#
# Times are local "YYYY-MM-DD HH:MM" in the business's zone; every event
# stays inside March so the month can be replayed with --until 2027-04-01.

function rnd(n) {	# 0 .. n-1
	seed = (seed * 1103515245 + 12345) % 2147483648
	return int(seed / 65536) % n
}
function stamp(m,   d, h) {	# minutes since 2027-03-01 00:00 -> local time
	d = int(m / 1440) + 1
	h = int((m % 1440) / 60)
	return sprintf("2027-03-%02d %02d:%02d", d, h, m % 60)
}
function emit(m, rest) {
	printf "{\"at\":\"%s\",%s}\n", stamp(m), rest
}
BEGIN {
	if (LEADS == "") LEADS = 10000
	seed = 42
	split("Marcus Ana Wei Priya Tom Fatima Jamal Olga Diego Hannah Kenji Amara Luis Sofia Noah Grace", first, " ")
	split("Johnson Lopez Chen Patel Brown Noor Williams Kowalski Garcia Schmidt Tanaka Okafor", last, " ")
	split("deck repair|water heater|roof leak|AC tune-up|drain cleaning|new windows|furnace repair|sump pump", svc, "|")
	split("web_form web_form web_form phone_call sms meta_ads google_ads email", src, " ")
	split("alice bob", staff, " ")
	for (i = 0; i < LEADS; i++) {
		# Days 1-27 of the month; 80% between 08:00 and 18:00, the rest any time.
		day = rnd(27)
		min = rnd(10) < 8 ? 480 + rnd(600) : rnd(1440)
		t = day * 1440 + min
		ref = "l" i
		by = staff[rnd(2) + 1]
		emit(t, sprintf("\"type\":\"lead\",\"ref\":\"%s\",\"name\":\"%s %s\",\"phone\":\"+1312%07d\",\"email\":\"%s.%d@example.com\",\"source\":\"%s\",\"service\":\"%s\"",
			ref, first[rnd(16) + 1], last[rnd(12) + 1], 2000000 + i, tolower(first[1 + i % 16]), i,
			src[rnd(8) + 1], svc[rnd(8) + 1]))
		r = rnd(100)
		if (r < 60)	# the owner calls within two hours
			emit(t + 5 + rnd(115), sprintf("\"type\":\"call\",\"lead\":\"%s\",\"outcome\":\"%s\",\"by\":\"%s\"",
				ref, rnd(10) < 7 ? "reached" : "no_answer", by))
		if (rnd(100) < 35)	# the lead texts back within a day
			emit(t + 30 + rnd(1410), sprintf("\"type\":\"reply\",\"lead\":\"%s\",\"channel\":\"sms\",\"text\":\"Yes please, tomorrow after 3 works\"", ref))
		if (rnd(100) < 3)
			emit(t + 60 + rnd(2000), sprintf("\"type\":\"reply\",\"lead\":\"%s\",\"channel\":\"sms\",\"text\":\"STOP\"", ref))
		if (r < 25) {	# a visit with a quote one to three days later; some won
			v = t + 1440 + rnd(2880)
			emit(v, sprintf("\"type\":\"visit\",\"lead\":\"%s\",\"outcome\":\"quoted\",\"amount\":%d,\"by\":\"%s\"",
				ref, 300 + rnd(4700), by))
			if (rnd(3) == 0)
				emit(v + 120 + rnd(600), sprintf("\"type\":\"stage\",\"lead\":\"%s\",\"stage\":\"won\",\"amount\":%d,\"by\":\"%s\"",
					ref, 300 + rnd(4700), by))
		}
	}
}
