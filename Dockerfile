# syntax=docker/dockerfile:1

# TradeVantage container image.
#
# Stage 1 ("builder") resolves nothing: it installs exactly the versions pinned
# in uv.lock (runtime dependencies only) plus the tradevantage package itself
# into a virtual environment at /opt/venv.
# Stage 2 ("runtime") is a slim Python image without compilers or uv that only
# receives that virtual environment and runs as an unprivileged user.

ARG PYTHON_VERSION=3.11
ARG UV_VERSION=0.13.8

FROM python:${PYTHON_VERSION}-slim AS builder

ARG UV_VERSION
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN pip install --no-cache-dir "uv==${UV_VERSION}"

WORKDIR /src

# Dependencies first, so this layer is reused until uv.lock changes.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --no-install-project

# Then the project itself, installed as a regular (non-editable) package.
COPY README.md ./
COPY src ./src
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable


FROM python:${PYTHON_VERSION}-slim AS runtime

LABEL org.opencontainers.image.title="tradevantage" \
      org.opencontainers.image.description="TradeVantage REST API"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:${PATH}" \
    TRADEVANTAGE_WORKERS=2

RUN groupadd --system --gid 10001 tradevantage \
    && useradd --system --uid 10001 --gid tradevantage \
       --home-dir /app --no-create-home --shell /usr/sbin/nologin tradevantage \
    && mkdir /app \
    && chown tradevantage:tradevantage /app

# The virtual environment stays owned by root: the service can read it, not change it.
COPY --from=builder /opt/venv /opt/venv

# The working directory is writable by the service user, so that the embedded
# SQLite default works with `docker run` and no configuration.
WORKDIR /app
USER 10001:10001

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/', timeout=4).status == 200 else 1)"]

# The number of worker processes comes from TRADEVANTAGE_WORKERS.
CMD ["tradevantage", "serve", "--host", "0.0.0.0", "--port", "8000"]
