#!/bin/sh
# notify_ops: the cleanup handler run when a run fails: writes an incident note for
# the on-call operator (the work dir's incident.txt, and stderr for the run log).
set -eu
. "$(dirname "$0")/lib.sh"
note="$(now) run ${PIPEC_RUN_ID:-?} of ${PIPEC_PIPELINE:-?} (as of $ASOF) failed: page the on-call operator"
printf '%s\n' "$note" >> "$W/incident.txt"
log "$note"
printf '{}\n'
