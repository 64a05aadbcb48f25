#!/bin/bash
# build-image.sh [TAG] — builds the welfarehub image (deploy/docker/Dockerfile) from this source tree.
#
# The build context is the tree's own files — what git tracks plus new files it does not ignore — sent
# as a tar stream, so build directories, ./var, ./secrets and node_modules never reach the daemon.  The
# image is tagged TAG (default $WH_IMAGE, else welfarehub:latest) and labelled with the commit.
# Extra `docker build` options may follow in WH_BUILD_OPTS (the deployment test adds --network host).
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-${WH_IMAGE:-welfarehub:latest}}
revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git diff --quiet HEAD -- 2>/dev/null; then revision="$revision-modified"; fi

context_files() {
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git ls-files -z --cached --others --exclude-standard -- Makefile mk scripts proto common services tools deploy |
            while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done
    else
        find Makefile mk scripts proto common services tools deploy -type f -print0
    fi
}

echo "build-image: $tag (revision $revision)"
# shellcheck disable=SC2086 # WH_BUILD_OPTS is a list of options
context_files | tar --null -T - -c --owner=0 --group=0 |
    docker build ${WH_BUILD_OPTS:-} --build-arg REVISION="$revision" --build-arg JOBS="$(nproc)" \
        -f deploy/docker/Dockerfile -t "$tag" -
