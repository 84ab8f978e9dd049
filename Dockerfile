# cswjobs for the full stack: gunicorn serving webapp:create_app() with CSWJOBS_CONFIG=production.
# PostgreSQL, Redis and Elasticsearch run elsewhere; point the CSWJOBS_* variables at them (README).
#   docker build -t cswjobs .
#   docker run --rm --env-file cswjobs.env cswjobs flask db upgrade     # once per release
#   docker run -d -p 8000:8000 --env-file cswjobs.env cswjobs
#   docker run -d --env-file cswjobs.env cswjobs rq worker -w workers.worker.AppWorker --with-scheduler \
#       --url "$CSWJOBS_REDIS_URL" indexing embeddings alerts analytics default
FROM python:3.11-slim

# PYTHONPATH: the source tree comes first on the path, so config.PROJECT_ROOT is /app and
# `flask db upgrade` finds /app/migrations (they are not part of the installed package).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    FLASK_APP=webapp:create_app \
    CSWJOBS_CONFIG=production \
    CSWJOBS_INSTANCE_PATH=/var/lib/cswjobs \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    GUNICORN_CMD_ARGS="--workers 3 --threads 4 --timeout 60 --access-logfile -" \
    HEALTHCHECK_URL=http://127.0.0.1:8000/healthz

RUN groupadd --system cswjobs \
    && useradd --system --gid cswjobs --no-create-home --home-dir /var/lib/cswjobs --shell /usr/sbin/nologin cswjobs \
    && install -d -o cswjobs -g cswjobs /var/lib/cswjobs

WORKDIR /app
# The whole context, minus what .dockerignore leaves out (tests, caches, local databases, .git).
COPY . .
# Installs the dependencies (gunicorn among them); the code itself is read from /app, owned by root.
RUN pip install . && rm -rf build ./*.egg-info

USER cswjobs
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(os.environ['HEALTHCHECK_URL'], timeout=4)" || exit 1
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "webapp:create_app()"]
