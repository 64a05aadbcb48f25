# Installs the Debian packages the build and the tests need, once, the first time they are missing.
# A stamp file records success so later runs do not call dpkg at all.

DEB_PACKAGES = build-essential pkg-config clang clang-format libclang-rt-14-dev curl libzmq3-dev libprotobuf-c-dev libprotobuf-dev protobuf-c-compiler \
               libpq-dev libuv1-dev libmicrohttpd-dev libjansson-dev libsodium-dev libutf8proc-dev libcmocka-dev \
               postgresql-15 postgresql-client-15 jq libxlsxwriter-dev python3-openpyxl \
               chromium fonts-noto-cjk python3 tmux \
               python3-zmq python3-protobuf protobuf-compiler

.PHONY: deps
deps: $(BUILD)/.deps-installed

$(BUILD)/.deps-installed: mk/deps.mk
	@scripts/install-deps.sh $(DEB_PACKAGES)
	@mkdir -p $(BUILD) && touch $@
