#!/usr/bin/env bash
# Cold-start proxy of the API-facing functions (docs/BENCHMARKS.md "Cold start"): a fresh JVM per
# run, with the JVM options the CDK app sets (PipelineFunction.JAVA_TOOL_OPTIONS), loads the
# deployable jar, builds the handler, handles one fixture event and prints the time since launch.
#   functions/testing/cold-start.sh [RUNS]        (after ./mvnw package -DskipTests)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs="${1:-5}"
# in one reactor run with its modules packaged, so that no installed cdp artifact is needed
./mvnw -q -o -B -pl functions/testing -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/cold-start.cp >/dev/null
cp="$PWD/functions/testing/target/fn-testing-0.1.0-SNAPSHOT.jar:$(cat functions/testing/target/cold-start.cp)"
for fn in ingest-api authorizer; do
  jar="functions/$fn/target/fn-$fn-lambda.jar"
  [ -f "$jar" ] || { echo "cold-start: $jar is missing; run ./mvnw package -DskipTests first" >&2; exit 1; }
  for _ in $(seq "$runs"); do
    (cd "functions/$fn" && java -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -cp "$cp" \
      io.meridian.cdp.fn.ColdStart "target/fn-$fn-lambda.jar" "$fn" 2>/dev/null | tail -1)
  done
done
