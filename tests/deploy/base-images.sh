#!/bin/bash
# base-images.sh — makes the two base images the committed Dockerfile and compose file name, when
# this machine's Docker engine does not have them and no registry can be reached:
#
#   debian:bookworm-slim  debootstrap --variant=minbase bookworm, with this host's apt sources
#                         (so `apt-get` inside `docker build --network host` reaches the same mirror)
#   postgres:15           a stand-in built from Debian's postgresql-15 (tests/deploy/postgres15/) that
#                         honours the official image's POSTGRES_PASSWORD(_FILE), POSTGRES_USER,
#                         POSTGRES_DB, PGDATA and PGPORT
#
# An image that exists is left alone (delete it to rebuild: `docker rmi debian:bookworm-slim`), so
# the cost is paid once per machine.  Run as root (debootstrap needs it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# The host's Debian sources (deb822 or one-line), without third-party repositories.
host_debian_sources() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        case "$f" in
        *.sources) awk 'BEGIN { RS = ""; ORS = "\n\n" } /URIs:[^\n]*debian/ && /Suites:[^\n]*bookworm/' "$f" ;;
        *) grep -E '^deb .*debian.* bookworm' "$f" || true ;;
        esac
    done
}

# The first Debian archive URI of the host, for debootstrap itself.
host_debian_mirror() {
    host_debian_sources | sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)[[:space:]]*$/\1/p; s/^deb \(\[[^]]*\] \)\{0,1\}\([^[:space:]]*\/debian\) .*/\2/p' |
        head -n 1
}

make_debian_base() {
    local root mirror sources
    mirror=$(host_debian_mirror)
    : "${mirror:=http://deb.debian.org/debian}"
    sources=$(host_debian_sources)
    root=$(mktemp -d /var/tmp/wh-bookworm.XXXXXX)
    trap 'rm -rf "$root"' RETURN
    echo "base-images: debootstrap --variant=minbase bookworm from $mirror (a few minutes, once)"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
        { tail -20 "$root.log" >&2; rm -f "$root.log"; return 1; }
    rm -f "$root.log"
    rm -f "$root/etc/apt/sources.list"
    if [ -n "$sources" ]; then
        printf '%s\n' "$sources" >"$root/etc/apt/sources.list.d/host.sources.tmp"
        if grep -q '^Types:' "$root/etc/apt/sources.list.d/host.sources.tmp"; then
            mv "$root/etc/apt/sources.list.d/host.sources.tmp" "$root/etc/apt/sources.list.d/debian.sources"
        else
            mv "$root/etc/apt/sources.list.d/host.sources.tmp" "$root/etc/apt/sources.list"
        fi
    else
        echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list"
    fi
    # What the official slim image does: no documentation, no recommends, no apt caches left in layers.
    cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
CFG
    echo 'APT::Install-Recommends "false";' >"$root/etc/apt/apt.conf.d/docker-no-recommends"
    echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
    cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
        "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/var/log/*.log
    find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
    tar -C "$root" --numeric-owner -c . |
        docker import --change 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
    echo "base-images: debian:bookworm-slim made ($(docker image inspect -f '{{.Size}}' debian:bookworm-slim | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
}

# The tag docker-compose.yml pins (WH_POSTGRES_IMAGE's default), so the stand-in is what compose runs.
postgres_image=$(sed -n 's/.*WH_POSTGRES_IMAGE:-\([^}]*\)}.*/\1/p' "$here/../../docker-compose.yml")
make_postgres_standin() {
    echo "base-images: building a $postgres_image stand-in from Debian's postgresql-15"
    docker build -q --network host -t "$postgres_image" "$here/postgres15" >/dev/null
    echo "base-images: $postgres_image stand-in made"
}

have_image debian:bookworm-slim || make_debian_base
have_image "$postgres_image" || make_postgres_standin
