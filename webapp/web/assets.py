"""Bytes on the wire: pages compressed, static files under names that carry their content's hash and kept by
browsers for a year.

* Static files: every `url_for('static', filename=...)` gives `name.<hash>.ext`, so a browser keeps the file
  a year (`immutable`) and a changed file arrives under a new name. The hashed name is served from memory,
  compressed once per process (brotli or gzip, whichever the browser takes); the plain name still answers,
  revalidated each time, for anything that asks by it. Written here rather than with WhiteNoise, which
  serves hashed names only once a build step has written them to disk (its hashing lives in Django's
  storage class): a Flask URL hook and a small cache do it with no step between `git pull` and `make run`.
* Pages: Flask-Compress, brotli or gzip. Not the HTML of someone signed in: a page that reflects what an
  attacker can put in a URL beside a secret (the CSRF token, personal details) leaks that secret through
  the compressed length (BREACH). Signed-out pages hold no secret worth that (the session, and with it the
  CSRF token, is replaced at sign-in), and they are nearly all the traffic: the board, search and job pages.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any

import brotli
from flask import Flask, Response, abort, current_app, request, send_from_directory, url_for
from flask_compress import Compress
from flask_login import current_user
from markupsafe import Markup

YEAR = 365 * 24 * 3600
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")
# Worth compressing: text. Images other than SVG, and fonts, are compressed already.
_COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json",
                 "text/plain"}
_COMPRESS_MIMETYPES = ["text/html", "text/css", "text/xml", "text/plain", "text/csv", "text/javascript",
                       "application/javascript", "application/json", "application/problem+json", "application/xml",
                       "application/rss+xml", "application/atom+xml", "application/ld+json", "image/svg+xml"]

compress = Compress()


@dataclass
class _StaticFile:
    digest: str
    body: bytes
    mimetype: str
    compressed: dict[str, bytes] = field(default_factory=dict)


class StaticFiles:
    """The static folder's files by name, each read and hashed once and read again only when it changes
    on disk (its size or modification time), so editing a file under `make run` shows at once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self._files: dict[str, tuple[tuple[int, int], _StaticFile]] = {}
        self._lock = threading.Lock()
        self._modules: list[str] | None = None

    def get(self, name: str) -> _StaticFile | None:
        # One stat a call (every url_for('static') on every page asks): normpath, not resolve(), which
        # would lstat each folder on the way; the folder holds no links to follow.
        path = os.path.normpath(os.path.join(self.folder, name))
        if not path.startswith(f"{self.folder}{os.sep}"):
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if not S_ISREG(stat.st_mode):
            return None
        key = (stat.st_size, stat.st_mtime_ns)
        known = self._files.get(name)
        if known is None or known[0] != key:
            body = Path(path).read_bytes()
            mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            known = (key, _StaticFile(hashlib.sha256(body).hexdigest()[:12], body, mimetype))
            self._files[name] = known
        return known[1]

    def modules(self) -> list[str]:
        """The JavaScript modules' names, listed once per process (not a walk of the folder on every page):
        a new file arrives with a deploy, which starts new processes. Each one's hash still follows edits."""
        if self._modules is None:
            self._modules = sorted(str(p.relative_to(self.folder)) for p in self.folder.rglob("*.js")
                                   if "swagger-ui" not in p.parts)
        return self._modules

    def hashed_name(self, name: str) -> str:
        found = self.get(name)
        if found is None:
            return name
        stem, dot, suffix = name.rpartition(".")
        return f"{stem}.{found.digest}.{suffix}" if dot else f"{name}.{found.digest}"

    def encoded(self, file: _StaticFile, encoding: str) -> bytes:
        """The file compressed for ``encoding``, made once (brotli 9: nearly brotli 11's size at a tenth
        of its time, which for the 1.7 MB API docs bundle is a second rather than half a minute)."""
        if encoding not in file.compressed:
            with self._lock:
                if encoding not in file.compressed:
                    file.compressed[encoding] = (brotli.compress(file.body, quality=9) if encoding == "br"
                                                 else gzip.compress(file.body, compresslevel=9, mtime=0))
        return file.compressed[encoding]


def _accepted_encoding(file: _StaticFile) -> str | None:
    if file.mimetype not in _COMPRESSIBLE or len(file.body) < 500:
        return None
    accepted = request.accept_encodings
    return next((e for e in ("br", "gzip") if accepted[e]), None)


def serve_static(filename: str) -> Response:
    """Flask's static route, taking hashed names: those are kept a year; the plain names revalidate."""
    files: StaticFiles = current_app.extensions["cswjobs_static"]
    hashed = _HASHED.match(filename)
    file = files.get(f"{hashed['stem']}{hashed['suffix']}") if hashed else None
    if file is None:
        hashed, file = None, files.get(filename)
    if file is None:
        abort(404)
    if hashed is None or hashed["digest"] != file.digest:
        # The plain name, or an old hash asked for by a page made before a deploy: the current file, but
        # revalidated every time rather than kept under that name.
        name = f"{hashed['stem']}{hashed['suffix']}" if hashed else filename
        return send_from_directory(files.folder, name, max_age=0)
    encoding = _accepted_encoding(file)
    response = Response(files.encoded(file, encoding) if encoding else file.body, mimetype=file.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    response.cache_control.immutable = True
    response.set_etag(f"{file.digest}-{encoding or 'identity'}")
    return response.make_conditional(request)


def import_map() -> Markup:
    """A page's import map (<script type="importmap">): each JavaScript module's plain address, as another
    module's `import "./x.js"` resolves it, to its hashed one, so a module imported by another is fetched
    once, under the name kept a year, not a second time under the plain name."""
    files: StaticFiles = current_app.extensions["cswjobs_static"]
    plain = f"{request.script_root}{current_app.static_url_path}/"
    imports = {plain + name: url_for("static", filename=name) for name in files.modules()}
    # JSON inside <script>: "</" escaped so no value can end the element.
    return Markup(json.dumps({"imports": imports}, sort_keys=True).replace("</", "<\\/"))


def _hash_static_names(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "static" and "filename" in values:
        values["filename"] = current_app.extensions["cswjobs_static"].hashed_name(values["filename"])


def _compress_unless_signed_in(response: Response) -> Response:
    if response.mimetype == "text/html" and current_user and current_user.is_authenticated:
        response.vary.add("Accept-Encoding")  # the same URL is compressed for someone signed out
        return response
    return compress.after_request(response)


def init_app(app: Flask) -> None:
    """Call before any other extension registers an after_request: Flask runs them last-registered first,
    so compressing comes after every other change to the response."""
    app.extensions["cswjobs_static"] = StaticFiles(Path(app.static_folder or "static"))
    app.url_defaults(_hash_static_names)
    app.view_functions["static"] = serve_static
    app.jinja_env.globals["static_import_map"] = import_map
    app.config.setdefault("COMPRESS_MIMETYPES", _COMPRESS_MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_REGISTER", False)  # registered below, with the signed-in rule
    compress.init_app(app)
    app.after_request(_compress_unless_signed_in)
