# The API on PostgreSQL (see docker-compose.yml). The dependencies are installed from uv.lock
# before the source is copied, so a change to the code rebuilds only the last layers.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never PATH=/opt/venv/bin:$PATH
# The uv version of scripts/install.
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
# The dependency layer: only the two files that decide it.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-install-project --no-cache
# The project itself, editable as in development: /app/api is the one copy that runs (and
# /ready finds alembic.ini and the migrations beside it).
COPY README.md alembic.ini ./
COPY api ./api
COPY migrations ./migrations
RUN uv sync --locked --no-cache
# Never root: the process owns nothing it could rewrite, not even its own code.
RUN useradd --create-home --uid 10001 clinic
USER clinic
EXPOSE 8000
CMD ["sh", "-c", "alembic upgrade head && uvicorn api.main:app --host 0.0.0.0 --port 8000 --proxy-headers"]
