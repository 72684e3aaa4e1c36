"""A local, strict Telegram Bot API server for end-to-end tests and benchmarks.

It speaks HTTP/1.1 on 127.0.0.1 with asyncio streams (no dependency), implements the methods
the bot uses, and is as strict as Telegram where it matters: HTML that Telegram would refuse
(unsupported or unbalanced tags, a bare ``<``, ``>`` or ``&``), texts over 4 096 UTF-16 units
after entity parsing, ``callback_data`` over 64 bytes, invalid command names, unknown chats
(« chat not found »), edits that change nothing, callback queries answered twice.

Test vocabulary, in the spirit of aiogram's ``MockedBot`` and errbot's test backend::

    api.push_message(chat_id, "bonjour")           # a user writes
    reply = await api.pop_message(chat_id)          # what the bot sent (waits, with a timeout)
    query_id = api.push_callback(chat_id, reply.message_id, reply.data("👍"))
    await api.wait_answered(query_id)

Every wait has a timeout; :meth:`FakeBotApi.ready` waits for the bot's first ``getUpdates``.
:class:`Faults` makes a share of the bot's sends fail (429 with ``retry_after``, 502, or a
dropped connection *after* the message was delivered — Telegram's ambiguous timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import email.parser
import email.policy
import html
import itertools
import json
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "123456:TEST-token-for-the-fake-server"
BOT_USERNAME = "tiers_lieux_test_bot"
MAX_TEXT_UNITS = 4096
MAX_CAPTION_UNITS = 1024
SEND_METHODS = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup",
                          "sendDocument", "answerCallbackQuery", "sendChatAction"})
_HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
              "a", "code", "pre", "blockquote", "tg-emoji"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice",
                 "upload_voice", "upload_document", "choose_sticker", "find_location",
                 "record_video_note", "upload_video_note"}
_DROP = object()
# The connection a request came on (numbered from 1 in the order they were opened): every
# bot process opens its own, so a message tells which process sent it.
_CONNECTION: contextvars.ContextVar[int] = contextvars.ContextVar("connection", default=0)


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# ----------------------------------------------------------------------------- HTML


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Telegram's HTML parse mode: the plain text and its entities, or ``ApiError``."""
    out: list[str] = []
    entities: list[dict] = []
    stack: list[tuple[str, int, dict]] = []  # (tag, start offset in UTF-16, attributes)
    units = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            end = text.find(">", i)
            if end < 0:
                raise bad_request(f"can't parse entities: Unclosed start tag at byte offset {i}")
            raw = text[i + 1:end]
            closing = raw.startswith("/")
            match = re.match(r"\s*/?\s*([A-Za-z][A-Za-z0-9-]*)(.*)$", raw, re.S)
            if not match:
                raise bad_request(f"can't parse entities: Unsupported start tag at byte offset {i}")
            name, rest = match.group(1).lower(), match.group(2)
            if closing:
                if not stack or stack[-1][0] != name:
                    expected = f'"</{stack[-1][0]}>"' if stack else "nothing"
                    raise bad_request(f"can't parse entities: Unmatched end tag at byte offset "
                                      f"{i}, expected {expected}, found \"</{name}>\"")
                tag, start, attrs = stack.pop()
                if units > start:
                    entities.append(_entity(tag, start, units - start, attrs))
            else:
                if name not in _HTML_TAGS:
                    raise bad_request(f'can\'t parse entities: Unsupported start tag "{name}" '
                                      f"at byte offset {i}")
                attrs = dict(re.findall(r'([a-z-]+)\s*=\s*"([^"]*)"', rest))
                if name == "a" and not re.match(r"^(https?://|tg://|mailto:)", attrs.get("href", "")):
                    raise bad_request("can't parse entities: invalid URL in a href")
                stack.append((name, units, {k: html.unescape(v) for k, v in attrs.items()}))
            i = end + 1
            continue
        if ch == "&":
            match = re.match(r"&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z]+);", text[i:])
            if not match:
                raise bad_request(f"can't parse entities: Character entity expected at byte "
                                  f"offset {i}")
            ref = match.group(1)
            if ref.startswith("#x"):
                char = chr(int(ref[2:], 16))
            elif ref.startswith("#"):
                char = chr(int(ref[1:]))
            elif ref in _NAMED_ENTITIES:
                char = _NAMED_ENTITIES[ref]
            else:
                raise bad_request(f"can't parse entities: Unsupported HTML entity \"&{ref};\"")
            out.append(char)
            units += utf16_len(char)
            i += len(match.group(0))
            continue
        if ch == ">":
            raise bad_request(f"can't parse entities: Character '>' is reserved at offset {i}")
        out.append(ch)
        units += utf16_len(ch)
        i += 1
    if stack:
        raise bad_request(f"can't parse entities: Can't find end tag corresponding to start "
                          f'tag "{stack[-1][0]}"')
    return "".join(out), entities


