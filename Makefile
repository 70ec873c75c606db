# leadkeep - one Makefile, pkg-config for every dependency.
#
#   make run     install what is missing, build, serve the demo on 127.0.0.1:8080
#                (a fresh data dir first gets the demo's last week: leadkeep demo-seed)
#   make test    install what is missing (Debian and npm packages), build with
#                ASan+UBSan, run every test
#   make bench   benchmarks (see docs/benchmarks.md)
#   make fuzz    build the libFuzzer targets and run each briefly

PKGS    := sqlite3 libpq libmicrohttpd jansson libcurl yaml-0.1 libsodium
# libsystemd (libsystemd-dev) when present: serve reports readiness and
# stopping through sd_notify (Type=notify); without it those calls are no-ops.
ifeq ($(shell pkg-config --exists libsystemd && echo yes),yes)
PKGS    += libsystemd
SD_DEF  := -DLK_HAVE_SYSTEMD
endif
CC      ?= cc
WARN    := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wundef -Wvla -Wpointer-arith \
           -Wno-unused-parameter
BASE    := -std=c17 -D_GNU_SOURCE $(SD_DEF) -Isrc $(WARN)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
# libcsv has no pkg-config file (Debian's libcsv-dev): linked by name.
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lcsv -lpthread -lm

# Release: optimised. ASan: the build the tests run.
# EXTRA_CFLAGS, EXTRA_LDFLAGS: added to the release build (debian/rules passes
# dpkg's hardening flags).
REL_CFLAGS  := -O2 -g $(BASE) $(EXTRA_CFLAGS)
ASAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined $(BASE)

CORE_SRC  := $(wildcard src/core/*.c)
LIB_SRC   := $(CORE_SRC) $(wildcard src/util/*.c src/rules/*.c src/store/*.c src/flow/*.c src/read/*.c src/sched/*.c \
             src/intake/*.c src/deliver/*.c src/http/*.c src/report/*.c src/health/*.c src/web/*.c \
             src/verify/*.c src/prove/*.c src/replay/*.c)
CLI_SRC   := $(wildcard src/cli/*.c)
GEN_SRC   := build/gen/default_rules.c
WEB_GEN   := build/gen/web_assets.c
WEB_ASSETS := $(sort $(wildcard src/web/assets/*))

REL_LIB   := $(patsubst %.c,build/rel/%.o,$(LIB_SRC) $(GEN_SRC) $(WEB_GEN))
ASAN_LIB  := $(patsubst %.c,build/asan/%.o,$(LIB_SRC) $(GEN_SRC) $(WEB_GEN))
REL_CLI   := $(patsubst %.c,build/rel/%.o,$(CLI_SRC))
ASAN_CLI  := $(patsubst %.c,build/asan/%.o,$(CLI_SRC))

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRC))

VERSION   := $(shell git describe --always --dirty 2>/dev/null || echo 0.1.0)

.PHONY: all deps build run test unit asan bench bench-smoke bench-scale fuzz clean install deb
all: build

deps:
	@scripts/deps.sh

build: build/leadkeep

run: deps build
	@mkdir -p leadkeep-data
	@./build/leadkeep demo-seed --data ./leadkeep-data
	@./build/leadkeep demo-users --data ./leadkeep-data
	@echo "leadkeep: serving the demo business on http://127.0.0.1:8080 (data in ./leadkeep-data)"
	@echo "leadkeep: staff web app: open http://127.0.0.1:8080/app/"
	@echo "leadkeep: stop with Ctrl-C"
	./build/leadkeep serve --config examples/server.yaml

test: deps
	@scripts/npm-deps.sh
	@$(MAKE) --no-print-directory asan
	@tests/run.sh

asan: build/asan/leadkeep $(UNIT_BIN)

unit: $(UNIT_BIN)

build/leadkeep: $(REL_CLI) $(REL_LIB)
	$(CC) $(REL_CFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/asan/leadkeep: $(ASAN_CLI) $(ASAN_LIB)
	$(CC) $(ASAN_CFLAGS) -o $@ $^ $(PKG_LIBS)

# The embedded default rules: the YAML file's bytes as one C array (a string
# literal would exceed the 4095 bytes ISO C promises to support).
build/gen/default_rules.c: examples/default-rules.yaml Makefile
	@mkdir -p $(dir $@)
	@{ echo '/* generated from examples/default-rules.yaml by the Makefile */'; \
	   echo 'const char rules_default_yaml[] = {'; \
	   od -An -v -tx1 examples/default-rules.yaml | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	   echo '0x00 };'; } > $@

# The web app's CSS, JS and icon: each file's bytes as one C array, listed in
# the table src/web/web_assets.h declares.
build/gen/web_assets.c: $(WEB_ASSETS) Makefile
	@mkdir -p $(dir $@)
	@{ echo '/* generated from src/web/assets/ by the Makefile */'; \
	   echo '#include "web/web_assets.h"'; \
	   i=0; for f in $(WEB_ASSETS); do \
	     echo "static const unsigned char a$$i[] = {"; \
	     od -An -v -tx1 $$f | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	     echo '0x00 };'; i=$$((i + 1)); \
	   done; \
	   echo 'const web_asset web_assets[] = {'; \
	   i=0; for f in $(WEB_ASSETS); do \
	     echo "	{ \"$$(basename $$f)\", a$$i, sizeof a$$i - 1 },"; i=$$((i + 1)); \
	   done; \
	   echo '	{ 0, 0, 0 },'; echo '};'; } > $@

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) $(PKG_CFLAGS) -DLK_VERSION='"$(VERSION)"' -MMD -MP -c -o $@ $<

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -DLK_VERSION='"$(VERSION)"' -MMD -MP -c -o $@ $<

