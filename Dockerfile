# The reference implementation as a slim, non-root image.
#   docker build -t users-items-api .
#   docker run -p 8000:8000 -e SECRET_KEY=... -e DATABASE_URL=... users-items-api
# Migrations: `alembic upgrade head` in the image's working directory (compose.yaml's
# `migrate` service does this before the API starts).

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY spec spec
COPY generated generated
COPY reference_impl reference_impl
COPY conformance conformance
COPY load load
RUN python -m venv /opt/venv && /opt/venv/bin/pip install .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN useradd --system --uid 10001 --home-dir /app --create-home app
COPY --from=build /opt/venv /opt/venv
# The plain `alembic upgrade head` finds its configuration here; the migrations
# themselves ship inside the installed package.
COPY --chown=app:app reference_impl/alembic.ini /app/alembic.ini
WORKDIR /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health/ready', timeout=2).status != 200)"]
CMD ["conformance", "serve", "--host", "0.0.0.0", "--port", "8000"]
