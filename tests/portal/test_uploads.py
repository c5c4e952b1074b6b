"""Documents are accepted by their content, whatever their name or declared type says."""

import io
import zipfile

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework import serializers

from portal import uploads

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def ooxml(part: str, *, content_types=True, extra=()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, "<document/>")
        for name in extra:
            archive.writestr(name, b"\x00")
    return out.getvalue()


def ole(*streams: str) -> bytes:
    directory = b"".join(name.encode("utf-16-le") + b"\x00" * 8 for name in streams)
    return uploads.OLE_MAGIC + b"\x00" * 504 + "Root Entry".encode("utf-16-le") + directory


def image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
GOOD = {
    "答复.pdf": PDF,
    "答复.docx": ooxml("word/document.xml"),
    "台账.xlsx": ooxml("xl/workbook.xml"),
    "汇报.pptx": ooxml("ppt/presentation.xml"),
    "旧答复.doc": ole("WordDocument"),
    "旧台账.xls": ole("Workbook"),
    "旧汇报.ppt": ole("PowerPoint Document"),
    "答复.wps": ole("WordDocument"),
    "现场.jpg": image("JPEG"),
    "现场.JPEG": image("JPEG"),
    "现场.png": image("PNG"),
}
BAD = {
    "x.pdf": HTML,  # the reported case: a web page named as a PDF
    "x.html": HTML,
    "x.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    "x.exe": b"MZ\x90\x00" + b"\x00" * 60,
    "no-extension": PDF,
    "x.docx": ooxml("xl/workbook.xml"),  # a spreadsheet named as a Word document
    "y.docx": ooxml("word/document.xml", content_types=False),  # a zip, not OOXML
    "z.docx": ooxml("word/document.xml", extra=["word/vbaProject.bin"]),  # macros
    "w.docx": HTML + ooxml("word/document.xml"),  # a page with a document appended
    "x.xlsx": ooxml("word/document.xml"),
    "x.pptx": b"PK\x03\x04 not really a zip",
    "x.doc": ole("Workbook"),  # an old spreadsheet named as a Word document
    "y.doc": HTML,
    "x.xls": PDF,
    "x.jpg": image("PNG"),  # the extension must agree with the content
    "y.jpg": b"\xff\xd8\xff\xe0" + HTML,  # a JPEG's first bytes, then a page
    "x.png": HTML,
    "y.png": image("PNG")[:40],  # truncated
}


def upload(name: str, data: bytes, content_type="application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize("name", GOOD)
def test_documents_a_reply_needs_are_accepted_by_content(name):
    document = uploads.check_document(upload(name, GOOD[name]))
    assert document.extension == name[name.rindex(".") :].lower()


@pytest.mark.parametrize("name", BAD)
def test_a_file_whose_content_is_not_its_extension_is_refused(name):
    with pytest.raises(ValidationError) as refused:
        uploads.check_document(upload(name, BAD[name]))
    assert refused.value.code == "document_type"


def test_the_declared_content_type_is_ignored():
    with pytest.raises(ValidationError):
        uploads.check_document(upload("x.pdf", HTML, content_type="application/pdf"))
    assert uploads.check_document(upload("x.pdf", PDF, content_type="text/html"))


def test_empty_and_oversized_files_are_refused(monkeypatch):
    with pytest.raises(ValidationError) as empty:
        uploads.check_document(upload("x.pdf", b""))
    assert empty.value.code == "document_empty"
    monkeypatch.setattr(uploads, "MAX_DOCUMENT_BYTES", len(PDF) - 1)
    with pytest.raises(ValidationError) as large:
        uploads.check_document(upload("x.pdf", PDF))
    assert large.value.code == "document_size"


def test_the_check_leaves_the_file_ready_to_store():
    file = upload("答复.pdf", PDF)
    uploads.check_document(file)
    assert file.read() == PDF


def test_the_stored_name_keeps_nothing_of_the_uploaders_name():
    document = uploads.check_document(upload("../../答复 <x>.JPEG", GOOD["现场.jpg"]))
    name = uploads.stored_name("suggestion-7-1/../", document)
    assert name.startswith("suggestion-7-1-") and name.endswith(".jpg")
    assert name.isascii() and "/" not in name and ".." not in name
    assert name != uploads.stored_name("suggestion-7-1", document)  # a random part


class AttachmentForm(forms.Form):
    attachment = forms.FileField(required=False, validators=[uploads.validate_document])


class AttachmentSerializer(serializers.Serializer):
    attachment = serializers.FileField(validators=[uploads.validate_document])


def test_a_form_shows_the_refusal_on_its_field():
    form = AttachmentForm(data={}, files={"attachment": upload("x.pdf", HTML)})
    assert not form.is_valid() and list(form.errors) == ["attachment"]
    assert AttachmentForm(data={}, files={}).is_valid()  # optional stays optional


def test_a_serializer_answers_a_field_error():
    refused = AttachmentSerializer(data={"attachment": upload("x.pdf", HTML)})
    assert not refused.is_valid() and list(refused.errors) == ["attachment"]
    accepted = AttachmentSerializer(data={"attachment": upload("答复.pdf", PDF)})
    assert accepted.is_valid(), accepted.errors
