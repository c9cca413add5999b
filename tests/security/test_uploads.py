"""Uploads are neutralised before they are stored: every image is decoded and re-encoded (pixels
only: no EXIF/GPS, comments, text chunks or trailing bytes), on every admin path; SVG and HTML
never get in, whatever their name; documents are served as downloads with ``nosniff``.

(The content checks themselves are tested one by one in tests/media/test_uploads.py.)"""

import io
import os

import pytest
from django.urls import reverse
from PIL import Image, ImageCms, PngImagePlugin
from wagtail.models import UploadedFile

from govsites.content.models import SiteRole
from govsites.media.models import SiteDocument, SiteImage
from tests.content.library_helpers import member
from tests.media import helpers as h

XHR = {"x-requested-with": "XMLHttpRequest"}
GPS_MAKER = "GPS-CAMERA-SERIAL-4711"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def editor(estate, client, media_root):
    user = h.admin_user(member("editor_a", estate.stats_site, SiteRole.EDITOR))
    client.force_login(user)
    return user


def stored(media_root, folder) -> list[bytes]:
    base = os.path.join(media_root, folder)
    out = []
    for d, _dirs, files in os.walk(base):
        for f in files:
            with open(os.path.join(d, f), "rb") as fh:
                out.append(fh.read())
    return out


def form_errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


def add_image(client, name, data):
    return client.post(reverse("wagtailimages:add"), {
        "title": "办公楼", "description": "统计局办公楼外景", "file": h.upload(name, data, "image/jpeg"),
    })


def jpeg_with_metadata(orientation=None, size=(48, 32)) -> bytes:
    """A camera-like JPEG: maker, GPS position, a comment, and bytes after its end marker."""
    exif = Image.Exif()
    exif[0x010F] = GPS_MAKER  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.5), 3: "E", 4: (116.0, 23.0, 17.0)}  # GPS IFD
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    Image.new("RGB", size, (30, 140, 60)).save(out, "JPEG", exif=exif, comment=b"owner: zhang san 13800000000")
    return out.getvalue() + b"TRAILING-PAYLOAD"


def animated_gif(frames=5, size=(24, 24), comment=b"hidden comment") -> bytes:
    images = [Image.new("RGB", size, (i * 40 % 256, 200 - i * 30 % 200, 90)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=[100 + 10 * i for i in range(frames)],
                   loop=0, comment=comment)
    return out.getvalue()


# -- re-encoding ----------------------------------------------------------------------------------


def test_a_jpeg_is_stored_without_exif_gps_comment_or_trailing_bytes(client, editor, media_root):
    data = jpeg_with_metadata()
    assert GPS_MAKER.encode() in data and b"zhang san" in data  # the upload does carry them
    response = add_image(client, "photo.jpg", data)
    assert response.status_code == 302, form_errors(response)
    image = SiteImage.objects.get()
    [raw] = stored(media_root, "original_images")
    assert GPS_MAKER.encode() not in raw and b"zhang san" not in raw and b"TRAILING" not in raw
    decoded = Image.open(io.BytesIO(raw))
    assert decoded.format == "JPEG" and decoded.size == (48, 32) == (image.width, image.height)
    assert not decoded.getexif() and "comment" not in decoded.info
    assert raw.endswith(b"\xff\xd9")  # nothing after the end-of-image marker
    assert image.file_size == len(raw)
    r, g, b = decoded.convert("RGB").getpixel((10, 10))
    assert abs(r - 30) < 8 and abs(g - 140) < 8 and abs(b - 60) < 8  # same picture


def test_the_camera_orientation_is_applied_before_exif_is_dropped(client, editor, media_root):
    response = add_image(client, "portrait.jpg", jpeg_with_metadata(orientation=6, size=(48, 32)))
    assert response.status_code == 302
    image = SiteImage.objects.get()
    assert (image.width, image.height) == (32, 48)  # upright, as the camera meant it
    [raw] = stored(media_root, "original_images")
    assert not Image.open(io.BytesIO(raw)).getexif()


def test_a_png_keeps_its_colour_profile_and_transparency_but_not_its_text(client, editor, media_root):
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 39.9N 116.4E, 张三的手机")
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (200, 10, 10, 120)).save(out, "PNG", pnginfo=info, icc_profile=icc)
    response = add_image(client, "logo.png", out.getvalue())
    assert response.status_code == 302, form_errors(response)
    [raw] = stored(media_root, "original_images")
    assert b"GPS 39.9N" not in raw and b"tEXt" not in raw
    decoded = Image.open(io.BytesIO(raw))
    assert decoded.info.get("icc_profile") == icc
    assert decoded.mode == "RGBA" and decoded.getpixel((0, 0)) == (200, 10, 10, 120)


