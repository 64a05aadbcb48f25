#!/bin/bash
# welfare-readyz — the container healthcheck: exits 0 when this service's /readyz answers 200.
# Talks HTTP through bash's /dev/tcp, so the image needs no HTTP client.  The port and address are the
# service's own settings (WH_HTTP_PORT, WH_HTTP_BIND).
set -u
port=${WH_HTTP_PORT:-8080}
host=${WH_HTTP_BIND:-127.0.0.1}
[ "$host" = 0.0.0.0 ] && host=127.0.0.1
exec 3<>"/dev/tcp/$host/$port" 2>/dev/null || { echo "readyz: nothing listens on $host:$port"; exit 1; }
printf 'GET /readyz HTTP/1.0\r\nHost: %s\r\n\r\n' "$host" >&3
IFS=$' \r' read -r -t 2 _ code _ <&3 || { echo "readyz: no answer from $host:$port"; exit 1; }
[ "$code" = 200 ] && exit 0
echo "readyz: $host:$port answered $code"
exit 1
