"""Small real files (made in memory) and library objects for the media tests."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from govsites.accounts.groups import ensure_admin_users_group
from govsites.media.models import SiteDocument, SiteImage
from govsites.media.site_collections import ensure_site_collection


def png(size=(12, 8), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg(size=(12, 8)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def png_with_text_chunk(text: bytes) -> bytes:
    """A valid PNG carrying ``text`` in a tEXt chunk (how script "polyglots" hide in images)."""
    data = png()
    body = b"Comment\x00" + text
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    return data[:33] + chunk + data[33:]  # after the 8-byte signature and the 25-byte IHDR chunk


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx(**extra) -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", **extra})


def xlsx() -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def ofd() -> bytes:
    return zip_of({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"})


def ole(stream: str = "WordDocument") -> bytes:
    """An OLE2 compound file's signature and a directory entry name (enough for sniffing)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entry = (stream + "\x00").encode("utf-16-le").ljust(64, b"\x00")
    return header + b"\x00" * 512 + entry + b"\x00" * 448


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def admin_user(user):
    """Site memberships do not grant admin log-in by themselves; the tests' people may log in."""
    user.groups.add(ensure_admin_users_group())
    return user


def image(site, title="春季防汛演练现场", alt="防汛队员在河堤上搬运沙袋", data=None, name="flood.png", user=None) -> SiteImage:
    obj = SiteImage(title=title, description=alt, collection=ensure_site_collection(site), uploaded_by_user=user,
                    file=ContentFile(data or png(), name=name))
    obj._set_image_file_metadata()
    obj.save()
    return obj


def document(site, title="关于做好春季防汛工作的通知", data=PDF, name="notice.pdf", user=None, **fields) -> SiteDocument:
    obj = SiteDocument(title=title, collection=ensure_site_collection(site), uploaded_by_user=user,
                       file=ContentFile(data, name=name), **fields)
    obj._set_document_file_metadata()
    obj.save()
    return obj
