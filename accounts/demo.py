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

# role -> department function code it works in (None: the whole region)
ROLE_DEPARTMENT = {
    StaffRole.WINDOW: "ADMIN_APPROVAL",
    StaffRole.REVIEWER: "MARKET",
    StaffRole.LEAD: "MARKET",
    StaffRole.DELIVERY: "ADMIN_APPROVAL",
    StaffRole.CATALOG_ADMIN: None,
    StaffRole.SUPERVISOR: None,
}


def demo_accounts() -> list[dict]:
    """(username, kind, display name, role, region code, department code) of every demo account."""
    rows: list[dict] = [
        {"username": "admin", "kind": AccountKind.STAFF, "name": "系统管理员", "role": StaffRole.SYSADMIN,
         "region": "410000", "department": None},
        {"username": "henan_catalog_admin", "kind": AccountKind.STAFF, "name": "省事项管理员",
         "role": StaffRole.CATALOG_ADMIN, "region": "410000", "department": None},
        {"username": "citizen", "kind": AccountKind.NATURAL_PERSON, "name": "演示市民", "role": None,
         "region": None, "department": None},
        {"username": "enterprise", "kind": AccountKind.LEGAL_PERSON, "name": "演示企业", "role": None,
         "region": None, "department": None},
    ]  # fmt: skip
    for code, slug in SEED_COUNTIES.items():
        for role, dept in ROLE_DEPARTMENT.items():
            rows.append(
                {
                    "username": f"{slug}_{role}",
                    "kind": AccountKind.STAFF,
                    "name": f"{slug}·{StaffRole(role).label}",
                    "role": role,
                    "region": code,
                    "department": dept,
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
        if row["role"]:
            region = regions[row["region"]]
            department = (
                Department.objects.filter(region=region, code=row["department"]).first() if row["department"] else None
            )
            RoleAssignment.objects.get_or_create(user=user, role=row["role"], region=region, department=department)
    return User.objects.count()
