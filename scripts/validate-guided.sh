#!/usr/bin/env bash
# Runs the guided-remediation tests with every candidate config checked by
# the real OpenClaw CLIs (~/.cache/openclaw-peer-2026.9.6: `config validate
# --json`; ~/.cache/openclaw-peer-2026.2.1: its config loader), picking the
# peer by the snapshot's era. Peers that are absent are skipped, logged.
set -euo pipefail
cd "$(dirname "$0")/.."
HARDSHELL_REAL_VALIDATE=1 exec go test ./remediate/ -count=1 -run 'TestGuided|TestSecrets|TestExtra' -v "$@"