def _entity(tag: str, offset: int, length: int, attrs: dict) -> dict:
    kind = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
            "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
            "del": "strikethrough", "code": "code", "pre": "pre", "blockquote": "blockquote",
            "tg-spoiler": "spoiler", "span": "spoiler", "tg-emoji": "custom_emoji"}.get(tag)
    if tag == "a":
        return {"type": "text_link", "offset": offset, "length": length, "url": attrs["href"]}
    return {"type": kind, "offset": offset, "length": length}


def auto_entities(text: str) -> list[dict]:
    """The entities Telegram attaches to a user's message: commands and mentions."""
    found = []
    for match in re.finditer(r"(?<![\w/@])(/[A-Za-z0-9_]{1,32}(?:@\w+)?|@\w{3,})", text):
        kind = "bot_command" if match.group(0).startswith("/") else "mention"
        found.append({"type": kind, "offset": utf16_len(text[:match.start()]),
                      "length": utf16_len(match.group(0))})
    return found


# ----------------------------------------------------------------------------- records


@dataclass
class SentMessage:
    """Something the bot sent (or the current state of a message it edited)."""

    chat_id: int
    message_id: int
    text: str  # as the user sees it (entities parsed)
    raw: str  # as the bot sent it
    parse_mode: str | None = None
    reply_markup: dict | None = None
    entities: list[dict] = field(default_factory=list)
    document: bytes | None = None
    filename: str | None = None
    reply_to: int | None = None
    connection: int = 0  # the connection it came on (see FakeBotApi.connections)

    @property
    def buttons(self) -> list[dict]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [b["text"] for b in self.buttons]

    def data(self, label: str) -> str:
        """The callback data of the first button whose text contains ``label``."""
        for button in self.buttons:
            if label in button["text"] and "callback_data" in button:
                return button["callback_data"]
        raise AssertionError(f"no button containing {label!r} in {self.button_texts}")

    @property
    def links(self) -> list[str]:
        return [e["url"] for e in self.entities if e["type"] == "text_link"]


@dataclass
class Faults:
    """Make a share of the bot's sends fail, deterministically (seeded)."""

    rate: float = 0.2
    kinds: tuple[str, ...] = ("429", "502")
    retry_after: int = 1
    methods: frozenset[str] = SEND_METHODS
    seed: int = 1234
    injected: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def pick(self, method: str) -> str | None:
        if method not in self.methods or self._random.random() >= self.rate:
            return None
        kind = self._random.choice(self.kinds)
        self.injected[kind] += 1
        return kind


# ----------------------------------------------------------------------------- the server


