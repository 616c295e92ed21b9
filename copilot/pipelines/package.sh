#!/usr/bin/env bash
# package.sh <env>...: renders every workload's CloudFormation for each environment into
# ./infrastructure (what the pipeline's deploy actions apply). Images are not built here: every
# manifest points at REGI_IMAGE, the one image of this commit.
set -euo pipefail
mkdir -p infrastructure
for env in "$@"; do
  for svc in $(copilot svc ls --local --json | jq -r '.services[].name'); do
    copilot svc package -n "$svc" -e "$env" --output-dir ./infrastructure --upload-assets
  done
  for job in $(copilot job ls --local --json | jq -r '.jobs[].name'); do
    copilot job package -n "$job" -e "$env" --output-dir ./infrastructure --upload-assets
  done
done
ls -l infrastructure
