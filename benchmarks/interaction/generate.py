"""Build the interaction benchmark's database: a minimal estate and N stored cases (default 1,000,000).

    benchmarks/interaction/pg.sh start
    .venv/bin/python benchmarks/interaction/generate.py [--cases 1000000] [--reset]

As the production instructions deploy it (docs/public-service.md): ``migrate`` as the table owner
(``govsites.settings.production``), then ``public_db_grants --apply`` for the ``govsites_public``
role. The estate is one provincial government with one department and its online portal, whose
standard columns are created by the ``SetUpChannels`` action.

The cases are written with ``COPY`` (secondary indexes dropped during the load and rebuilt after,
foreign-key triggers off and every single-column foreign key checked after), spread over three
years up to now, ids in time order as the service would have assigned them:

- ``privacy_personalrecord``: one per case; name and phone **really encrypted** per row with the
  deployment's key (AES-GCM, as the field writes them), the phone's blind index computed; the
  address is one value sealed once per batch of 1,000 (documented shortcut: it is never read by
  the measured paths);
- ``interaction_message``: kinds over the four message columns plus error reports; status by age
  (recent: received/accepted/reply pending; older: 80 % answered, 8 % invalid, the rest still
  open), replies and publication dates for answered cases, deadlines from the official calendar,
  ``fingerprint`` as the action computes it; the query code of case ``pk`` is
  :func:`query_code` (a keyed function of the id, so ``run.py`` can look any case up) stored as
  ``Message.hash_query_code(code)`` — exactly what a lookup verifies;
- ``interaction_messageevent``: each case's timeline (received, accepted, reply submitted and
  approved, published / invalid), ≈ 5 per case.

Generation time is written to ``generate-timings.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # the action's alphabet
TOPICS = ("小区供暖", "道路维修", "公交线路", "学校招生", "医保报销", "垃圾分类", "停车收费", "噪音扰民",
          "自来水水压", "路灯不亮", "社区养老", "农村公路", "公积金提取", "户籍办理", "营业执照", "老旧小区改造",
          "菜市场管理", "电动车充电", "排水防涝", "物业服务", "校车安全", "食品安全", "就业补贴", "残疾人补助")
KIND_WORDS = {"consultation": "咨询", "complaint": "投诉", "suggestion": "建议", "leader_mailbox": "反映",
              "error_report": "纠错"}
PLACES = ("城东街道", "城西街道", "南关社区", "北苑小区", "开发区", "新华路", "人民路", "滨河小区", "东关镇", "西山村")
SENTENCES = (
    "近期{place}一带{topic}问题比较突出，居民反映较多。",
    "希望有关部门尽快了解情况并给予答复。",
    "请问{topic}的具体办理流程和所需材料是什么？",
    "此前已通过电话反映过，但一直没有得到解决。",
    "建议相关部门加强日常巡查，及时公布处理进展。",
    "该问题影响到周边数百户居民的正常生活。",
    "请问是否有相关的政策文件可以参考？",
)


def query_code(secret_key: str, pk: int) -> str:
    """The query code of generated case ``pk``: 8 characters of the action's alphabet, keyed by the
    deployment's secret so that only a holder of the key can compute it (as for real codes)."""
    digest = hmac.new(f"bench-query-code{secret_key}".encode(), str(pk).encode(), hashlib.sha256).digest()
    return "".join(QUERY_CODE_ALPHABET[b % len(QUERY_CODE_ALPHABET)] for b in digest[:8])


def create_database(url: str, reset: bool) -> None:
    import psycopg

    name, admin = common.admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            print(f"… dropping database {name}")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"… created database {name}")


def sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchall() if cur.description else None


