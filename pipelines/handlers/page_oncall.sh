#!/bin/sh
# page_oncall: an `exec` notifier. pipec gives the notification's JSON on stdin
# (docs/notifications.md); this one keeps it in .pipec/oncall.log beside the
# pipelines, one line each, where a pager integration would forward it.
set -eu
mkdir -p .pipec
body="$(cat)"
printf '%s\n' "$body" >> .pipec/oncall.log
printf 'paged on-call: %s\n' "$body" >&2
