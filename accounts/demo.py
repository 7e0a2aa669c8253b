"""Demo accounts: one per role and seed county, plus applicants. Documented in README.md."""

from __future__ import annotations

from django.db import transaction

from regions.models import Department, Region

from .choices import AccountKind, StaffRole
from .models import RoleAssignment, User

DEMO_PASSWORD = "yijian-demo-2026"

SEED_COUNTIES = {
    "411421": "minquan",  # 民权县
    "410702": "hongqi",  # 红旗区
    "410902": "hualong",  # 华龙区
    "411323": "xixia",  # 西峡县
    "410721": "xinxiang",  # 新乡县
}

COUNTY_NAMES = {"411421": "民权县", "410702": "红旗区", "410902": "华龙区", "411323": "西峡县", "410721": "新乡县"}

# role -> department function code it works in (None: the whole region)
ROLE_DEPARTMENT = {
    StaffRole.WINDOW: "ADMIN_APPROVAL",
    StaffRole.REVIEWER: "MARKET",
    StaffRole.LEAD: "MARKET",
    StaffRole.DELIVERY: "ADMIN_APPROVAL",
    StaffRole.CATALOG_ADMIN: None,
    StaffRole.SUPERVISOR: None,
    StaffRole.DEPARTMENT_HEAD: "MARKET",  # 部门负责人: receives the 督办 of its department's overdue items
}


# Demo applicants and what registries know them by. The people and the enterprise are fictional (张三, 李四… are
# the usual placeholder names); the numbers are built to pass the GB 11643 / GB 32100 checks and match the
# simulated registries in shareddata/demo_data.yaml.
DEMO_APPLICANTS: list[dict] = [
    {
        "username": "citizen",
        "kind": AccountKind.NATURAL_PERSON,
        "name": "张三",  # new father (新生儿出生), married to 李四
        "identity": {"id_number": "410721199003070010", "mobile": "13800000001"},
    },
    {
        "username": "citizen_spouse",
        "kind": AccountKind.NATURAL_PERSON,
        "name": "李四",  # new mother, 张三's wife
        "identity": {"id_number": "410721199205120020", "mobile": "13800000003"},
    },
    {
        "username": "retiree",
        "kind": AccountKind.NATURAL_PERSON,
        "name": "孙七",  # reaching retirement age (退休)
        "identity": {"id_number": "410721196511030054", "mobile": "13800000004"},
    },
    {
        "username": "engaged",
        "kind": AccountKind.NATURAL_PERSON,
        "name": "吴九",  # about to marry 郑十 in 民权县 (结婚登记一件事)
        "identity": {"id_number": "411421199801060014", "mobile": "13800000005"},
    },
    {
        "username": "engaged_partner",
        "kind": AccountKind.NATURAL_PERSON,
        "name": "郑十",  # the other party: consents from her own account to his application (共同申请)
        "identity": {"id_number": "411421199809020025", "mobile": "13800000006"},
    },
    {
        "username": "enterprise",
        "kind": AccountKind.LEGAL_PERSON,
        "name": "新乡县演示餐饮有限公司",  # opening a restaurant (开办餐饮店)
        "identity": {
            "credit_code": "91410721MA44XJ2R3B",
            "legal_representative": "王五",
            "agent_name": "赵六",
            "agent_id_number": "410721199511200045",
            "mobile": "13800000002",
        },
    },
]


def demo_accounts() -> list[dict]:
    """(username, kind, display name, role, region code, department code, identity fields) of every demo account."""
    rows: list[dict] = [
        {"username": "admin", "kind": AccountKind.STAFF, "name": "系统管理员", "role": StaffRole.SYSADMIN,
         "region": "410000", "department": None},
        {"username": "henan_catalog_admin", "kind": AccountKind.STAFF, "name": "省事项管理员",
         "role": StaffRole.CATALOG_ADMIN, "region": "410000", "department": None},
    ]  # fmt: skip
    for applicant in DEMO_APPLICANTS:
        rows.append({**applicant, "role": None, "region": None, "department": None})
    for code, slug in SEED_COUNTIES.items():
        for role, dept in ROLE_DEPARTMENT.items():
            rows.append(
                {
                    "username": f"{slug}_{role}",
                    "kind": AccountKind.STAFF,
                    "name": f"{COUNTY_NAMES[code]}·{StaffRole(role).label}",
                    "role": role,
                    "region": code,
                    "department": dept,
                }
            )
    rows.extend(department_reviewers())
    return rows


def department_reviewers() -> list[dict]:
    """One reviewer (部门审批人员) per department handling an item of a published, fully specified one-thing of a
    seed county, e.g. xinxiang_rev_public_security, so every task of the demo cases has someone to decide it; and
    its head (部门负责人, xinxiang_head_public_security), to whom the 督办 of its overdue items go."""
    from catalog.choices import OneThingStatus, Specification
    from catalog.models import OneThingItem

    rows = []
    pairs = (
        OneThingItem.objects.filter(
            one_thing__status=OneThingStatus.PUBLISHED,
            one_thing__specification=Specification.FULL,
            one_thing__region__code__in=list(SEED_COUNTIES),
        )
        .values_list("one_thing__region__code", "department__code", "department__name")
        .distinct()
        .order_by("one_thing__region__code", "department__code")
    )
    for region_code, department_code, department_name in pairs:
        slug = SEED_COUNTIES[region_code]
        rows.append(
            {
                "username": f"{slug}_rev_{department_code.lower()}",
                "kind": AccountKind.STAFF,
                "name": f"{department_name}·{StaffRole.REVIEWER.label}",
                "role": StaffRole.REVIEWER,
                "region": region_code,
                "department": department_code,
            }
        )
        rows.append(
            {
                "username": f"{slug}_head_{department_code.lower()}",
                "kind": AccountKind.STAFF,
                "name": f"{department_name}·{StaffRole.DEPARTMENT_HEAD.label}",
                "role": StaffRole.DEPARTMENT_HEAD,
                "region": region_code,
                "department": department_code,
            }
        )
    return rows


@transaction.atomic
def load_demo_accounts() -> int:
    """Create or refresh the demo accounts; idempotent. Returns how many accounts exist afterwards."""
    regions = {r.code: r for r in Region.objects.filter(code__in=[*SEED_COUNTIES, "410000"])}
    for row in demo_accounts():
        user, created = User.objects.get_or_create(
            username=row["username"], defaults={"kind": row["kind"], "display_name": row["name"]}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = row["role"] == StaffRole.SYSADMIN
            user.is_superuser = row["role"] == StaffRole.SYSADMIN
            user.save()
        if row.get("identity"):
            _refresh_identity(user, row)
        if row["role"]:
            region = regions[row["region"]]
            department = (
                Department.objects.filter(region=region, code=row["department"]).first() if row["department"] else None
            )
            RoleAssignment.objects.get_or_create(user=user, role=row["role"], region=region, department=department)
    return User.objects.count()


def _refresh_identity(user: User, row: dict) -> None:
    """Bring a demo applicant's name and identity fields in line with the list, validating them as a form would."""
    wanted = {"kind": row["kind"], "display_name": row["name"], **row["identity"]}
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    if not changed:
        return
    for field in changed:
        setattr(user, field, wanted[field])
    user.full_clean()
    user.save(update_fields=changed)