def copy_rows(table: str, columns, rows) -> int:
    from django.db import connection

    n = 0
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def drop_secondary_indexes(tables) -> list[str]:
    """Drop the indexes that back no constraint (rebuilt faster in one pass after the load)."""
    rows = sql("""SELECT indexname, indexdef FROM pg_indexes
                  WHERE schemaname = 'public' AND tablename = ANY(%s)
                    AND indexname NOT IN (SELECT conname FROM pg_constraint)""", [list(tables)])
    for name, _definition in rows:
        sql(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def verify_foreign_keys(tables) -> int:
    rows = sql("""
        SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s) AND array_length(c.conkey, 1) = 1
    """, [list(tables)])
    for table, column, target, target_column in rows:
        bad = sql(f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "  # noqa: S608
                  f"(SELECT 1 FROM {target} r WHERE r.{target_column} = t.{column})")[0][0]  # (catalog names)
        if bad:
            raise SystemExit(f"{bad} rows of {table}.{column} point at no {target}.{target_column}")
    return len(rows)


# -- the estate ------------------------------------------------------------------------------------

def build_estate() -> dict:
    """One provincial government, one department, the government's online portal and its columns."""
    from govsites import clock
    from govsites.audit.context import Actor
    from govsites.interaction.actions import SetUpChannels
    from govsites.interaction.models import Channel
    from govsites.registry.models import Institution, InstitutionKind, Level, Site, SiteStatus, SiteType

    government = Institution.objects.create(
        name="澜川省人民政府", kind=InstitutionKind.GOVERNMENT, level=Level.PROVINCE, division_code="990000",
        office_name="澜川省人民政府办公厅", abbreviation="澜", pinyin="lanchuan", head_name="省长")
    department = Institution.objects.create(name="澜川省住房和城乡建设厅", kind=InstitutionKind.DEPARTMENT,
                                            level=Level.PROVINCE, parent=government, short_name="省住建厅")
    site = Site.objects.create(
        institution=government, site_type=SiteType.PORTAL, name=government.name, domain="www.lanchuan.gov.cn",
        site_code="9900000001", sponsor_name=government.office_name, responsible_person="王伟",
        responsible_phone="0351-1234567", status=SiteStatus.ONLINE, launched_at=clock.now())
    SetUpChannels(Actor(user=None, user_agent="benchmarks/interaction", via="cli"), site).execute()
    channels = {c.kind: c.pk for c in Channel.objects.filter(site=site, enabled=True) if c.takes_messages}
    return {"government": government.pk, "department": department.pk, "site": site.pk, "channels": channels}


# -- the cases -------------------------------------------------------------------------------------

PERSON_COLUMNS = ("id", "name", "phone", "phone_index", "id_number", "id_number_index", "address", "email",
                  "email_index", "source", "site_id", "created_at")
MESSAGE_COLUMNS = (
    "id", "kind", "channel_id", "site_id", "handling_site_id", "title", "body", "page_url", "submitter_id",
    "wants_private", "status", "invalid_reason", "department_id", "received_at", "received_on", "accepted_at",
    "forwarded_at", "replied_at", "due_at", "forward_due_at", "deadline_error", "reply_department_id",
    "reply_body", "published_at", "withheld_reason", "policy_suggestion", "query_code_hash", "client_hash",
    "fingerprint",
)
EVENT_COLUMNS = ("message_id", "kind", "at", "from_institution_id", "to_institution_id", "note")
KIND_WEIGHTS = (("consultation", 45), ("complaint", 20), ("suggestion", 15), ("leader_mailbox", 12),
                ("error_report", 8))
YEARS = 3


def phone_of(pk: int) -> str:
    """A distinct mobile number per generated case (the submissions use another range)."""
    return f"138{pk:08d}"


def generate_cases(total: int, estate: dict, seed: int) -> dict:
    from django.conf import settings

    from govsites import clock
    from govsites.interaction.actions.messages import fingerprint
    from govsites.interaction.deadlines import forward_working_days, reply_working_days
    from govsites.interaction.models import Message
    from govsites.privacy import crypto, masking
    from govsites.workdays import calendar

    rng = random.Random(seed)  # noqa: S311  (benchmark data, no secrets)
    secret = settings.SECRET_KEY
    now = clock.now()
    start = now - dt.timedelta(days=365 * YEARS)
    span = (now - start).total_seconds() - 3600
    kinds = [k for k, w in KIND_WEIGHTS for _ in range(w)]
    site, department = estate["site"], estate["department"]
    deadlines: dict[tuple, dt.datetime | None] = {}

    def deadline(at: dt.datetime, days: int):
        key = (clock.local(at).date(), days)
        if key not in deadlines:
            try:
                deadlines[key] = calendar.deadline(at, days)
            except calendar.MissingCalendarYear:
                deadlines[key] = None
        return deadlines[key]

    counts = {"messages": 0, "events": 0, "status": {}}
    persons, messages, events = [], [], []
    address = ""

    def flush():
        copy_rows("privacy_personalrecord", PERSON_COLUMNS, persons)
        copy_rows("interaction_message", MESSAGE_COLUMNS, messages)
        counts["events"] += copy_rows("interaction_messageevent", EVENT_COLUMNS, events)
        persons.clear()
        messages.clear()
        events.clear()

    started = time.monotonic()
    for pk in range(1, total + 1):
        if pk % 1000 == 1:
            address = crypto.encrypt(masking.ADDRESS, f"澜川省青岚市{rng.choice(PLACES)}{rng.randint(1, 99)}号")
        received = start + dt.timedelta(seconds=span * (pk - 0.5) / total + rng.uniform(-20, 20))
        kind = rng.choice(kinds)
        topic, place = rng.choice(TOPICS), rng.choice(PLACES)
        title = f"关于{place}{topic}的{KIND_WORDS[kind]}"
        body = "".join(s.format(place=place, topic=topic) for s in rng.sample(SENTENCES, rng.randint(2, 4)))
        body += f"（第{pk}号）"
        phone = phone_of(pk)
        name = f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice('伟芳娜敏静丽强磊军洋')}"
        persons.append((pk, crypto.encrypt(masking.NAME, name), crypto.encrypt(masking.PHONE, phone),
                        crypto.blind_index(masking.PHONE, phone), "", "", address, "", "",
                        "error_report" if kind == "error_report" else "message", site, received))
        age_days = (now - received).days
        if age_days < 3:
            status = "received"
        elif age_days < 20:
            status = rng.choice(("accepted", "accepted", "reply_pending", "answered"))
        else:
            roll = rng.random()
            status = "answered" if roll < 0.80 else "invalid" if roll < 0.88 else "accepted"
        counts["status"][status] = counts["status"].get(status, 0) + 1
        accepted = received + dt.timedelta(hours=rng.uniform(2, 30)) if status != "received" else None
        replied = published = None
        timeline = [("received", received, None, None, "")]
        invalid_reason = reply_body = ""
        dept = reply_dept = None
        if status == "invalid":
            invalid_reason = "留言内容与本栏目受理范围无关。"
            timeline.append(("invalid", accepted, None, None, invalid_reason))
            accepted = None
        elif accepted is not None:
            dept = department
            timeline += [("accepted", accepted, None, None, ""), ("assigned", accepted, None, department, "")]
        if status in ("reply_pending", "answered"):
            submitted = accepted + dt.timedelta(days=rng.uniform(1, 6))
            timeline.append(("reply_submitted", submitted, None, None, ""))
        if status == "answered":
            replied = submitted + dt.timedelta(hours=rng.uniform(1, 24))
            reply_dept = department
            reply_body = f"您好！您反映的{place}{topic}问题已收悉。经核查，我厅已会同属地街道进行处理，相关情况将持续跟进。感谢您的关注与支持！"
            timeline.append(("reply_approved", replied, None, None, ""))
            if rng.random() < 0.85:
                published = replied + dt.timedelta(hours=rng.uniform(1, 48))
                timeline.append(("published", published, None, None, ""))
        forward_days = forward_working_days(kind)
        messages.append((
            pk, kind, estate["channels"][kind], site, site, title, body,
            f"https://www.lanchuan.gov.cn/zwgk/{pk}.html" if kind == "error_report" else "", pk,
            rng.random() < 0.1, status, invalid_reason, dept, received, clock.local(received).date(), accepted,
            None, replied, deadline(received, reply_working_days(kind)),
            deadline(received, forward_days) if forward_days else None, "", reply_dept, reply_body, published, "",
            False, Message.hash_query_code(query_code(secret, pk)),
            hashlib.sha256(f"client{pk % 50000}".encode()).hexdigest(), fingerprint(title, body),
        ))
        events += [(pk, *event) for event in timeline]
        if len(messages) >= 20000:
            flush()
            counts["messages"] = pk
            if pk % 100000 == 0:
                rate = pk / (time.monotonic() - started)
                print(f"    {pk:,} cases ({rate:,.0f}/s)", flush=True)
    flush()
    counts["messages"] = total
    return counts


