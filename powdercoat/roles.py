"""The four roles of SPEC 0 as Django groups, and the permissions each one holds."""

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

ADMINISTRATOR = "Administrator"
OFFICE = "Office"
SUPERVISOR = "Supervisor"
SHOP_FLOOR = "Shop Floor"

_CRUD = ("add", "change", "delete", "view")


def works_on_the_floor_only(user) -> bool:
    """In the Shop Floor group and no other role: the person whose front door is the phone view."""
    if not user.is_authenticated or user.is_superuser:
        return False
    names = {group.name for group in user.groups.all()}
    return SHOP_FLOOR in names and not names & {ADMINISTRATOR, OFFICE, SUPERVISOR}


def _model_perms(model: str, actions: tuple[str, ...] = _CRUD) -> set[str]:
    return {f"powdercoat.{action}_{model}" for action in actions}


# Office: customers, jobs, inventory and catalogue; sees prices; no company settings.
_OFFICE = (
    _model_perms("customer")
    | _model_perms("worker")
    | _model_perms("inventoryitem")
    | _model_perms("inventoryactivity", ("add", "view"))
    | _model_perms("prepservice")
    | _model_perms("catalogproduct")
    | _model_perms("catalogproductcoat")
    | _model_perms("job")
    | _model_perms("lineitem")
    | _model_perms("lineitemcoat")
    | _model_perms("lineitemprep")
    | _model_perms("jobtemplate")
    | _model_perms("quote")
    | _model_perms("invoice")
    | _model_perms("invoiceline", ("view",))
    | _model_perms("payment", ("add", "view"))
    | _model_perms("emaillog", ("view",))
    | _model_perms("jobphoto")
    | _model_perms("jobnote")
    | _model_perms("timeentry")
    | _model_perms("reworkrecord")
    | _model_perms("partintake")
    | _model_perms("statuschange", ("view",))
    | _model_perms("oven", ("view",))
    | {
        "powdercoat.advance_job",
        "powdercoat.cancel_job",
        "powdercoat.set_job_status",
        "powdercoat.view_prices",
        # Putting right a payment or a stock change entered by mistake (never deleting it).
        "powdercoat.reverse_payment",
        "powdercoat.reverse_inventoryactivity",
    }
)

# Shop Floor: sees jobs and stock, moves jobs along, logs material; no prices, no customers.
_SHOP_FLOOR = (
    _model_perms("job", ("view",))
    | _model_perms("lineitem", ("view",))
    | _model_perms("lineitemcoat", ("view",))
    | _model_perms("lineitemprep", ("view",))
    | _model_perms("statuschange", ("view",))
    | _model_perms("inventoryitem", ("view",))
    | _model_perms("inventoryactivity", ("add", "view"))
    | _model_perms("prepservice", ("view",))
    | _model_perms("worker", ("view",))
    # What the floor records against a job (SPEC J11-J16); they add, and fix their intake.
    | _model_perms("jobphoto", ("add", "view"))
    | _model_perms("jobnote", ("add", "view"))
    | _model_perms("timeentry", ("add", "view"))
    | _model_perms("reworkrecord", ("add", "view"))
    | _model_perms("partintake", ("add", "change", "view"))
    | {"powdercoat.advance_job"}
)

# What "*" covers: the shop, users and roles, and the failed logins the Administrator unlocks.
ADMINISTRATOR_APPS = {"powdercoat", "auth", "axes"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    ADMINISTRATOR: {"*"},
    OFFICE: _OFFICE,
    # Everything the office does on jobs and inventory, plus reopening cancelled jobs and
    # keeping the ovens' capacities right (they run the floor the plan is made for).
    SUPERVISOR: _OFFICE | {"powdercoat.reopen_job"} | _model_perms("oven"),
    SHOP_FLOOR: _SHOP_FLOOR,
}


def sync_roles(apps: Apps = global_apps, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the role groups and give each exactly its permissions (safe to run again).

    Runs after every `migrate` (a post_migrate receiver, see apps.py), so a role that gained a
    permission in this file, or a group someone edited by hand, is put right by the next
    deployment. Groups other than the four roles are left as they are. `apps` is the registry
    post_migrate hands over (the models as the migrations left them) or the running one.
    """
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return  # auth is not migrated on this database (yet): there is nothing to attach.
    # django.contrib.auth creates the permissions from post_migrate too, one app at a time;
    # creating the ones the roles name here (it skips those that exist) means the roles never
    # depend on which app's turn came first.
    for label in sorted({"powdercoat", *ADMINISTRATOR_APPS}):
        if global_apps.is_installed(label):
            create_permissions(
                global_apps.get_app_config(label), verbosity=0, using=using, apps=apps
            )

    by_name = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        if wanted == {"*"}:
            ids = [pk for name, pk in by_name.items() if name.split(".")[0] in ADMINISTRATOR_APPS]
        else:
            ids = [by_name[name] for name in sorted(wanted) if name in by_name]
        group.permissions.set(ids)
