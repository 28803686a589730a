#!/bin/sh
# cleanup_workspace: run when the alpha run fails. Removes the outbox (published/)
# from the run's work dir, so that no half-made weights file is ever picked up; the
# rest of the work dir stays for the post-mortem.
set -eu
. "$(dirname "$0")/lib.sh"
if [ -d "$W/published" ]; then
  rm -rf "$W/published"
  log "removed the outbox of failed run ${PIPEC_RUN_ID:-?}"
else
  log "nothing published by failed run ${PIPEC_RUN_ID:-?}"
fi
printf '{}\n'