def table_rows(tables) -> dict[str, int]:
    return {table: sql(f"SELECT count(*) FROM {table}")[0][0] for table in tables}  # noqa: S608  (fixed names)


LOADED = ("privacy_personalrecord", "interaction_message", "interaction_messageevent")


def build(args) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from govsites import clock
    from govsites.interaction.models import Message

    started = time.monotonic()
    timings: dict[str, float] = {}
    facts: dict = {"database": settings.DATABASES["default"]["NAME"], "cases_requested": args.cases,
                   "seed": args.seed, "now": clock.now().isoformat(), "profile": common.PROFILE}
    with common.step("migrate (table owner, govsites.settings.production)", timings):
        call_command("migrate", verbosity=0, interactive=False)
    if Message.objects.exists():
        sys.exit("the benchmark database already holds messages: run with --reset to rebuild it")
    with common.step("public_db_grants --apply (role govsites_public)", timings):
        os.environ["PUBLIC_DB_PASSWORD"] = common.deployment_secrets()["PUBLIC_DB_PASSWORD"]
        with open(os.devnull, "w") as quiet:
            call_command("public_db_grants", apply=True, password_env="PUBLIC_DB_PASSWORD",  # noqa: S106  (a variable's name)
                         stdout=quiet)
    with common.step("estate: government, department, portal, SetUpChannels", timings):
        estate = build_estate()
        facts["estate"] = estate
    with common.step("drop secondary indexes of the loaded tables", timings):
        definitions = drop_secondary_indexes(LOADED)
    sql("SET session_replication_role = replica")  # FK triggers off during COPY; verified below
    try:
        with common.step(f"cases: {args.cases:,} messages, personal records, timelines (COPY)", timings):
            facts["cases"] = generate_cases(args.cases, estate, args.seed)
    finally:
        sql("SET session_replication_role = DEFAULT")
    with common.step(f"rebuild {len(definitions)} secondary indexes", timings):
        for definition in definitions:
            sql(definition)
    for table in LOADED:
        sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608  (fixed table names)
            f"GREATEST((SELECT max(id) FROM {table}), 1))")
    with common.step("verify foreign keys of the loaded tables", timings):
        facts["foreign_keys_checked"] = verify_foreign_keys(LOADED)
    with common.step("VACUUM ANALYZE", timings):
        sql("VACUUM ANALYZE")
    with common.step("CHECKPOINT", timings):
        sql("CHECKPOINT")
    timings["total"] = round(time.monotonic() - started, 1)
    facts["table_rows"] = table_rows(LOADED)
    facts["database_size"] = sql("SELECT pg_size_pretty(pg_database_size(current_database()))")[0][0]
    out = common.HERE / ("generate-timings.json" if not args.timings_file else args.timings_file)
    out.write_text(json.dumps({"timings_seconds": timings, "facts": facts}, ensure_ascii=False, indent=2,
                              default=str) + "\n")
    print(f"done in {timings['total'] / 60:.1f} min ({facts['database_size']}); timings written to {out}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=common.DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the benchmark database first")
    parser.add_argument("--timings-file", default="", help="write the timings here instead (e.g. for --small runs)")
    args = parser.parse_args(argv)
    common.refuse_test_database(args.database_url)
    create_database(args.database_url, args.reset)
    common.setup(args.database_url)
    return build(args)


if __name__ == "__main__":
    raise SystemExit(main())
