#!/bin/bash
# test_import_progress.sh — the import's progress bar as a person sees it in a terminal: welfarectl
# runs in a tmux pane (a real terminal) importing 3,000 rows in blocks of 10, one in flight; intake is
# stopped (SIGSTOP) at the start for 3 s.  The pane, read with capture-pane, must show "waiting for
# intake" while it is stopped, then a partial bar counting answered rows with rate and ETA, then 100%
# and the summary.
set -u
cd "$(dirname "$0")/../.."
source scripts/stack.sh
command -v tmux >/dev/null || { echo "FAIL: tmux is not installed (mk/deps.mk)"; exit 1; }
dir=$(mktemp -d)
session=wh-progress-$$
intake=$(wh_service_pid intake)
trap 'kill -CONT "$intake" 2>/dev/null; tmux kill-session -t "$session" 2>/dev/null; rm -rf "$dir"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

python3 - "$dir/slow.csv" "$$-$RANDOM" <<'PY'
import sys
path, nonce = sys.argv[1], sys.argv[2]
with open(path, "w") as f:
    f.write("channel,reported_on,household.dong_code,household.address,persons.0.name,persons.0.rrn,concern\n")
    for i in range(3000):
        f.write("survey,2026-11-%02d,2650051000,부산광역시 수영구 남천동 진행 %d,진행%d,430512-2123452,%s\n"
                % (1 + i % 28, i, i, nonce))
PY

cat >"$dir/run.sh" <<RUN
#!/bin/bash
$(declare -p | grep -E ' (WH_[A-Z_]+)=' | sed 's/^declare -x/export/')
"$WH_BIN/welfarectl" import referrals "$dir/slow.csv" --block-rows 10 --jobs 1
echo "exit=\$?"
sleep 30
RUN
chmod +x "$dir/run.sh"

kill -STOP "$intake"
tmux new-session -d -s "$session" -x 160 -y 20 "$dir/run.sh"
sleep 3
tmux capture-pane -p -t "$session" >"$dir/stopped.txt"
kill -CONT "$intake"
grep -q "waiting for intake [0-9]* s" "$dir/stopped.txt" || fail "no 'waiting for intake' while intake is stopped: $(cat "$dir/stopped.txt")"
grep -q "0/3000 rows" "$dir/stopped.txt" || fail "nothing is counted before intake answers"

partial=0
for _ in $(seq 1 300); do
    tmux capture-pane -p -t "$session" >"$dir/pane.txt"
    if grep -qE '\] +([1-9]|[1-9][0-9])%  [0-9]+/3000 rows  0 failed  [0-9]+ rows/s  ETA [0-9]+:[0-9]{2}' "$dir/pane.txt"; then
        partial=1
        cp "$dir/pane.txt" "$dir/partial.txt"
    fi
    grep -q "^exit=" "$dir/pane.txt" && break
    sleep 0.1
done
[ "$partial" -eq 1 ] || fail "no partial bar with answered rows, rate and ETA was seen"
grep -q "^exit=0" "$dir/pane.txt" || fail "the import did not finish well: $(cat "$dir/pane.txt")"
grep -qE '\[#{30}\] 100%  3000/3000 rows  0 failed' "$dir/pane.txt" || fail "no full bar at the end: $(cat "$dir/pane.txt")"
grep -qE '^  new +3000 ' "$dir/pane.txt" || fail "summary: $(cat "$dir/pane.txt")"
[ -f "$dir/partial.txt" ] && { echo "-- a partial bar seen:"; grep -E '%' "$dir/partial.txt"; }
echo "-- while intake was stopped:"; grep -E '%' "$dir/stopped.txt"
[ "$failures" -eq 0 ] && echo "import progress: all checks passed"
[ "$failures" -eq 0 ]
