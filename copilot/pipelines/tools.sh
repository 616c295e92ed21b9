#!/usr/bin/env bash
# Installs the pinned Copilot CLI after checking its SHA-256, and exports the image URI of the
# commit being built (REGI_IMAGE) for manifest interpolation. Sourced by the buildspecs.
set -euo pipefail
source copilot/pipelines/settings.env
if [ -z "${COPILOT_SHA256}" ]; then
  echo "COPILOT_SHA256 is empty in copilot/pipelines/settings.env (docs/deploy.md, Pipelines)" >&2
  exit 1
fi
curl -fsSL -o /usr/local/bin/copilot \
  "https://github.com/aws/copilot-cli/releases/download/${COPILOT_VERSION}/copilot-linux"
echo "${COPILOT_SHA256}  /usr/local/bin/copilot" | sha256sum -c -
chmod +x /usr/local/bin/copilot
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
COMMIT=${CODEBUILD_RESOLVED_SOURCE_VERSION:?no commit id from CodePipeline}
export AWS_REGION REGI_DOMAIN ACCOUNT_ID COMMIT
export REGI_REGISTRY="${ACCOUNT_ID}.dkr.ecr.${AWS_REGION}.amazonaws.com"
export REGI_IMAGE="${REGI_REGISTRY}/${REGI_REPOSITORY}:${COMMIT}"
