# make lint: formatting (clang-format), the protobuf contract (buf lint, buf from npm pinned by
# package-lock.json), the compose file (docker-compose config -q) and the ops profile: promtool
# check config/rules/test rules and the Grafana JSON (deploy/check-ops.sh; target in deploy/module.mk),
# and the documents' claims about the tree (every path and file:function they name exists).

C_SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

.PHONY: lint lint-format lint-proto lint-compose lint-docs lint-generated docs format proto-breaking
lint: lint-format lint-docs lint-generated lint-proto lint-compose lint-ops

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

# The contract must not break what agencies built against main.
proto-breaking: node_modules/.bin/buf
	node_modules/.bin/buf breaking --against '.git#branch=main'

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