def test_the_multiple_uploader_stores_the_re_encoded_gif_with_every_frame(client, editor, estate, media_root):
    """The multiple uploader parks a file waiting for its alt text as an ``UploadedFile`` made
    from the request's file: that pending file is already re-encoded, and so is the image."""
    url = reverse("wagtailimages:add_multiple")
    data = animated_gif()
    pending = client.post(url, {"files[]": h.upload("banner.gif", data, "image/gif")}, headers=XHR).json()
    assert pending["success"] is True, pending
    upload = UploadedFile.objects.get()
    parked = upload.file.read()
    upload.file.close()
    assert b"hidden comment" not in parked and parked != data
    finish = reverse("wagtailimages:create_multiple_from_uploaded_image", args=[upload.pk])
    prefix = f"uploaded-image-{upload.pk}"
    done = client.post(finish, {f"{prefix}-title": "横幅", f"{prefix}-description": "政务服务横幅动图"}, headers=XHR)
    assert done.json()["success"] is True
    [raw] = stored(media_root, "original_images")
    assert b"hidden comment" not in raw
    gif = Image.open(io.BytesIO(raw))
    assert gif.format == "GIF" and gif.n_frames == 5
    durations = []
    for i in range(gif.n_frames):
        gif.seek(i)
        durations.append(gif.info["duration"])
    assert durations == [100, 110, 120, 130, 140]
    assert gif.info.get("loop") == 0


def test_the_choosers_upload_tab_and_replacing_a_file_re_encode_too(client, editor, estate, media_root):
    client.post(reverse("wagtailimages_chooser:create"), {
        "image-chooser-upload-title": "图", "image-chooser-upload-description": "会场全景",
        "image-chooser-upload-file": h.upload("a.jpg", jpeg_with_metadata(), "image/jpeg"),
    }, headers=XHR)
    image = SiteImage.objects.get()
    with image.file.open("rb") as fh:
        assert GPS_MAKER.encode() not in fh.read()

    response = client.post(reverse("wagtailimages:edit", args=[image.pk]), {
        "title": "图", "description": "会场全景", "file": h.upload("b.jpg", jpeg_with_metadata(), "image/jpeg"),
    })
    assert response.status_code == 302
    image.refresh_from_db()
    with image.file.open("rb") as fh:
        raw = fh.read()
    assert GPS_MAKER.encode() not in raw and b"TRAILING" not in raw


def test_an_animation_over_the_pixel_budget_is_refused(client, editor, media_root, settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 24 * 24 * 4  # four frames' worth
    response = add_image(client, "banner.gif", animated_gif(frames=5))
    assert response.status_code == 200
    assert "动图的帧数过多" in form_errors(response)
    assert not SiteImage.objects.exists() and stored(media_root, "original_images") == []


def test_re_encoding_answers_in_chinese_for_undecodable_pixels():
    from django.core.exceptions import ValidationError

    from govsites.media.validators import reencode_image_bytes

    data = jpeg_with_metadata()
    with pytest.raises(ValidationError) as caught:
        reencode_image_bytes(data[: len(data) // 3])
    assert "重新编码" in caught.value.messages[0]


# -- SVG and HTML never get in ----------------------------------------------------------------------

POLYGLOT_GIF = animated_gif(frames=1, comment=b"") + b"<html><script>alert(document.cookie)</script>"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("logo.svg", h.SVG, "SVG"),
    ("logo.png", h.SVG, "不符"),
    ("logo.jpg", h.HTML, "不符"),
    ("banner.gif", POLYGLOT_GIF, "网页或脚本代码"),
    ("banner.gif", b"GIF89a/*" + h.HTML, "无法识别的图片文件"),
])
def test_svg_html_and_polyglots_are_refused_as_images(client, editor, media_root, name, data, message):
    response = add_image(client, name, data)
    assert response.status_code == 200
    assert message in form_errors(response), form_errors(response)
    assert not SiteImage.objects.exists() and stored(media_root, "original_images") == []


@pytest.mark.parametrize(("name", "data", "message"), [
    ("页面.html", h.HTML, "不支持上传“.html”文件"),
    ("图.svg", h.SVG, "不支持上传“.svg”文件"),
    ("说明.txt", h.HTML, "网页或脚本代码"),
    ("数据.csv", h.HTML, "网页或脚本代码"),
    ("数据.csv", b"\xef\xbb\xbf  <svg onload=alert(1)>", "网页或脚本代码"),
    ("说明.txt", h.SVG, "网页或脚本代码"),
    ("公报.pdf", POLYGLOT_GIF, "不符"),
])
def test_svg_and_html_are_refused_as_documents_whatever_their_name(client, editor, media_root, name, data, message):
    response = client.post(reverse("wagtaildocs:add"), {"title": "资料", "kind": "attachment",
                                                        "file": h.upload(name, data)})
    assert response.status_code == 200
    assert message in form_errors(response), form_errors(response)
    assert not SiteDocument.objects.exists() and stored(media_root, "documents") == []


# -- serving --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "inline"), [
    ("说明.txt", "各单位：请按时报送。".encode(), False),
    ("数据.csv", "地区,人口\n青岚市,100\n".encode(), False),
    ("通知.docx", h.docx(), False),
    ("资料.zip", h.zip_of({"说明.txt": b"x"}), False),
    ("公报.pdf", h.PDF, True),
])
def test_documents_are_served_as_downloads_with_nosniff(client, editor, estate, media_root, name, data, inline):
    document = h.document(estate.stats_site, data=data, name=name, user=editor)
    response = client.get(reverse("wagtaildocs_serve", args=[document.pk, document.filename]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    if inline:  # a PDF opens in the browser's viewer, in a document that may run nothing
        assert disposition.startswith("inline")
        assert response["Content-Security-Policy"] == "default-src 'none'"
    else:
        assert disposition.startswith("attachment")
