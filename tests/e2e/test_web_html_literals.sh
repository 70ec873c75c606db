#!/usr/bin/env bash
# The HTML writer's markup arguments (tags, attribute names, raw fragments,
# format strings, paths) must be string literals: a variable there - where
# data from outside could become markup - does not compile. Checked with the
# project's own compiler flags on small programs.
. "$(dirname "$0")/lib.sh"

CC=${CC:-cc}
FLAGS="-std=c17 -D_GNU_SOURCE -I$LK_ROOT/src -Wall -Wextra -Werror -fsyntax-only"

# compiles BODY: 0 when a function with this body compiles.
compiles() {
	printf '#include "web/html.h"\nvoid f(html *h, html_url *u, const char *v);\nvoid f(html *h, html_url *u, const char *v)\n{\n(void)h; (void)u; (void)v;\n%s\n}\n' "$1" >"$T/t.c"
	$CC $FLAGS "$T/t.c" 2>"$T/cc.err"
}

check "literals compile" compiles 'html_raw(h, "<p>"); html_open(h, "p"); html_attr(h, "class", v); html_flag(h, "required", 1); html_textf(h, "%s!", v); html_close(h); html_url_path(u, "/app/"); html_url_pathf(u, "/app/leads/%d", 1); html_url_query(u, "q", v); html_url_attr(h, "href", u);'
for bad in 'html_raw(h, v);' 'html_open(h, v);' 'html_void(h, v);' 'html_elem(h, v, v);' \
	'html_attr(h, v, "x");' 'html_flag(h, v, 1);' 'html_url_attr(h, v, u);' \
	'html_textf(h, v, 1);' 'html_url_path(u, v);' 'html_url_pathf(u, v, 1);' \
	'html_url_query(u, v, "x");'; do
	if compiles "$bad"; then not_ok "does not compile: $bad"; else ok "does not compile: $bad"; fi
done
