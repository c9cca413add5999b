"""Upload checks for images and documents: names, sizes, and that the bytes are what the name says.

Why hand-written magic-byte checks rather than a library: the formats a government site accepts
are few and their signatures are fixed (PDF header, OLE2 compound file, the ZIP container and the
member names that make it a DOCX / XLSX / OFD), while the libraries at hand either need the C
``libmagic`` (python-magic: a system package on every server) or do not know the Chinese formats
(``filetype``, only present as a transitive dependency of Willow, has no OFD / WPS / ET and would
accept any ZIP as "zip"). Images are decoded by Willow/Pillow in Wagtail's own field first; here we
only add what it leaves open (markup inside an image, tricky names).

Every refusal is a ``ValidationError`` with a Chinese message; nothing is stored before the form
is valid, so a refused upload leaves no row and no file.
"""

from __future__ import annotations

import codecs
import os
import posixpath
import re
import struct
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

#: What each allowed document extension must contain (see ``sniff_document``).
DOCUMENT_FORMATS = {
    "pdf": "pdf",
    "ofd": "ofd",
    "doc": "ole_word",
    "wps": "ole",
    "xls": "ole_excel",
    "et": "ole",
    "docx": "docx",
    "xlsx": "xlsx",
    "zip": "zip",
    "txt": "text",
    "csv": "text",
}
DEFAULT_DOCUMENT_EXTENSIONS = list(DOCUMENT_FORMATS)
FORMAT_LABELS = {
    "pdf": "PDF", "ofd": "OFD", "doc": "Word", "docx": "Word", "wps": "WPS文字", "xls": "Excel",
    "xlsx": "Excel", "et": "WPS表格", "zip": "ZIP压缩包", "txt": "文本", "csv": "CSV表格",
}
DEFAULT_DOCUMENT_MAX_SIZE = 50 * 1024 * 1024
FILENAME_MAX_LENGTH = 120

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty archive
# Markup a browser would run. Looked for (case-insensitively) inside images and at the start of text.
MARKUP_MARKERS = (b"<script", b"<html", b"<svg", b"<!doctype html", b"<iframe", b"<body", b"<object", b"<embed")
# Members a ZIP attachment may not carry: programs and scripts that run when opened.
RUNNABLE_EXTENSIONS = {
    "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "dll", "cpl", "sys", "vbs", "vbe", "js", "jse",
    "wsf", "wsh", "ps1", "psm1", "hta", "lnk", "jar", "sh", "apk", "reg", "html", "htm", "svg", "xhtml",
}
CHUNK = 1024 * 1024


# -- names and sizes -------------------------------------------------------------------------------


def check_filename(name: str) -> str:
    """The base name of an upload, refused if it plays tricks: path parts, control or direction
    characters (``报告\u202efdp.exe`` shows as ``报告exe.pdf``), hidden or extension-only names."""
    name = name or ""
    if "/" in name or "\\" in name or "\x00" in name or name in {".", ".."} or ".." in name.split("."):
        raise ValidationError(_("文件名不能包含路径（“/”“\\”“..”），请重命名后上传。"), code="bad_filename")
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name):
        raise ValidationError(_("文件名含有不可见的控制字符或方向字符，请重命名后上传。"), code="bad_filename")
    stem = os.path.splitext(name)[0]
    if not stem.strip(" .") or name.startswith("."):
        raise ValidationError(_("文件名不能以“.”开头，也不能只有扩展名，请重命名后上传。"), code="bad_filename")
    if name != name.strip() or name.endswith("."):
        raise ValidationError(_("文件名首尾不能是空格或“.”，请重命名后上传。"), code="bad_filename")
    if len(name) > FILENAME_MAX_LENGTH:
        raise ValidationError(
            _("文件名过长（%(length)d个字符），不能超过%(max)d个字符。") % {"length": len(name), "max": FILENAME_MAX_LENGTH},
            code="bad_filename",
        )
    return name


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1][1:].lower()


def document_extensions() -> list[str]:
    return [e.lower() for e in getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or DEFAULT_DOCUMENT_EXTENSIONS]


def check_document_extension(name: str) -> str:
    extension = extension_of(name)
    allowed = [e for e in document_extensions() if e in DOCUMENT_FORMATS]
    if extension not in allowed:
        raise ValidationError(
            _("不支持上传“.%(extension)s”文件。允许的文件类型：%(allowed)s。")
            % {"extension": extension or _("无扩展名"), "allowed": "、".join(allowed)},
            code="bad_extension",
        )
    return extension


def document_max_size() -> int:
    return getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None) or DEFAULT_DOCUMENT_MAX_SIZE


def check_size(f, limit: int) -> None:
    size = getattr(f, "size", None)
    if not size:
        raise ValidationError(_("文件是空的，请检查后重新上传。"), code="empty")
    if size > limit:
        raise ValidationError(
            _("文件过大（%(size)s），不能超过%(max)s。") % {"size": filesizeformat(size), "max": filesizeformat(limit)},
            code="file_too_large",
        )


