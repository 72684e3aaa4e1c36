# tiers-lieux-bot — the Telegram bot in a small, non-root image.
#
#   docker build -t tiers-lieux-bot .
#   docker run -d --name tiers-lieux-bot \
#     -e TELEGRAM_BOT_TOKEN=… -e TLB_HMAC_SECRET=… \
#     -v tiers-lieux-data:/data tiers-lieux-bot
#
# Secrets come from the environment only (TELEGRAM_BOT_TOKEN, TLB_HMAC_SECRET): never bake
# them into the image or a config file.
#
# The knowledge (FAQ, places, contacts…) is inside the image: a new image brings new knowledge.
# The volume /data holds everything the bot writes:
#   /data/tiers-lieux-bot.sqlite3   interactions, feedback, review queue (storage.database)
#   /data/learned.yaml              phrasings accepted by staff (knowledge.learned)
# To let staff edit the hand-written knowledge without rebuilding, mount a folder and point
# knowledge.path at it (the bot reloads it when it changes, and keeps the last good one).
#
# The default configuration is /etc/tiers-lieux-bot/config.yaml (below). To set admin ids, a
# webhook, a contact…, mount your own file and point TLB_CONFIG at it, keeping knowledge.learned
# and storage.database under /data:
#   -v ./config.yaml:/etc/tiers-lieux-bot/config.yaml:ro
#
# A polling bot has no port to probe: a job touches $TLB_HEARTBEAT_FILE every 30 s while the
# bot is fetching updates, and HEALTHCHECK fails when the file is older than 90 s.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --upgrade pip \
 && /opt/venv/bin/pip install .

FROM python:3.11-slim
RUN groupadd --system --gid 10001 bot \
 && useradd --system --uid 10001 --gid bot --home-dir /data --no-create-home bot \
 && mkdir -p /data /etc/tiers-lieux-bot \
 && chown bot:bot /data \
 && printf '%s\n' \
    '# Default configuration of the image: everything the bot writes goes to the /data volume.' \
    'telegram:' \
    '  base_url: https://api.telegram.org/bot' \
    'knowledge:' \
    '  learned: /data/learned.yaml' \
    'storage:' \
    '  database: /data/tiers-lieux-bot.sqlite3' \
    > /etc/tiers-lieux-bot/config.yaml
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PTB_TIMEDELTA=1 \
    TLB_CONFIG=/etc/tiers-lieux-bot/config.yaml \
    TLB_HEARTBEAT_FILE=/tmp/tiers-lieux-bot.heartbeat
WORKDIR /data
VOLUME ["/data"]
USER bot
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, sys, time; p = os.environ.get('TLB_HEARTBEAT_FILE', '/tmp/tiers-lieux-bot.heartbeat'); sys.exit(0 if os.path.exists(p) and time.time() - os.path.getmtime(p) < 90 else 1)"]
# Exec form: python is PID 1 and gets SIGTERM, so in-flight replies finish before it exits.
CMD ["python", "-m", "bot", "run"]
