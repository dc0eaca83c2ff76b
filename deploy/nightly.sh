#!/bin/sh
# The nightly crawl of SMM Atlas: what deploy/smmatlas-crawl.service and deploy/smmatlas.cron run.
# Settings come from the environment file (default /etc/smmatlas/crawl.env, see crawl.env):
#   SMMATLAS_HOME        data home: atlas.db, warc/, logs and diffs (default /var/lib/smmatlas)
#   SMMATLAS_SEEDS       seeds file, one URL or domain per line (default /etc/smmatlas/seeds.txt)
#   SMMATLAS_CRAWL_ARGS  more `smmatlas crawl` options, e.g. --proxy http://127.0.0.1:3128
#   SMMATLAS_DB          a PostgreSQL URL instead of $SMMATLAS_HOME/atlas.db (optional)
# Exit code: the crawl's (0 done, 3 partial, 4 nothing reachable, 5 another crawl still runs).
set -u
env_file=${SMMATLAS_ENV_FILE:-/etc/smmatlas/crawl.env}
if [ -r "$env_file" ]; then
  set -a; . "$env_file"; set +a
fi
app=$(cd "$(dirname "$0")/.." && pwd)
: "${SMMATLAS_HOME:=/var/lib/smmatlas}"
: "${SMMATLAS_SEEDS:=/etc/smmatlas/seeds.txt}"
: "${SMMATLAS_CRAWL_ARGS:=}"
export SMMATLAS_HOME
mkdir -p "$SMMATLAS_HOME/logs" "$SMMATLAS_HOME/diffs"
day=$(date -u +%Y-%m-%d)
# shellcheck disable=SC2086  # SMMATLAS_CRAWL_ARGS is a list of options
"$app/.venv/bin/smmatlas" crawl --seeds "$SMMATLAS_SEEDS" --wait-timeout 3600 \
  --progress plain --log-file "$SMMATLAS_HOME/logs/crawl-$day.log" $SMMATLAS_CRAWL_ARGS
code=$?
if [ "$code" -eq 0 ] || [ "$code" -eq 3 ]; then  # what changed since the run before
  "$app/.venv/bin/smmatlas" diff --format csv > "$SMMATLAS_HOME/diffs/diff-$day.csv" || true
fi
exit "$code"
