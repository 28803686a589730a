#!/bin/sh
# broker_connect: log in to the (simulated) broker and read the account. The
# broker's cached session token is always stale at the start of the day; the
# handler logs in afresh within the same attempt (the task's policy is abort: a
# broker we cannot reach stops the day).
set -eu
. "$(dirname "$0")/lib.sh"
log "cached session token is stale (HTTP 401): logging in afresh"
session="SIM-$SEED-$(printf '%s' "${PIPEC_RUN_ID:-local}" | od -An -tx1 | tr -d ' \n' | cut -c1-8)"
cash=1000000
printf 'session=%s\ncash=%s\n' "$session" "$cash" > "$W/broker_session"
log "connected to SIMBROKER, session $session, cash $cash"
printf '{"account":{"broker":"SIMBROKER","session_id":"%s","cash":%s}}\n' "$session" "$cash"
