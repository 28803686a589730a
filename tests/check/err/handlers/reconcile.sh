#!/bin/sh
# Committed without its executable bit, on purpose: see E025_program_not_executable.pipe.
echo "{}"
