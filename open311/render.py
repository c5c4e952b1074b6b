"""Answers in the spec's two formats, and its error body.

JSON follows the spec's mapping of the XML (the "Spark convention"): a list of objects for
``<services><service>…``, an object for a single root such as ``<discovery>``. XML is
UTF-8 with its declaration, no namespace; ``None`` is an empty element, booleans are
``true``/``false``; nested lists take the singular of their name (``formats`` →
``format``). Errors are ``[{"code": 400, "description": "…"}]`` /
``<errors><error><code>400</code><description>…</description></error></errors>``, with the
same HTTP status.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from django.http import HttpResponse
from lxml import etree

JSON, XML = "json", "xml"
CONTENT_TYPES = {
    JSON: "application/json; charset=utf-8",
    XML: "text/xml; charset=utf-8",
}
# The element of each item of a nested list, by the list's name.
ITEM_OF = {
    "formats": "format",
    "endpoints": "endpoint",
    "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/FFFF).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """A request refused with an HTTP status and a description for the error body."""

    def __init__(self, status: int, description: str, *, headers: dict | None = None):
        super().__init__(description)
        self.status = status
        self.description = str(description)
        self.headers = headers or {}


def clean_text(text: str) -> str:
    """Return ``text`` without the characters XML cannot carry."""
    return NOT_XML.sub("", text)


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return clean_text(str(value))


def _fill(element, value, name: str) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _fill(etree.SubElement(element, key), inner, key)
    elif isinstance(value, list | tuple):
        item = ITEM_OF.get(name, "item")
        for inner in value:
            _fill(etree.SubElement(element, item), inner, item)
    else:
        text = _scalar(value)
        if text:
            element.text = text


XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'


def _xml_bytes(root) -> bytes:
    """Return the document with its declaration written as the spec's examples write it."""
    return XML_DECLARATION + etree.tostring(root, encoding="utf-8", pretty_print=True)


def _json_ready(value):
    if isinstance(value, Mapping):
        return {key: _json_ready(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(inner) for inner in value]
    if isinstance(value, str):
        return clean_text(value)
    return value


def _response(fmt: str, body: bytes, status: int, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    # What a key reads is the client's: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


def listing(fmt: str, root: str, item: str, rows: Iterable[Mapping], status: int = 200):
    """Answer a list: ``<root><item>…</item>…</root>`` or a JSON array."""
    rows = list(rows)
    if fmt == JSON:
        body = json.dumps(_json_ready(rows), ensure_ascii=False).encode()
        return _response(fmt, body, status)
    element = etree.Element(root)
    for row in rows:
        _fill(etree.SubElement(element, item), row, item)
    return _response(fmt, _xml_bytes(element), status)


def single(fmt: str, root: str, row: Mapping, status: int = 200):
    """Answer one object: ``<root>…</root>`` or a JSON object."""
    if fmt == JSON:
        body = json.dumps(_json_ready(row), ensure_ascii=False).encode()
        return _response(fmt, body, status)
    element = etree.Element(root)
    _fill(element, row, root)
    return _response(fmt, _xml_bytes(element), status)


def error(fmt: str, status: int, description: str, headers: dict | None = None):
    """Answer the spec's error body with HTTP ``status``."""
    rows = [{"code": status, "description": str(description)}]
    if fmt == JSON:
        body = json.dumps(_json_ready(rows), ensure_ascii=False).encode()
    else:
        element = etree.Element("errors")
        for row in rows:
            _fill(etree.SubElement(element, "error"), row, "error")
        body = _xml_bytes(element)
    return _response(fmt, body, status, headers)
