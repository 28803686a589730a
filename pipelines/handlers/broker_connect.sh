#!/bin/sh
# broker_connect: log in to the (simulated) broker and read the account.
# The broker's cached session token is always stale at the start of the day, so
# the first attempt is rejected; the retry logs in afresh. This is the example's
# "flaky handler recovered by retry".
set -eu
. "$(dirname "$0")/lib.sh"
if [ "$ATTEMPT" -le 1 ]; then
  log "broker rejected cached session token (HTTP 401); will re-authenticate on retry"
  exit 1
fi
session="SIM-$SEED-$(printf '%s' "${PIPEC_RUN_ID:-local}" | od -An -tx1 | tr -d ' \n' | cut -c1-8)"
cash=1000000
printf 'session=%s\ncash=%s\n' "$session" "$cash" > "$W/broker_session"
log "connected to SIMBROKER, session $session, cash $cash"
printf '{"account":{"broker":"SIMBROKER","session_id":"%s","cash":%s}}\n' "$session" "$cash"
