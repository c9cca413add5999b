"""Upload rules through Wagtail's own admin views: alt text required, no SVG or script in images,
documents whose bytes match their extension, sane names and sizes — each refusal in Chinese and
nothing half-saved (no row, no stored file)."""

import os

import pytest
from django.urls import reverse
from wagtail.models import Collection, UploadedFile

from govsites.content.models import SiteRole
from govsites.media.models import SiteDocument, SiteImage
from govsites.media.site_collections import ensure_site_collection
from tests.content.library_helpers import member
from tests.media import helpers as h


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def stored_files(root, folder) -> list[str]:
    base = os.path.join(root, folder)
    return [os.path.join(d, f) for d, _dirs, files in os.walk(base) for f in files]


@pytest.fixture
def editor(estate, client, media_root):
    user = h.admin_user(member("editor_a", estate.stats_site, SiteRole.EDITOR))
    client.force_login(user)
    return user


def add_image(client, name, data, description="统计局办公楼外景", title="办公楼"):
    return client.post(reverse("wagtailimages:add"), {
        "title": title, "description": description, "file": h.upload(name, data, "image/png"),
    })


def add_document(client, name, data, title="统计公报", **extra):
    return client.post(reverse("wagtaildocs:add"), {
        "title": title, "kind": "attachment", "file": h.upload(name, data), **extra,
    })


def errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


# -- images -----------------------------------------------------------------------------------------


def test_an_image_with_alt_text_is_stored_in_the_own_sites_collection(client, editor, estate, media_root):
    response = add_image(client, "building.png", h.png())
    assert response.status_code == 302
    image = SiteImage.objects.get()
    assert image.site == estate.stats_site
    assert image.collection == ensure_site_collection(estate.stats_site)
    assert image.description == "统计局办公楼外景" and image.uploaded_by_user == editor
    assert image.default_alt_text == "统计局办公楼外景"


@pytest.mark.parametrize("description, message", [
    ("", "请填写替代文本"),
    ("   ", "请填写替代文本"),
    ("building.png", "替代文本不能是文件名"),
    ("字" * 151, "151"),
])
def test_an_image_without_real_alt_text_is_refused(client, editor, media_root, description, message):
    response = add_image(client, "building.png", h.png(), description=description)
    assert response.status_code == 200
    assert message in errors(response)
    assert not SiteImage.objects.exists()
    assert stored_files(media_root, "original_images") == []


@pytest.mark.parametrize("name, data, message", [
    ("logo.svg", h.SVG, "SVG"),
    ("logo.png", h.SVG, "图片内容与扩展名“.png”不符"),
    ("page.png", h.HTML, "图片内容与扩展名“.png”不符"),
    ("photo.gif", b"GIF89a<script>alert(1)</script>", "无法识别的图片文件"),
    ("photo.png", h.jpeg(), "图片内容与扩展名“.png”不符"),
    ("photo.png", h.png_with_text_chunk(b"<script>alert(1)</script>"), "网页或脚本代码"),
    ("photo.png", h.png_with_text_chunk(b"<SVG onload=alert(1)>"), "网页或脚本代码"),
    ("../../etc/photo.png", h.png(), None),  # the browser-side path is dropped by Django: stored safely
    ("photo\u202egnp.exe.png", h.png(), None),  # so is a direction character
    (".png", h.png(), "不支持此图片格式"),
])
def test_bad_images_are_refused_in_chinese(client, editor, media_root, name, data, message):
    response = add_image(client, name, data)
    if message is None:
        assert response.status_code == 302
        stored = SiteImage.objects.get().file.name
        assert stored.startswith("original_images/") and ".." not in stored and "\u202e" not in stored
        return
    assert response.status_code == 200
    assert message in errors(response)
    assert not SiteImage.objects.exists()
    assert stored_files(media_root, "original_images") == []


