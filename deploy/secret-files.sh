# secret-files.sh — sourced by make-secrets.sh and keys.sh: where the secrets live and the modes that
# let the containers read them.
#
# Compose mounts each secret file into its container as it is on the host (its owner and mode), and
# the welfarehub containers run as uid/gid 10001.  So the directory is private to its owner (0700:
# nobody else on the host can reach the files) and each file is readable by group 10001 (0440) when
# we may change its group — as root — or else by everyone (0444), still behind the 0700 directory.

WH_CONTAINER_GID=10001

wh_secrets_dir() { echo "${WH_SECRETS_DIR:-./secrets}"; }

# The allow-list holds public keys and grants only, and the services re-read it within a second of a
# change.  A file mounted on its own would keep showing the replaced inode, so it is published into a
# directory of its own, access/, which the containers mount: access/allowlist, replaced by rename.
wh_allowlist_publish() {
    local dir=$1 pub=$1/access
    [ -f "$dir/keys/allowlist" ] || return 0
    mkdir -p "$pub"
    chmod 755 "$pub"
    cp "$dir/keys/allowlist" "$pub/.allowlist.tmp"
    if chgrp "$WH_CONTAINER_GID" "$pub/.allowlist.tmp" 2>/dev/null; then
        chmod 440 "$pub/.allowlist.tmp"
    else
        chmod 444 "$pub/.allowlist.tmp"
    fi
    mv -f "$pub/.allowlist.tmp" "$pub/allowlist"
}

wh_secrets_fix_modes() {
    local dir=$1 f
    chmod 700 "$dir"
    [ -d "$dir/keys" ] && chmod 700 "$dir/keys"
    [ -d "$dir/access" ] && chmod 755 "$dir/access"
    while IFS= read -r -d '' f; do
        if chgrp "$WH_CONTAINER_GID" "$f" 2>/dev/null; then
            chmod 440 "$f"
        else
            chmod 444 "$f"
        fi
    done < <(find "$dir" -type f ! -name '*.tmp' -print0)
}