# -- reading ---------------------------------------------------------------------------------------


def _head(f, length: int = 8192) -> bytes:
    f.seek(0)
    data = f.read(length)
    f.seek(0)
    return data


def _contains_any(f, needles: tuple[bytes, ...], *, lower: bool = True) -> bool:
    """Whether any of ``needles`` occurs anywhere in ``f`` (read in chunks, overlapping)."""
    keep = max(len(n) for n in needles) - 1
    tail = b""
    f.seek(0)
    try:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                return False
            window = tail + chunk
            if lower:
                window = window.lower()
            if any(n in window for n in needles):
                return True
            tail = window[-keep:]
    finally:
        f.seek(0)


def _looks_like_markup(head: bytes) -> bool:
    """Starts like a tag (``<html``, ``<!DOCTYPE``, ``<?xml``…) or contains one a browser runs."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return bool(re.match(rb"<[a-z!?/]", text)) or any(m in text for m in MARKUP_MARKERS)


# -- images ----------------------------------------------------------------------------------------


def validate_image_upload(f) -> None:
    """On top of Wagtail's field (extension allow-list without SVG, Willow decodes the bytes and
    the format matches the extension, size and pixel limits): a clean name and no markup inside."""
    check_filename(getattr(f, "name", ""))
    if _contains_any(f, MARKUP_MARKERS):
        raise ValidationError(
            _("图片文件中含有网页或脚本代码，存在安全风险，不能上传。请用图片软件重新导出为JPG或PNG后上传。"),
            code="markup_in_image",
        )


# -- documents -------------------------------------------------------------------------------------


def _not_what_it_says(extension: str) -> ValidationError:
    return ValidationError(
        _("文件内容与扩展名“.%(extension)s”不符（可能是改了扩展名的其他文件），不能上传。请上传原始的%(label)s文件。")
        % {"extension": extension, "label": FORMAT_LABELS.get(extension, extension.upper())},
        code="content_mismatch",
    )


def _zip_names(f) -> list[str] | None:
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError):
        return None
    finally:
        f.seek(0)


def _check_zip_members(names: list[str]) -> None:
    for name in names:
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
            raise ValidationError(
                _("压缩包中的“%(name)s”带有路径跳转，不能上传。") % {"name": name}, code="zip_path"
            )
        if extension_of(posixpath.basename(name.replace("\\", "/"))) in RUNNABLE_EXTENSIONS:
            raise ValidationError(
                _("压缩包中含有可执行程序或脚本“%(name)s”，不能上传。") % {"name": name}, code="zip_runnable"
            )


def _office_zip(f, extension: str, folder: str) -> None:
    names = _zip_names(f)
    if names is None or "[Content_Types].xml" not in names or not any(n.startswith(folder) for n in names):
        raise _not_what_it_says(extension)
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ValidationError(_("文件中含有宏代码，不能上传。请另存为不含宏的文档后上传。"), code="macro")


def _utf16(word: str) -> bytes:
    return word.encode("utf-16-le")


def _check_text(f, extension: str) -> None:
    head = _head(f, 64 * 1024)
    if b"\x00" in head:  # binary (or UTF-16, which we do not take: re-save as UTF-8)
        raise _not_what_it_says(extension)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(
            _("文本文件不是UTF-8或GB18030编码（或者并非文本文件），请另存为UTF-8编码后上传。"), code="encoding"
        )
    if _looks_like_markup(head):
        raise ValidationError(
            _("文本文件的内容是网页或脚本代码，不能作为“.%(extension)s”上传。") % {"extension": extension},
            code="markup_in_text",
        )


def sniff_document(f, extension: str) -> None:
    """Refuse ``f`` unless its bytes are a file of ``extension``'s kind."""
    kind = DOCUMENT_FORMATS[extension]
    head = _head(f)
    if kind == "pdf":
        if not head.startswith(b"%PDF-"):
            raise _not_what_it_says(extension)
    elif kind.startswith("ole"):
        if not head.startswith(OLE2_SIGNATURE):
            raise _not_what_it_says(extension)
        # The stream names sit in the compound file's directory, in UTF-16.
        if kind == "ole_word" and not _contains_any(f, (_utf16("WordDocument"),), lower=False):
            raise _not_what_it_says(extension)
        if kind == "ole_excel" and not _contains_any(f, (_utf16("Workbook"), _utf16("Book\x00")), lower=False):
            raise _not_what_it_says(extension)
    elif kind == "docx":
        _office_zip(f, extension, "word/")
    elif kind == "xlsx":
        _office_zip(f, extension, "xl/")
    elif kind == "ofd":
        names = _zip_names(f)
        if names is None or "OFD.xml" not in names:
            raise _not_what_it_says(extension)
        _check_zip_members(names)
    elif kind == "zip":
        if not head.startswith(ZIP_SIGNATURES):
            raise _not_what_it_says(extension)
        names = _zip_names(f)
        if names is None:
            raise _not_what_it_says(extension)
        _check_zip_members(names)
    elif kind == "text":
        _check_text(f, extension)