def test_image_size_limit(client, editor, media_root, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100
    response = add_image(client, "big.png", h.png(size=(200, 200), color=(1, 2, 3)))
    assert "图片过大" in errors(response)
    assert not SiteImage.objects.exists()


def test_the_multiple_uploader_refuses_bad_files_and_asks_for_alt_text(client, editor, estate, media_root):
    url = reverse("wagtailimages:add_multiple")
    xhr = {"x-requested-with": "XMLHttpRequest"}
    refused = client.post(url, {"files[]": h.upload("logo.svg", h.SVG)}, headers=xhr).json()
    assert refused["success"] is False and "SVG" in refused["error_message"]
    script = client.post(url, {"files[]": h.upload("a.png", h.png_with_text_chunk(b"<script>x</script>"))},
                         headers=xhr).json()
    assert script["success"] is False and "脚本" in script["error_message"]
    assert not SiteImage.objects.exists() and not UploadedFile.objects.exists()

    # a good file without alt text waits as an upload until the alt text is given
    pending = client.post(url, {"files[]": h.upload("hall.png", h.png())}, headers=xhr).json()
    assert pending["success"] is True and "uploaded_file_id" in pending
    assert not SiteImage.objects.exists()
    upload_id = pending["uploaded_file_id"]
    finish = reverse("wagtailimages:create_multiple_from_uploaded_image", args=[upload_id])
    prefix = f"uploaded-image-{upload_id}"
    still = client.post(finish, {f"{prefix}-title": "大厅", f"{prefix}-description": ""}, headers=xhr).json()
    assert still["success"] is False and "请填写替代文本" in still["form"]
    done = client.post(finish, {f"{prefix}-title": "大厅", f"{prefix}-description": "政务服务大厅内景"},
                       headers=xhr).json()
    assert done["success"] is True
    image = SiteImage.objects.get()
    assert (image.site, image.description) == (estate.stats_site, "政务服务大厅内景")
    assert not UploadedFile.objects.exists()


def test_the_root_collection_belongs_to_no_site(client, estate, media_root, django_user_model):
    admin = django_user_model.objects.create_superuser("sysadmin", password="x")
    ensure_site_collection(estate.stats_site)
    client.force_login(admin)
    root = Collection.get_first_root_node()
    response = client.post(reverse("wagtailimages:add"), {
        "title": "无主图片", "description": "一张图片", "collection": root.pk, "file": h.upload("a.png", h.png()),
    })
    assert "请选择所属网站的媒体库" in errors(response)
    assert not SiteImage.objects.exists()


# -- documents --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, data", [
    ("公报.pdf", h.PDF),
    ("通知.docx", h.docx()),
    ("报表.xlsx", h.xlsx()),
    ("公文.ofd", h.ofd()),
    ("旧通知.doc", h.ole("WordDocument")),
    ("旧报表.xls", h.ole("Workbook")),
    ("文稿.wps", h.ole("WordDocument")),
    ("表格.et", h.ole("Workbook")),
    ("资料.zip", h.zip_of({"说明.txt": "说明".encode(), "数据/表1.csv": b"a,b\n1,2\n"})),
    ("说明.txt", "各单位：请按时报送。".encode()),
    ("数据.csv", "地区,人口\n青岚市,100\n".encode("gb18030")),
])
def test_good_documents_are_stored_with_their_metadata(client, editor, estate, media_root, name, data):
    response = add_document(client, name, data, issuing_body="青岚市统计局", description="年度统计数据")
    assert response.status_code == 302, errors(response)
    document = SiteDocument.objects.get()
    assert (document.site, document.issuing_body, document.is_public) == (estate.stats_site, "青岚市统计局", False)
    assert document.filename == name
    assert document.file.name.startswith("documents/") and len(document.file.name.split("/")[1]) == 16


