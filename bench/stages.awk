# stages.awk — where the time of a bench step went, from two /metrics snapshots of the services:
# the histograms' growth between them (before.prom, then after.prom, each line prefixed with the
# service's name) as one markdown row per service, histogram and stream: how many, mean, and the
# p50 / p99 bucket bounds (an upper bound of the percentile: the buckets are 0.5 ms … 10 s).
#   awk -f stages.awk before.prom after.prom
# Histograms: wh_bus_command_seconds (a command: received → its reply sent after the commit),
# wh_bus_fetch_seconds (FetchEvents round trip to the producer), wh_bus_apply_seconds (a fetched
# batch's transaction), wh_bus_event_seconds (an event's emission → applied and committed here),
# wh_bus_batch_stage_seconds (a command batch's stages: receive, queries, repeats, handlers, replies,
# commit, send).
function key_of(svc, name, labels,    s) {
    s = labels
    sub(/,?le="[^"]*"/, "", s)
    return svc " " name " " s
}
FNR == 1 { file++ }
$2 ~ /^wh_bus_(command|fetch|apply|event|batch_stage)_seconds_(bucket|sum|count)/ {
    svc = $1; metric = $2; value = $3
    labels = ""
    if (match(metric, /\{.*\}/)) { labels = substr(metric, RSTART + 1, RLENGTH - 2); metric = substr(metric, 1, RSTART - 1) }
    part = metric; sub(/^.*_seconds_/, "", part)
    name = metric; sub(/_(bucket|sum|count)$/, "", name)
    k = key_of(svc, name, labels)
    sign = file == 1 ? -1 : 1
    if (part == "sum") sum[k] += sign * value
    else if (part == "count") { count[k] += sign * value; keys[k] = 1 }
    else {
        le = labels; sub(/.*le="/, "", le); sub(/".*/, "", le)
        bucket[k, le] += sign * value
        if (!((k, le) in seen_le)) { seen_le[k, le] = 1; les[k] = les[k] " " le }
    }
}
function pct(k, q,    n, i, parts, target) {
    n = split(les[k], parts, " ")
    target = q * count[k]
    for (i = 1; i <= n; i++)
        if (bucket[k, parts[i]] >= target) return parts[i] == "+Inf" ? "> 10 s" : sprintf("%g", parts[i] * 1000)
    return "?"
}
END {
    print "| service | measure | stream or stage | n | mean ms | p50 ≤ ms | p99 ≤ ms |"
    print "|---|---|---|---:|---:|---:|---:|"
    for (k in keys) {
        if (count[k] <= 0) continue
        split(k, f, " ")
        stream = f[3]; sub(/^(stream|stage)="/, "", stream); sub(/"$/, "", stream)
        what = f[2]; sub(/^wh_bus_/, "", what); sub(/_seconds$/, "", what)
        rows[f[1] " " what " " stream] = sprintf("| %s | %s | %s | %d | %.1f | %s | %s |", f[1], what, stream == "" ? "—" : stream,
            count[k], sum[k] * 1000 / count[k], pct(k, 0.5), pct(k, 0.99))
    }
    n = 0
    for (r in rows) order[++n] = r
    for (i = 2; i <= n; i++) { v = order[i]; for (j = i - 1; j > 0 && order[j] > v; j--) order[j + 1] = order[j]; order[j + 1] = v }
    for (i = 1; i <= n; i++) print rows[order[i]]
}