class FakeBotApi:
    """The fake server; every method must run on the event loop that called :meth:`start`."""

    def __init__(self, token: str = TOKEN, username: str = BOT_USERNAME) -> None:
        self.token = token
        self.bot_user = {"id": int(token.split(":")[0]), "is_bot": True,
                         "first_name": "Tiers-lieux 92", "username": username,
                         "can_join_groups": True, "can_read_all_group_messages": False,
                         "supports_inline_queries": False}
        self.faults: Faults | None = None
        self.delays: dict[str, float] = {}  # method → seconds before it is handled
        self.chats: dict[int, dict] = {}
        self.messages: dict[tuple[int, int], dict] = {}
        self.requests: Counter[str] = Counter()
        self.commands: dict[str, list[dict]] = {}
        self.allowed_updates: list[str] | None = None  # as asked by the last getUpdates
        self.chat_actions: list[tuple[int, str]] = []
        self.callback_answers: dict[str, dict] = {}
        self.get_updates_calls = 0
        self.files: dict[str, bytes] = {}  # file_id → content, for getFile and downloads
        self.downloads: list[str] = []  # file ids the bot downloaded
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1))
        self._callback_ids = itertools.count(1)
        self._sent: dict[int, asyncio.Queue[SentMessage]] = defaultdict(asyncio.Queue)
        self._edits: dict[int, asyncio.Queue[SentMessage]] = defaultdict(asyncio.Queue)
        self._new_update = asyncio.Event()
        self._polled = asyncio.Event()
        self._answered = asyncio.Condition()
        self._seen = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()
        self.connections = 0  # connections opened so far
        self._closing = False
        self.port = 0

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeBotApi:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self._closing = True
        self._new_update.set()
        if self._server is not None:
            self._server.close()
        for writer in list(self._connections):
            writer.close()
        for writer in list(self._connections):
            with contextlib.suppress(Exception):
                await writer.wait_closed()
        if self._server is not None:
            await self._server.wait_closed()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def ready(self, timeout: float = 10) -> None:
        """Wait until the bot polls (its first ``getUpdates``): the start-up round trip."""
        try:
            await asyncio.wait_for(self._polled.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"the bot did not poll within {timeout} s") from None

    # ------------------------------------------------------------------ test helpers: input

    def user(self, user_id: int, first_name: str = "Camille") -> dict:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "fr"}

    def chat(self, chat_id: int, chat_type: str = "private") -> dict:
        chat = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Camille"
        else:
            chat["title"] = "Groupe de test"
        self.chats[chat_id] = chat
        return chat

    def push_update(self, update: dict) -> dict:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._new_update.set()
        return update

    def _user_message(self, chat_id: int, user_id: int | None, chat_type: str,
                      **fields: Any) -> dict:
        user_id = user_id or chat_id
        message = {"message_id": next(self._message_ids[chat_id]), "date": int(time.time()),
                   "chat": self.chat(chat_id, chat_type), "from": self.user(user_id), **fields}
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def push_message(self, chat_id: int, text: str | None = None, *, user_id: int | None = None,
                     chat_type: str = "private", reply_to: int | None = None,
                     **fields: Any) -> dict:
        """A user sends a message (text, or any other ``fields``: sticker, location…)."""
        if text is not None:
            fields["text"] = text
            entities = auto_entities(text)
            if entities:
                fields["entities"] = entities
        if reply_to is not None:
            fields["reply_to_message"] = self.messages[(chat_id, reply_to)]
        message = self._user_message(chat_id, user_id, chat_type, **fields)
        self.push_update({"message": message})
        return message

    def push_edited(self, chat_id: int, message_id: int, text: str) -> dict:
        message = dict(self.messages[(chat_id, message_id)], text=text,
                       edit_date=int(time.time()))
        self.push_update({"edited_message": message})
        return message

    def push_sticker(self, chat_id: int) -> dict:
        return self.push_message(chat_id, sticker={
            "file_id": "sticker1", "file_unique_id": "s1", "type": "regular", "width": 512,
            "height": 512, "is_animated": False, "is_video": False, "emoji": "😀"})

    def push_photo(self, chat_id: int) -> dict:
        return self.push_message(chat_id, photo=[{"file_id": "p1", "file_unique_id": "p1",
                                                  "width": 90, "height": 90}])

    def push_voice(self, chat_id: int) -> dict:
        return self.push_message(chat_id, voice={"file_id": "v1", "file_unique_id": "v1",
                                                 "duration": 3})

    def push_document(self, chat_id: int) -> dict:
        return self.push_message(chat_id, document={"file_id": "d1", "file_unique_id": "d1",
                                                    "file_name": "cv.pdf"})

    def push_file(self, chat_id: int, content: bytes, file_name: str, *,
                  user_id: int | None = None, chat_type: str = "private") -> dict:
        """A user sends a document the bot can fetch with ``getFile`` and download."""
        file_id = f"file{len(self.files) + 1}"
        self.files[file_id] = content
        return self.push_message(chat_id, user_id=user_id, chat_type=chat_type, document={
            "file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name,
            "file_size": len(content)})

    def push_location(self, chat_id: int, latitude: float, longitude: float) -> dict:
        return self.push_message(chat_id, location={"latitude": latitude,
                                                    "longitude": longitude})

    def push_callback(self, chat_id: int, message_id: int, data: str, *,
                      user_id: int | None = None) -> str:
        """A user presses an inline button of a message the bot sent; returns the query id."""
        message = self.messages[(chat_id, message_id)]
        query_id = str(next(self._callback_ids))
        self.push_update({"callback_query": {
            "id": query_id, "from": self.user(user_id or chat_id), "message": message,
            "chat_instance": f"ci{chat_id}", "data": data}})
        return query_id

    # ------------------------------------------------------------------ test helpers: output

    async def pop_message(self, chat_id: int, timeout: float = 5) -> SentMessage:
        """The next message the bot sent to ``chat_id`` (AssertionError after ``timeout``)."""
        try:
            return await asyncio.wait_for(self._sent[chat_id].get(), timeout)
        except TimeoutError:
            raise AssertionError(f"no message to chat {chat_id} within {timeout} s") from None

    async def pop_edit(self, chat_id: int, timeout: float = 5) -> SentMessage:
        try:
            return await asyncio.wait_for(self._edits[chat_id].get(), timeout)
        except TimeoutError:
            raise AssertionError(f"no edit in chat {chat_id} within {timeout} s") from None

    def pending(self, chat_id: int) -> int:
        """How many sent messages to ``chat_id`` have not been popped."""
        return self._sent[chat_id].qsize()

    async def wait_answered(self, query_id: str, timeout: float = 5) -> dict:
        """The bot's ``answerCallbackQuery`` for ``query_id``."""
        async with self._answered:
            try:
                await asyncio.wait_for(
                    self._answered.wait_for(lambda: query_id in self.callback_answers), timeout)
            except TimeoutError:
                raise AssertionError(f"callback query {query_id} not answered "
                                     f"within {timeout} s") from None
        return self.callback_answers[query_id]

    async def wait_request(self, method: str, count: int = 1, timeout: float = 5) -> None:
        """Wait until the bot has called ``method`` ``count`` times (answered or not)."""
        async with self._seen:
            try:
                await asyncio.wait_for(
                    self._seen.wait_for(lambda: self.requests[method] >= count), timeout)
            except TimeoutError:
                raise AssertionError(f"{method} not called {count} time(s) "
                                     f"within {timeout} s") from None

    # ------------------------------------------------------------------ HTTP

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        self.connections += 1
        _CONNECTION.set(self.connections)  # this connection's task only
        try:
            while not self._closing:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    break
                lines = head.decode("latin-1").split("\r\n")
                _, target, _ = lines[0].split(" ", 2)
                headers = {k.strip().lower(): v.strip()
                           for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)}
                body = await self._read_body(reader, headers)
                if target.startswith("/file/"):
                    status, content = self._download(target)
                    writer.write(
                        f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
                        f"Content-Type: application/octet-stream\r\n"
                        f"Content-Length: {len(content)}\r\nConnection: keep-alive\r\n\r\n"
                        .encode() + content)
                    await writer.drain()
                    continue
                status, payload = await self._dispatch(target, headers, body)
                if payload is _DROP:
                    break
                data = json.dumps(payload).encode()
                writer.write(
                    f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
                    "Connection: keep-alive\r\n\r\n".encode() + data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError, asyncio.IncompleteReadError):
            # A client killed mid-request (kill -9 tests) leaves a body half-sent.
            pass
        finally:
            self._connections.discard(writer)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _download(self, target: str) -> tuple[int, bytes]:
        """``/file/bot<token>/<file_path>``: a file's bytes, as Telegram serves them."""
        match = re.match(r"^/file/bot([^/]+)/documents/(\w+)$", unquote(urlsplit(target).path))
        if not match or match.group(1) != self.token:
            return 401, b"Unauthorized"
        if match.group(2) not in self.files:
            return 404, b"Not Found"
        self.downloads.append(match.group(2))
        return 200, self.files[match.group(2)]

    async def _read_body(self, reader: asyncio.StreamReader, headers: dict) -> bytes:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readline()).strip() or b"0", 16)
                chunk = await reader.readexactly(size + 2)
                if not size:
                    return b"".join(chunks)
                chunks.append(chunk[:-2])
        length = int(headers.get("content-length") or 0)
        return await reader.readexactly(length) if length else b""

    async def _dispatch(self, target: str, headers: dict, body: bytes) -> tuple[int, Any]:
        url = urlsplit(target)
        match = re.match(r"^/bot([^/]+)/(\w+)$", url.path)
        if not match or match.group(1) != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = match.group(2)
        async with self._seen:
            self.requests[method] += 1
            self._seen.notify_all()
        if method in self.delays:
            await asyncio.sleep(self.delays[method])
        params = self._params(headers.get("content-type", ""), body, url.query)
        fault = self.faults.pick(method) if self.faults else None
        if fault == "429":
            return 429, {"ok": False, "error_code": 429,
                         "description": f"Too Many Requests: retry after {self.faults.retry_after}",
                         "parameters": {"retry_after": self.faults.retry_after}}
        if fault == "502":
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            result = await handler(params)
        except ApiError as exc:
            payload = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                payload["parameters"] = exc.parameters
            return exc.code, payload
        if fault == "drop":  # delivered, but the bot never hears back
            return 0, _DROP
        return 200, {"ok": True, "result": result}

    @staticmethod
    def _params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
        params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
        if content_type.startswith("application/json") and body:
            params.update(json.loads(body))
        elif content_type.startswith("application/x-www-form-urlencoded") and body:
            params.update({k: v[-1] for k, v in
                           parse_qs(body.decode(), keep_blank_values=True).items()})
        elif content_type.startswith("multipart/form-data"):
            parser = email.parser.BytesParser(policy=email.policy.HTTP)
            message = parser.parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True)
                if part.get_filename():
                    params[name] = {"filename": part.get_filename(), "content": payload}
                else:
                    params[name] = payload.decode()
        return params

    # ------------------------------------------------------------------ validation

    def _chat_id(self, params: dict) -> int:
        try:
            chat_id = int(params["chat_id"])
        except (KeyError, ValueError):
            raise bad_request("chat_id is empty") from None
        if chat_id not in self.chats:
            raise bad_request("chat not found")
        return chat_id

    @staticmethod
    def _object(value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def _markup(self, params: dict) -> dict | None:
        markup = self._object(params.get("reply_markup"))
        if not markup:
            return None
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise bad_request("BUTTON_TEXT_EMPTY")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
                url = button.get("url")
                if url is not None and not re.match(r"^(https?|tg)://", url):
                    raise bad_request("BUTTON_URL_INVALID")
                if data is None and url is None:
                    raise bad_request("can't find field \"callback_data\" or \"url\"")
        return markup

    @staticmethod
    def _text(params: dict, key: str = "text", limit: int = MAX_TEXT_UNITS,
              required: bool = True) -> tuple[str, str, list[dict]]:
        raw = params.get(key)
        if raw is None:
            if required:
                raise bad_request("message text is empty")
            return "", "", []
        mode = (params.get("parse_mode") or "").upper()
        text, entities = parse_html(raw) if mode == "HTML" else (raw, [])
        if required and not text.strip():
            raise bad_request("message text is empty")
        if utf16_len(text) > limit:
            raise bad_request("message is too long" if key == "text" else
                              "message caption is too long")
        return raw, text, entities

    def _bot_message(self, chat_id: int, **fields: Any) -> dict:
        message = {"message_id": next(self._message_ids[chat_id]), "date": int(time.time()),
                   "chat": self.chats[chat_id], "from": self.bot_user, **fields}
        self.messages[(chat_id, message["message_id"])] = message
        return message

    @staticmethod
    def _reply_to(params: dict) -> int | None:
        reply = FakeBotApi._object(params.get("reply_parameters"))
        return int(reply["message_id"]) if reply else None

    # ------------------------------------------------------------------ methods

    async def api_getMe(self, params: dict) -> dict:
        return self.bot_user

    async def api_deleteWebhook(self, params: dict) -> bool:
        return True

    async def api_setWebhook(self, params: dict) -> bool:
        return True

    async def api_close(self, params: dict) -> bool:
        return True

    async def api_getUpdates(self, params: dict) -> list[dict]:
        self.get_updates_calls += 1
        self.allowed_updates = self._object(params.get("allowed_updates"))
        self._polled.set()
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self._updates and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), remaining)
        return self._updates[:limit]

    async def api_sendMessage(self, params: dict) -> dict:
        chat_id = self._chat_id(params)
        raw, text, entities = self._text(params)
        markup = self._markup(params)
        fields: dict[str, Any] = {"text": text}
        if entities:
            fields["entities"] = entities
        if markup and "inline_keyboard" in markup:
            fields["reply_markup"] = markup
        message = self._bot_message(chat_id, **fields)
        self._sent[chat_id].put_nowait(SentMessage(
            chat_id, message["message_id"], text, raw, params.get("parse_mode"), markup,
            entities, reply_to=self._reply_to(params), connection=_CONNECTION.get()))
        return message

    async def api_sendDocument(self, params: dict) -> dict:
        chat_id = self._chat_id(params)
        document = params.get("document")
        if not isinstance(document, dict):
            raise bad_request("there is no document in the request")
        raw, caption, entities = self._text(params, "caption", MAX_CAPTION_UNITS, required=False)
        message = self._bot_message(chat_id, caption=caption, document={
            "file_id": f"doc{chat_id}", "file_unique_id": f"doc{chat_id}",
            "file_name": document["filename"]})
        self._sent[chat_id].put_nowait(SentMessage(
            chat_id, message["message_id"], caption, raw, params.get("parse_mode"), None,
            entities, document=document["content"], filename=document["filename"],
            connection=_CONNECTION.get()))
        return message

    async def api_getFile(self, params: dict) -> dict:
        file_id = params.get("file_id") or ""
        if file_id not in self.files:
            raise bad_request("invalid file_id")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                "file_size": len(self.files[file_id]), "file_path": f"documents/{file_id}"}

    def _own_message(self, params: dict) -> tuple[int, dict]:
        chat_id = self._chat_id(params)
        message = self.messages.get((chat_id, int(params.get("message_id") or 0)))
        if message is None or message["from"]["id"] != self.bot_user["id"]:
            raise bad_request("message to edit not found")
        return chat_id, message

    async def api_editMessageText(self, params: dict) -> dict:
        chat_id, message = self._own_message(params)
        raw, text, entities = self._text(params)
        markup = self._markup(params)
        if text == message.get("text") and entities == message.get("entities", []) and (
            markup == message.get("reply_markup")
        ):
            raise bad_request("message is not modified: specified new message content and "
                              "reply markup are exactly the same as a current content and "
                              "reply markup of the message")
        message.update(text=text, entities=entities, edit_date=int(time.time()))
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        self._edits[chat_id].put_nowait(SentMessage(
            chat_id, message["message_id"], text, raw, params.get("parse_mode"), markup,
            entities))
        return message

    async def api_editMessageReplyMarkup(self, params: dict) -> dict:
        chat_id, message = self._own_message(params)
        markup = self._markup(params)
        if markup == message.get("reply_markup"):
            raise bad_request("message is not modified: specified new message content and "
                              "reply markup are exactly the same as a current content and "
                              "reply markup of the message")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        self._edits[chat_id].put_nowait(SentMessage(
            chat_id, message["message_id"], message.get("text", ""), message.get("text", ""),
            None, markup, message.get("entities", [])))
        return message

    async def api_answerCallbackQuery(self, params: dict) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id in self.callback_answers or not query_id.isdigit():
            raise bad_request("query is too old and response timeout expired or query ID is "
                              "invalid")
        text = params.get("text") or ""
        if len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        async with self._answered:
            self.callback_answers[query_id] = {"text": text,
                                               "show_alert": params.get("show_alert") in
                                               (True, "true", "True")}
            self._answered.notify_all()
        return True

    async def api_sendChatAction(self, params: dict) -> bool:
        chat_id = self._chat_id(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((chat_id, params["action"]))
        return True

    def _scope(self, params: dict) -> str:
        scope = self._object(params.get("scope")) or {"type": "default"}
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            chat_id = int(scope["chat_id"])
            if chat_id not in self.chats:
                raise bad_request("chat not found")
            return f"chat:{chat_id}"
        return scope["type"]

    async def api_setMyCommands(self, params: dict) -> bool:
        commands = self._object(params.get("commands"))
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 commands")
        for command in commands:
            if not _COMMAND.match(command.get("command", "")):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._scope(params)] = commands
        return True

    async def api_getMyCommands(self, params: dict) -> list[dict]:
        return self.commands.get(self._scope(params), [])

    async def api_deleteMyCommands(self, params: dict) -> bool:
        self.commands.pop(self._scope(params), None)
        return True