@pytest.mark.parametrize("name, data, message", [
    ("病毒.exe", h.EXE, "不支持上传“.exe”文件"),
    ("网页.html", h.HTML, "不支持上传“.html”文件"),
    ("图.svg", h.SVG, "不支持上传“.svg”文件"),
    ("无扩展名", h.PDF, "不支持上传“.无扩展名”文件"),
    ("公报.pdf", h.HTML, "文件内容与扩展名“.pdf”不符"),
    ("公报.pdf", h.EXE, "文件内容与扩展名“.pdf”不符"),
    ("通知.docx", h.zip_of({"a.txt": b"x"}), "文件内容与扩展名“.docx”不符"),
    ("通知.docx", h.xlsx(), "文件内容与扩展名“.docx”不符"),
    ("通知.docx", h.PDF, "文件内容与扩展名“.docx”不符"),
    ("通知.docx", h.docx(**{"word/vbaProject.bin": b"x"}), "宏代码"),
    ("报表.xlsx", h.docx(), "文件内容与扩展名“.xlsx”不符"),
    ("旧通知.doc", h.ole("Workbook"), "文件内容与扩展名“.doc”不符"),
    ("旧通知.doc", h.HTML, "文件内容与扩展名“.doc”不符"),
    ("旧报表.xls", h.EXE, "文件内容与扩展名“.xls”不符"),
    ("公文.ofd", h.zip_of({"Doc_0/Document.xml": b"x"}), "文件内容与扩展名“.ofd”不符"),
    ("资料.zip", h.PDF, "文件内容与扩展名“.zip”不符"),
    ("资料.zip", h.zip_of({"安装.exe": h.EXE}), "可执行程序或脚本"),
    ("资料.zip", h.zip_of({"说明.HTM": h.HTML}), "可执行程序或脚本"),
    ("资料.zip", h.zip_of({"../../etc/passwd": b"x"}), "路径跳转"),
    ("说明.txt", h.HTML, "网页或脚本代码"),
    ("说明.txt", h.EXE, "文件内容与扩展名“.txt”不符"),
    ("数据.csv", "地区".encode("utf-16"), "编码"),
    ("数据.csv", "地区,人口".encode("utf-16"), "文件内容与扩展名“.csv”不符"),
    # Django drops the right-to-left override from multipart names: what is left is an .exe
    ("公报\u202efdp.exe", h.PDF, "不支持上传“.exe”文件"),
    (".htaccess.pdf", h.PDF, "不能以“.”开头"),
    ("公报.pdf.", h.PDF, "首尾"),
    ("空.pdf", b"", "文件"),
    ("长" * 130 + ".pdf", h.PDF, "文件名过长"),
])
def test_bad_documents_are_refused_in_chinese(client, editor, media_root, name, data, message):
    response = add_document(client, name, data)
    assert response.status_code == 200
    assert message in errors(response), errors(response)
    assert not SiteDocument.objects.exists()
    assert stored_files(media_root, "documents") == []


def test_document_size_limit(client, editor, media_root, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1000
    response = add_document(client, "大文件.pdf", h.PDF + b"0" * 2000)
    assert "文件过大" in errors(response) and "1000" in errors(response)
    assert not SiteDocument.objects.exists()


def test_the_multiple_document_uploader_refuses_disguised_files(client, editor, media_root):
    url = reverse("wagtaildocs:add_multiple")
    result = client.post(url, {"files[]": h.upload("公报.pdf", h.HTML)},
                         headers={"x-requested-with": "XMLHttpRequest"}).json()
    assert result["success"] is False and "不符" in result["error_message"]
    ok = client.post(url, {"files[]": h.upload("公报.pdf", h.PDF)}, headers={"x-requested-with": "XMLHttpRequest"})
    assert ok.json()["success"] is True
    assert SiteDocument.objects.get().filename == "公报.pdf"
    assert stored_files(media_root, "documents") and not UploadedFile.objects.exists()


def test_replacing_a_file_is_checked_too(client, editor, estate, media_root):
    document = h.document(estate.stats_site, user=editor)
    response = client.post(reverse("wagtaildocs:edit", args=[document.pk]), {
        "title": document.title, "kind": "attachment", "file": h.upload("公报.pdf", h.EXE),
    })
    assert "不符" in errors(response)
    document.refresh_from_db()
    assert document.file.name.endswith("notice.pdf")


def test_the_choosers_upload_tabs_apply_the_same_rules(client, editor, estate, media_root):
    xhr = {"x-requested-with": "XMLHttpRequest"}
    url = reverse("wagtailimages_chooser:create")
    refused = client.post(url, {"image-chooser-upload-title": "图", "image-chooser-upload-description": "",
                                "image-chooser-upload-file": h.upload("a.png", h.png())}, headers=xhr)
    assert "请填写替代文本" in refused.json()["htmlFragment"] and not SiteImage.objects.exists()
    client.post(url, {"image-chooser-upload-title": "图", "image-chooser-upload-description": "会场全景",
                      "image-chooser-upload-file": h.upload("a.png", h.png())}, headers=xhr)
    assert SiteImage.objects.get().site == estate.stats_site

    url = reverse("wagtaildocs_chooser:create")
    refused = client.post(url, {"document-chooser-upload-title": "公报",
                                "document-chooser-upload-file": h.upload("公报.pdf", h.EXE)}, headers=xhr)
    assert "不符" in refused.json()["htmlFragment"] and not SiteDocument.objects.exists()


def test_the_forms_speak_chinese(client, editor):
    page = client.get(reverse("wagtailimages:add")).content.decode()
    assert "替代文本" in page and "支持JPG、JPEG、PNG、GIF、WEBP格式" in page
    page = client.get(reverse("wagtaildocs:add")).content.decode()
    for label in ("文件类别", "发文机关", "内容说明", "对外公开", "允许的文件类型"):
        assert label in page
