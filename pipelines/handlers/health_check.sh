#!/bin/sh
# health_check: the host can run the day: scratch disk space, clock sanity, tools.
set -eu
. "$(dirname "$0")/lib.sh"
free_mb=$(df -Pk "$W" | awk 'NR == 2 { print int($4 / 1024) }')
year=$(date -u +%Y)
ok=true
[ "$free_mb" -ge 100 ] || { log "only ${free_mb}MB free in $W"; ok=false; }
[ "$year" -ge 2024 ] || { log "system clock looks wrong: year $year"; ok=false; }
for tool in awk sed date od; do
  command -v "$tool" > /dev/null || { log "missing tool: $tool"; ok=false; }
done
[ "$ok" = true ] || exit 1
log "host ok, ${free_mb}MB free"
printf '{"host_ok":true,"disk_free_mb":%d,"checked_at":"%s"}\n' "$free_mb" "$(now)"
