# make lint: formatting (clang-format), the protobuf contract (buf lint, and buf breaking against the
# released image; buf from npm pinned by package-lock.json), the compose file (docker-compose
# config -q) and the ops profile: promtool check config/rules/test rules and the Grafana JSON (deploy/check-ops.sh; target in deploy/module.mk),
# and the documents' claims about the tree (every path and file:function they name exists).

C_SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

.PHONY: lint lint-format lint-proto lint-compose lint-docs lint-generated docs format proto-breaking proto-release
lint: lint-format lint-docs lint-generated lint-proto proto-breaking lint-compose lint-ops

lint-format:
	@clang-format --dry-run --Werror $(C_SOURCES) && echo "clang-format: clean"

lint-docs:
	@scripts/check-docs.py

format:
	clang-format -i $(C_SOURCES)

node_modules/.bin/buf: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint-proto: node_modules/.bin/buf
	node_modules/.bin/buf lint && echo "buf lint: clean"

# The contract must not break what agencies built against the released protos: proto/released.binpb,
# a buf image (no source info) of proto/ as last released, committed so that every checkout — a fresh
# clone in CI, a worktree, a tarball — compares against the same baseline (a git ref would be the
# checkout itself on main, and is missing from a shallow or single-branch clone).  Changed only on
# purpose, at a release: `make proto-release` rewrites it from the tree.
PROTO_RELEASED = proto/released.binpb
proto-breaking: node_modules/.bin/buf
	node_modules/.bin/buf breaking --against $(PROTO_RELEASED) && echo "buf breaking: none against $(PROTO_RELEASED)"
proto-release: node_modules/.bin/buf
	node_modules/.bin/buf build --exclude-source-info -o $(PROTO_RELEASED)

lint-compose:
	@scripts/install-deps.sh docker-compose
	docker-compose --env-file .env.example config -q && echo "docker-compose config: clean"
	docker-compose --env-file .env.example --profile ops --profile cli config | deploy/check-compose.py

# The command tables in the docs are generated from the options in each commands.proto
# (scripts/gen-commands.py): `make docs` rewrites them, lint-generated fails when one is stale.
GENERATED_DOCS = services/routing/README.md services/case/README.md services/reporting/README.md services/intake/README.md services/registry/README.md docs/bus-protocol.md
docs:
	scripts/gen-commands.py docs $(GENERATED_DOCS)
lint-generated:
	scripts/gen-commands.py docs --check $(GENERATED_DOCS) && echo "generated tables: current"