# Unit tests link only the layers they test, so a module can be tested on its own.
UTIL_TESTS  := util utf8
CORE_TESTS  := tz bizclock contact template lead states
RULES_TESTS := rules rules_steps rules_routing rules_time rules_diags engine engine_edit engine_delivery engine_followup engine_rules
ASAN_UTIL   := $(patsubst %.c,build/asan/%.o,$(wildcard src/util/*.c))
ASAN_CORE   := $(patsubst %.c,build/asan/%.o,$(CORE_SRC))
ASAN_RULES  := $(ASAN_CORE) $(patsubst %.c,build/asan/%.o,$(wildcard src/rules/*.c) $(GEN_SRC))
TEST_LINK    = $(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(PKG_LIBS) $(shell pkg-config --libs cmocka)

$(foreach t,$(UTIL_TESTS),$(eval build/asan/tests/test_$(t): tests/unit/test_$(t).c $$(ASAN_UTIL) ; @mkdir -p $$(dir $$@) && $$(TEST_LINK)))
$(foreach t,$(CORE_TESTS),$(eval build/asan/tests/test_$(t): tests/unit/test_$(t).c $$(ASAN_CORE) ; @mkdir -p $$(dir $$@) && $$(TEST_LINK)))
$(foreach t,$(RULES_TESTS),$(eval build/asan/tests/test_$(t): tests/unit/test_$(t).c $$(ASAN_RULES) ; @mkdir -p $$(dir $$@) && $$(TEST_LINK)))

# The HTML writer and the pages' pure helpers, on their own.
ASAN_WEB_PURE := $(patsubst %.c,build/asan/%.o,src/web/html.c src/web/web_form.c src/web/web_time.c)
build/asan/tests/test_web_html: tests/unit/test_web_html.c $(ASAN_WEB_PURE) $(ASAN_UTIL)
	@mkdir -p $(dir $@) && $(TEST_LINK)

build/asan/tests/%: tests/unit/%.c $(ASAN_LIB)
	@mkdir -p $(dir $@)
	$(TEST_LINK)

bench: deps build
	@bench/run.sh

bench-smoke: deps build
	@bench/run.sh --smoke

# Many businesses on SQLite and PostgreSQL (1 and 3 nodes); the size is a
# parameter: make bench-scale SCALE_BIZ=1000 SCALE_LEADS=1000000
SCALE_BIZ ?= 10000
SCALE_LEADS ?= 10000000
bench-scale: deps build
	@LK_SCALE_BIZ=$(SCALE_BIZ) LK_SCALE_LEADS=$(SCALE_LEADS) bench/scale_many.sh

fuzz: deps
	@fuzz/run.sh

# make install [PREFIX=/usr/local] [DESTDIR=] : the binary, the systemd unit,
# the man pages, the bash completion, the documentation, and - unless already there - /etc/leadkeep/rules.yaml
# (the demo's, to edit) and server.yaml. INSTALL_BIN picks another build.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
SYSCONFDIR  ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR     ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
DOCDIR      ?= $(PREFIX)/share/doc/leadkeep
MANDIR      ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL_BIN ?= build/leadkeep

install: $(INSTALL_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(SYSCONFDIR)/leadkeep $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(COMPLETIONDIR)
	install -m 0755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/leadkeep
	sed 's|@BINDIR@|$(BINDIR)|; s|/etc/leadkeep|$(SYSCONFDIR)/leadkeep|g' \
		packaging/leadkeep.service >$(DESTDIR)$(UNITDIR)/leadkeep.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/leadkeep.service
	install -m 0644 README.md docs/*.md docs/openapi.yaml $(DESTDIR)$(DOCDIR)/
	install -m 0644 man/leadkeep.1 $(DESTDIR)$(MANDIR)/man1/leadkeep.1
	install -m 0644 man/leadkeep-rules.5 $(DESTDIR)$(MANDIR)/man5/leadkeep-rules.5
	install -m 0644 man/leadkeep-server.yaml.5 $(DESTDIR)$(MANDIR)/man5/leadkeep-server.yaml.5
	install -m 0644 packaging/leadkeep.bash-completion $(DESTDIR)$(COMPLETIONDIR)/leadkeep
	[ -e $(DESTDIR)$(SYSCONFDIR)/leadkeep/rules.yaml ] || \
		install -m 0644 examples/default-rules.yaml $(DESTDIR)$(SYSCONFDIR)/leadkeep/rules.yaml
	[ -e $(DESTDIR)$(SYSCONFDIR)/leadkeep/server.yaml ] || { \
		sed 's|/etc/leadkeep|$(SYSCONFDIR)/leadkeep|g' packaging/server.yaml \
			>$(DESTDIR)$(SYSCONFDIR)/leadkeep/server.yaml && \
		chmod 0644 $(DESTDIR)$(SYSCONFDIR)/leadkeep/server.yaml; }

# make deb: the Debian package (debian/), built from a copy of the tree in
# build/deb/leadkeep (dpkg-buildpackage's clean would remove build/), then
# checked with lintian. The .deb lands in build/deb/.
deb:
	rm -rf build/deb && mkdir -p build/deb/leadkeep
	tar --exclude=./build --exclude=./.git --exclude=./node_modules \
		--exclude=./leadkeep-data -cf - . | tar -xf - -C build/deb/leadkeep
	cd build/deb/leadkeep && dpkg-buildpackage -us -uc -b
	lintian --info build/deb/leadkeep_*.changes

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
