"""Registry spreadsheets built in the tests: a fictional estate of province 澜川 (division prefix 99)."""

from __future__ import annotations

import csv
import io

import openpyxl

from govsites.registry.sheets import INSTITUTIONS, SITES

INSTITUTION_HEADERS = [c.header for c in INSTITUTIONS.columns]
SITE_HEADERS = [c.header for c in SITES.columns]

DEPARTMENTS = [
    ("发展和改革委员会", "发改委", "fgw"), ("教育局", "教育局", "jyj"), ("科学技术局", "科技局", "kjj"),
    ("工业和信息化局", "工信局", "gxj"), ("公安局", "公安局", "gaj"), ("民政局", "民政局", "mzj"),
    ("司法局", "司法局", "sfj"), ("财政局", "财政局", "czj"), ("人力资源和社会保障局", "人社局", "rsj"),
    ("自然资源局", "自然资源局", "zrzyj"), ("生态环境局", "生态环境局", "sthjj"), ("住房和城乡建设局", "住建局", "zjj"),
    ("交通运输局", "交通局", "jtj"), ("水利局", "水利局", "slj"), ("农业农村局", "农业农村局", "nyncj"),
    ("商务局", "商务局", "swj"), ("文化和旅游局", "文旅局", "wlj"), ("卫生健康委员会", "卫健委", "wjw"),
    ("应急管理局", "应急局", "yjj"), ("审计局", "审计局", "sjj"), ("市场监督管理局", "市场监管局", "scjgj"),
    ("统计局", "统计局", "tjj"), ("医疗保障局", "医保局", "ybj"), ("体育局", "体育局", "tyj"),
]
PLACES = "青岚白鹭云岫松溪石泉桃源金沙银川玉峰柳江梅岭竹山兰亭枫桥月湖星河晨阳秋水"


def institution(name, kind, level, parent="", *, code="", abbreviation="", pinyin="", short="", office=""):
    return {"机构全称": name, "规范简称": short, "机构类别": kind, "层级": level, "行政区划代码": code,
            "省级简称": abbreviation, "拼音或英文标识": pinyin, "上级机构": parent, "主要负责人": "张明",
            "办公厅（室）名称": office}


def site(owner, name, domain, code, *, status="运行中", hosted="是", sponsor=None, seq=1, chinese=""):
    return {"开办机构": owner, "网站全称": name, "网站简称": "", "英文域名": domain, "中文域名": chinese,
            "网站标识码": code, "ICP备案号": f"澜ICP备{10000000 + seq}号", "公安机关备案号": f"澜公网安备 99{seq:012d}号",
            "党政机关网站标识证书号": f"DZ-{seq:05d}", "主办单位": sponsor or owner, "承办单位": "澜川省大数据中心",
            "网站负责人": "李华", "负责人电话": "0351-1234567", "负责人邮箱": "lihua@example.gov.cn",
            "对外联系电话": "0351-7654321", "对外联系邮箱": "contact@example.gov.cn", "联系地址": "府前路1号",
            "部署在本平台": hosted, "托管情况": "" if hosted == "是" else "自行托管", "状态": status}


def estate_rows(cities=20, city_departments=14, counties=3, province_departments=24):
    """A whole fictional estate: (institution rows, site rows, facts about it)."""
    insts, sites = [], []
    facts = {"external": 0, "closed": 0, "flagged": 0}
    seq = iter(range(1, 100000))
    province = "澜川省人民政府"
    insts.append(institution(province, "人民政府", "省级", code="990000", abbreviation="澜", pinyin="lanchuan",
                             office="澜川省人民政府办公厅"))
    sites.append(site(province, province, "www.lanchuan.gov.cn", "9900000001", sponsor="澜川省人民政府办公厅",
                      seq=next(seq), chinese="澜川省人民政府.政务"))
    for n, (dept, short, label) in enumerate(DEPARTMENTS[:province_departments]):
        name = f"澜川省{dept.replace('局', '厅')}"
        insts.append(institution(name, "政府部门", "省级", province, short=f"省{short}", pinyin=label))
        sites.append(site(name, f"{name}网站", f"{label}.lanchuan.gov.cn", f"99000000{n + 2:02d}", seq=next(seq)))
    for i in range(1, cities + 1):
        place = PLACES[(i - 1) % len(PLACES)] + PLACES[(i * 7) % len(PLACES)]
        city, code, base = f"{place}市人民政府", f"99{i:02d}00", f"c{i:02d}.gov.cn"
        insts.append(institution(city, "人民政府", "市级", province, code=code, pinyin=f"c{i:02d}",
                                 office=f"{place}市人民政府办公室"))
        sites.append(site(city, city, f"www.{base}", f"{code}0001", sponsor=f"{place}市人民政府办公室", seq=next(seq)))
        for n, (dept, short, label) in enumerate(DEPARTMENTS[:city_departments]):
            name = f"{place}市{dept}"
            insts.append(institution(name, "政府部门", "市级", city, short=f"市{short}", pinyin=label))
            external = n % 4 == 3
            facts["external"] += external
            sites.append(site(name, f"{name}网站", f"{label}.{base}", f"{code}{n + 2:04d}", seq=next(seq),
                              hosted="否" if external else "是"))
        # an old site of the first department, closed and replaced by the live one above
        first = f"{place}市{DEPARTMENTS[0][0]}"
        sites.append(site(first, f"{first}旧版网站", f"{DEPARTMENTS[0][2]}.{base}", f"{code}0090", status="已关停",
                          seq=next(seq)))
        facts["closed"] += 1
        for j in range(1, counties + 1):
            county, ccode = f"{place}市{PLACES[j]}{PLACES[-j]}县人民政府", f"99{i:02d}{j:02d}"
            cbase = f"x{i:02d}{j:02d}.gov.cn"
            insts.append(institution(county, "人民政府", "县级", city, code=ccode, office=f"{county}办公室"))
            sites.append(site(county, county, f"www.{cbase}", f"{ccode}0001", seq=next(seq)))
            for dept, _short, _label in DEPARTMENTS[1:3]:
                insts.append(institution(f"{county[:-4]}{dept}", "政府部门", "县级", county))
            # a county department's existing site: recorded, flagged for integration (REG-03)
            dept_name = f"{county[:-4]}{DEPARTMENTS[1][0]}"
            sites.append(site(dept_name, f"{dept_name}网站", f"{DEPARTMENTS[1][2]}.{cbase}", f"{ccode}0002",
                              seq=next(seq)))
            facts["flagged"] += 1
            for t in range(1, 3):
                insts.append(institution(f"{county[:-4]}第{t}镇人民政府", "人民政府", "乡镇级", county))
        # one township per city runs an old site of its own: flagged too
        township = f"{place}市{PLACES[1]}{PLACES[-1]}县第1镇人民政府"
        sites.append(site(township, township, f"www.t{i:02d}.gov.cn", f"99{i:02d}010009", seq=next(seq)))
        facts["flagged"] += 1
    return insts, sites, facts


def xlsx_bytes(institutions=(), sites=(), *, titles=("机构", "网站"), headers=None) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows, default in zip(titles, (institutions, sites), (INSTITUTION_HEADERS, SITE_HEADERS), strict=True):
        if title is None:
            continue
        ws = workbook.create_sheet(title)
        columns = headers.get(title, default) if headers else default
        ws.append(columns)
        for row in rows:
            ws.append([row.get(h, "") for h in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return buffer.getvalue().encode(encoding)
