#!/usr/bin/env bash
# The man pages (man/leadkeep.1, man/leadkeep-rules.5) cannot drift from the
# code: every command of `leadkeep --help`, every subcommand word and option
# of `leadkeep CMD --help`, and every key the rules loader accepts (the
# NULL-terminated *_keys lists of src/rules/*.c) must be in them; and groff
# renders them without a warning.
. "$(dirname "$0")/lib.sh"

m1=$LK_ROOT/man/leadkeep.1
m5=$LK_ROOT/man/leadkeep-rules.5
ms=$LK_ROOT/man/leadkeep-server.yaml.5
esc() { sed 's/-/\\-/g' <<<"$1"; }	# roff writes a hyphen-minus as \-

for page in "$m1" "$m5" "$ms"; do
	w=$(groff -man -Tutf8 -ww "$page" 2>&1 >/dev/null)
	expect_eq "groff -man -ww renders $(basename "$page") without warnings" "$w" ""
	out=$(MANWIDTH=80 man -l "$page" 2>"$T/man.err")
	expect_contains "man -l $(basename "$page") shows it" "$out" "NAME"
	expect_eq "and man -l says nothing on stderr" "$(cat "$T/man.err")" ""
done

# Commands: the first word of each line of the usage's Commands: block.
cmds=$(lk --help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p')
[ -n "$cmds" ] && ok "leadkeep --help lists commands" || not_ok "leadkeep --help lists commands"
missing=""
for c in $cmds; do
	grep '^\.SS ' "$m1" | tr -d '"' | grep -qF ".SS $(esc "$c")" || missing="$missing $c"
	# Subcommand words: "lead add|list|show", "calendar token PERSON".
	subs=$(lk --help | sed -n "s/^  $c \([a-z|-]*\).*/\1/p" | tr '|' ' ')
	for s in $subs; do
		grep -qF "$(esc "$c $s")" "$m1" || missing="$missing $c:$s"
	done
	# Options: every --word in the command's own help (common ones included).
	for o in $(lk "$c" --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -qF "$(esc "$o")" "$m1" || missing="$missing $c:$o"
	done
done
expect_eq "every command, subcommand and option is in leadkeep(1)" "$missing" ""

# Rules keys, straight from the loader's lists.
# key_lists FILE...: the keys of every *_keys list but the server's own
key_lists() {
	for f in "$@"; do
		awk '/static const char \*const [a-z_]+_keys\[\] = \{/,/NULL/' "$f" |
			awk '/server_keys\[\]/,/NULL/ { next } { print }'
	done | grep -o '"[a-z_]*"' | tr -d '"' | sort -u
}
keys=$(key_lists "$LK_ROOT"/src/rules/*.c "$LK_ROOT/src/http/http_settings.c" \
	"$LK_ROOT/src/deliver/deliver_config.c")
n=$(wc -w <<<"$keys")
[ "$n" -ge 40 ] && ok "the loader's key lists are found ($n keys)" || not_ok "the loader's key lists are found ($n keys)"
missing=""
for k in $keys; do
	grep -qE "^\.BR? $k( |$)" "$m5" || missing="$missing $k"
done
expect_eq "every rules, sources and providers key is in leadkeep-rules(5)" "$missing" ""
for k in forms hooks signature_header account_sid backoff_cap; do
	grep -qx "$k" <<<"$keys" || missing="$missing $k"
done
expect_eq "the sources' and providers' key lists are among them" "$missing" ""
# The check itself bites: a key no page has is reported.
grep -qE "^\.BR? no_such_key( |$)" "$m5" && not_ok "the key check can fail" || ok "the key check can fail"

# leadkeep-server.yaml(5): every key of the server's reader, and no other
skeys=$(awk '/static const char \*const server_keys\[\] = \{/,/NULL/' "$LK_ROOT/src/http/http_settings.c" |
	grep -o '"[a-z_]*"' | tr -d '"' | sort -u)
n=$(wc -w <<<"$skeys")
[ "$n" -ge 15 ] && ok "the server's key list is found ($n keys)" || not_ok "the server's key list is found ($n keys)"
missing=""
for k in $skeys; do
	grep -qE "^\.B $k$" "$ms" || missing="$missing $k"
done
expect_eq "every server key is in leadkeep-server.yaml(5)" "$missing" ""
extra=""
for k in $(awk '/^\.SH KEYS/,/^\.SH EXAMPLE/ { if (prev == ".TP" && $1 == ".B" && NF == 2) print $2; prev = $0 }' "$ms"); do
	grep -qx "$k" <<<"$skeys" || extra="$extra $k"
done
expect_eq "leadkeep-server.yaml(5) names no key the reader refuses" "$extra" ""
echo "1..$_n"
