/*
 * access_reload.c — picking up a changed allow-list without a restart.
 *
 * On every tick the service looks at the file (modification time, size, inode: an editor's rename
 * counts); when it changed, the new list is parsed and, if it parses, replaces the old one at once: the
 * commands taken and not yet run, and the fetches held, are authorized again by it (commands.c).  Since every
 * message is authorized by its connection's key against the current list, a key removed from the file is
 * refused from the next tick on — also on connections opened before.
 */
#include <sys/stat.h>

#include "bus_internal.h"
#include "wh/log.h"

static bool stat_changed(wh_service *svc)
{
    struct stat st;
    long long mtime;

    if (svc->allowlist_path[0] == '\0' || stat(svc->allowlist_path, &st) != 0)
        return false;
    mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    if (mtime == svc->allowlist_stat.mtime_ns && (long long)st.st_size == svc->allowlist_stat.size &&
        (long long)st.st_ino == svc->allowlist_stat.inode)
        return false;
    svc->allowlist_stat.mtime_ns = mtime;
    svc->allowlist_stat.size = (long long)st.st_size;
    svc->allowlist_stat.inode = (long long)st.st_ino;
    return true;
}

void wh_access_watch(wh_service *svc)
{
    stat_changed(svc);
}

void wh_access_reload_if_changed(wh_service *svc)
{
    wh_access *fresh = NULL, *old = svc->access;

    if (!stat_changed(svc))
        return;
    if (wh_access_load(&fresh, svc->allowlist_path) != 0) {
        wh_log_error("changed allow-list does not parse; keeping the previous one", "{s:s}", "path",
                     svc->allowlist_path);
        return;
    }
    svc->access = fresh;
    wh_commands_reauthorize(svc->commands); /* nothing taken keeps a principal of the old list */
    wh_access_destroy(&old);
    wh_log_info("allow-list reloaded", "{s:s}", "path", svc->allowlist_path);
}