def validate_document_upload(f) -> str:
    """All checks for an uploaded document; returns its extension."""
    name = check_filename(getattr(f, "name", ""))
    extension = check_document_extension(name)
    check_size(f, document_max_size())
    sniff_document(f, extension)
    return extension


# -- image re-encoding -----------------------------------------------------------------------------

#: what Pillow calls the formats we accept, and the format an image is saved back in
REENCODE_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WEBP"}
#: most frames an animated image may have (each one is decoded and re-encoded)
MAX_FRAMES = 300
#: frame-level keys Pillow needs to save a frame faithfully; everything else (EXIF, XMP, text
#: chunks, comments, dpi…) is dropped
_KEEP_INFO = {
    "PNG": ("transparency",),
    "GIF": ("transparency", "duration", "disposal", "background"),
    "WEBP": ("duration", "background"),
    "JPEG": (),
}


def _refuse_reencode() -> ValidationError:
    return ValidationError(
        _("图片无法重新编码（文件可能已损坏），请用图片软件重新导出为JPG或PNG后上传。"), code="reencode_failed"
    )


def _frames(image, fmt):
    from PIL import ImageSequence

    frames = []
    for frame in ImageSequence.Iterator(image):
        clean = frame.copy()
        clean.info = {k: frame.info[k] for k in _KEEP_INFO[fmt] if k in frame.info}
        frames.append(clean)
    return frames


def reencode_image_bytes(data: bytes, max_pixels: int | None = None) -> tuple[bytes, str]:
    """Decode ``data`` with Pillow and encode it again in the same format; returns the new bytes
    and the format. Why: the stored file then holds pixels and nothing else — no EXIF (GPS
    position, camera serial), XMP, text chunks or comments, no bytes after the image's end (the
    "polyglot" tricks) — whatever the checks above may have missed. The ICC colour profile is
    kept (colours would shift without it), JPEG orientation is applied to the pixels (its EXIF
    tag is dropped), JPEG keeps its quantisation tables (no visible loss) and animated GIF, PNG
    and WebP keep every frame and its timing, within the pixel budget for all frames together."""
    import io

    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = REENCODE_FORMATS.get(image.format or "")
            if fmt is None:
                raise ValidationError(
                    _("不支持此图片格式，只能上传JPG、PNG、GIF、WEBP图片。"), code="invalid_image_extension"
                )
            frames_count = getattr(image, "n_frames", 1) if fmt != "JPEG" else 1
            budget = max_pixels or getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 64_000_000)
            if frames_count > MAX_FRAMES or frames_count * image.width * image.height > budget:
                raise ValidationError(
                    _("动图的帧数过多（%(frames)d帧，%(width)d×%(height)d像素），所有帧合计不能超过%(max)s像素，"
                      "最多%(max_frames)d帧。请减少帧数或缩小尺寸后上传。")
                    % {"frames": frames_count, "width": image.width, "height": image.height,
                       "max": f"{budget:,}", "max_frames": MAX_FRAMES},
                    code="too_many_frames",
                )
            icc = image.info.get("icc_profile")
            out = io.BytesIO()
            options = {"icc_profile": icc} if icc else {}
            if fmt == "JPEG":
                orientation = image.getexif().get(0x0112, 1)
                if orientation not in (None, 1):
                    upright = ImageOps.exif_transpose(image)
                    upright.info = {}
                    upright.save(out, "JPEG", quality=92, **options)
                else:
                    image.load()
                    image.info = {}
                    image.save(out, "JPEG", quality="keep", subsampling="keep", **options)
            else:
                frames = _frames(image, fmt)
                if fmt == "WEBP":
                    options["lossless"] = b"VP8L" in data[12:16]
                    if not options["lossless"]:
                        options["quality"] = 90
                if len(frames) > 1:
                    options.update(save_all=True, append_images=frames[1:])
                    if "loop" in image.info:
                        options["loop"] = image.info["loop"]
                frames[0].save(out, fmt, **options)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, OSError, ValueError, SyntaxError, EOFError, struct.error) as exc:
        raise _refuse_reencode() from exc
    return out.getvalue(), fmt


def reencode_image_upload(f) -> None:
    """Replace the content of the upload ``f`` by its re-encoded pixels, in place: the same
    object is what every Wagtail path stores afterwards, including the multiple uploader's
    pending ``UploadedFile`` (saved from the request's file, not from the form's cleaned data)."""
    f.seek(0)
    data, _fmt = reencode_image_bytes(f.read())
    limit = getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", None)
    if limit and len(data) > limit:
        raise ValidationError(
            _("图片重新编码后过大（%(size)s），不能超过%(max)s，请压缩后上传。")
            % {"size": filesizeformat(len(data)), "max": filesizeformat(limit)},
            code="file_too_large",
        )
    target = f.file
    target.seek(0)
    target.truncate()
    target.write(data)
    target.flush()
    target.seek(0)
    f.size = len(data)
