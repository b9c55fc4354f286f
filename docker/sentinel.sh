#!/bin/sh
# The `sentinel` command inside the image (the repository's ./sentinel without the build step).
exec java ${SENTINEL_JAVA_OPTS:-} -Dai.djl.offline=true -cp "/opt/sentinel/sentinel.jar:/opt/sentinel/lib/*" dev.entropysentinel.cli.Sentinel "$@"
