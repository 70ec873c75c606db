#!/usr/bin/env bash
# packaging/leadkeep.bash-completion: sourced, it completes commands,
# subcommands and options; and it offers every option `leadkeep CMD --help`
# prints (the same lists the man page is checked against).
. "$(dirname "$0")/lib.sh"

. "$LK_ROOT/packaging/leadkeep.bash-completion"
comp() {	# the words typed; prints the completions of the last one
	COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
	_leadkeep
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
check "complete -F _leadkeep leadkeep is registered" bash -c \
	". '$LK_ROOT/packaging/leadkeep.bash-completion'; complete -p leadkeep"
expect_eq "leadkeep se<TAB>" "$(comp leadkeep se)" "serve "
expect_eq "leadkeep lead <TAB>" "$(comp leadkeep lead '')" "add callback edit followup list log opt-out owner pause resume show stage "
expect_eq "leadkeep appointments --state <TAB>" "$(comp leadkeep appointments --state '')" "booked cancelled confirmed done no_show rescheduled "
expect_eq "leadkeep export --fo<TAB>" "$(comp leadkeep export --fo)" "--format "
expect_eq "leadkeep export --format <TAB>" "$(comp leadkeep export --format '')" "csv jsonl "
expect_eq "leadkeep import x.csv --d<TAB>" "$(comp leadkeep import x.csv --d)" "--data --dry-run "
expect_eq "leadkeep token create --role <TAB>" "$(comp leadkeep token create --role '')" "admin intake staff "
# Every command and option the binary knows is offered.
cmds=$(lk --help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p')
all=" $(comp leadkeep '')"
missing=""
for c in $cmds; do
	[[ $all == *" $c "* ]] || missing="$missing $c"
	subs=$(lk --help | sed -n "s/^  $c \([a-z|-]*\).*/\1/p" | tr '|' ' ')
	offered=""
	for s in ${subs:-""}; do
		[ -n "$s" ] && { [[ " $(comp leadkeep "$c" '')" == *" $s "* ]] || missing="$missing $c:$s"; }
		offered="$offered $(comp leadkeep "$c" "$s" --)"
	done
	for o in $(lk "$c" --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		[[ " $offered " == *" $o "* ]] || missing="$missing $c:$o"
	done
done
expect_eq "every command, subcommand and option is completed" "$missing" ""
echo "1..$_n"
