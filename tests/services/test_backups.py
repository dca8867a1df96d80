"""`manage.py backup` and `restore`: the round trip puts back every row and file, and refusals.

The same tests run on SQLite and PostgreSQL. They commit their rows (the backup reads the
database from a connection of its own, as it does while the shop works), so every test here is
transactional; on PostgreSQL they also need pg_dump and pg_restore.
"""

import io
import json
import os
import shutil
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from PIL import Image

from powdercoat.models import InventoryActivity, Job, JobPhoto, Payment
from powdercoat.models.choices import JobStatus, PhotoKind
from powdercoat.services.backups import (
    DATABASE_MEMBERS,
    MANIFEST_MEMBER,
    backup_create,
    backup_inspect,
    backup_restore,
)
from powdercoat.services.inventory import material_usage_log
from powdercoat.services.job_records import job_photos_add
from powdercoat.services.jobs import job_set_status
from tests.factories import (
    CustomerFactory,
    JobFactory,
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    invoiced_job,
    paid,
)

pytestmark = pytest.mark.django_db(transaction=True)

OTHER_ENGINE = {"sqlite": "postgresql", "postgresql": "sqlite"}


@pytest.fixture
def database_tools():
    """On PostgreSQL a backup needs pg_dump and pg_restore: skip visibly where they are missing.

    With REQUIRE_TOOLS=1 (CI) a missing tool fails the test instead.
    """
    if connection.vendor != "postgresql":
        return
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        reason = f"needs {' and '.join(missing)} on PATH (the PostgreSQL client tools)"
        if os.environ.get("REQUIRE_TOOLS") == "1":
            pytest.fail(f"REQUIRE_TOOLS=1 but this test {reason}")
        pytest.skip(reason)


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to a fresh media folder inside the test's own temporary folder."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def backups(tmp_path):
    """The folder the test's archives are written to (removed with tmp_path)."""
    return tmp_path / "backups"


def png_upload(name: str, colour=(200, 40, 40)) -> SimpleUploadedFile:
    """A small real PNG, as a browser would send it."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def row_counts() -> dict[str, int]:
    """Rows in every table the database has, history tables included."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def media_files(root: Path) -> dict[str, bytes]:
    """Every file under `root` by its relative path, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def job_history(job: Job) -> list[tuple]:
    """The job's history rows in order: (type, status, description, user id)."""
    return list(
        Job.history.filter(id=job.pk)
        .order_by("history_id")
        .values_list("history_type", "status", "description", "history_user_id")
    )


@pytest.fixture
def shop(company, office_user, media):
    """A small shop: powder in stock; a job with item, coat, move, usage, photo; a paid invoice."""
    customer = CustomerFactory(company_name="Ironworks Ltd")
    powder = PowderFactory(name="Gloss Black", user=office_user)
    job = JobFactory(customer=customer, description="Gate and two railings", user=office_user)
    item = LineItemFactory(job=job, description="Gate panel", quantity=2)
    LineItemCoatFactory(item=item, powder=powder)
    job_set_status(job=job, user=office_user, status=JobStatus.COATING, note="Blasted")
    usage = material_usage_log(
        job=Job.objects.get(pk=job.pk), item=powder, lbs=Decimal("0.25"), user=office_user
    )
    [photo] = job_photos_add(
        job=job,
        files=[png_upload("gate.png")],
        kind=PhotoKind.BEFORE,
        caption="As dropped off",
        user=office_user,
    )
    invoice = invoiced_job(user=office_user, customer=customer, description="Wheels")
    payment = paid(invoice, "40.00", user=office_user)
    return {
        "job": Job.objects.get(pk=job.pk),
        "usage": usage,
        "photo": photo,
        "payment": payment,
        "user": office_user,
    }


def test_round_trip_puts_back_every_row_and_file(shop, media, backups, database_tools):
    """Backup, edits, deletions, restore: every table's count, the rows and the media as before."""
    job, payment, photo, usage = shop["job"], shop["payment"], shop["photo"], shop["usage"]
    counts_before = row_counts()
    history_before = job_history(job)
    media_before = media_files(media)
    migrations_before = MigrationRecorder(connection).applied_migrations().keys()
    highest_job_pk = Job.objects.order_by("-pk").values_list("pk", flat=True).first()
    photo_name = photo.image.name
    assert len(media_before) == 1
    assert len(history_before) >= 2
    assert counts_before["powdercoat_historicaljob"] > 0

    archive = backup_create(output_dir=backups)

    # The day goes on: edits, new rows, deletions, files removed and added.
    Job.objects.filter(pk=job.pk).update(description="Changed after the backup")
    job_set_status(
        job=Job.objects.get(pk=job.pk), user=shop["user"], status=JobStatus.CURING, note="Oven"
    )
    JobFactory(description="Arrived after the backup")
    Payment.objects.filter(pk=payment.pk).update(amount=Decimal("1.00"))
    InventoryActivity.objects.filter(pk=usage.pk).delete()
    Job.history.filter(id=job.pk).delete()
    photo.image.delete(save=False)
    JobPhoto.objects.filter(pk=photo.pk).delete()
    (media / "stray").mkdir()
    (media / "stray" / "notes.txt").write_text("not in the backup")
    assert row_counts() != counts_before

    result = backup_restore(archive=archive)

    assert set(row_counts()) == set(connection.introspection.table_names())
    assert row_counts() == counts_before
    assert result.row_counts == counts_before
    assert result.mismatched_tables == []
    restored = Job.objects.get(pk=job.pk)
    assert (restored.number, restored.status, restored.description) == (
        job.number,
        JobStatus.COATING,
        "Gate and two railings",
    )
    assert Payment.objects.get(pk=payment.pk).amount == Decimal("40.00")
    assert InventoryActivity.objects.get(pk=usage.pk).quantity == usage.quantity
    assert job_history(restored) == history_before
    assert JobPhoto.objects.get(pk=photo.pk).image.name == photo_name
    assert media_files(media) == media_before
    assert not (media / "stray").exists()
    assert MigrationRecorder(connection).applied_migrations().keys() == migrations_before
    # Sequences came back with the rows: the next job gets a new id and a new number.
    later = JobFactory(description="First job after the restore")
    assert later.pk > highest_job_pk
    assert later.number != job.number
    assert Job.history.filter(id=later.pk).exists()


def test_archive_holds_database_media_and_manifest(shop, media, backups, database_tools):
    """One dated, owner-only .tar.gz: the database member, media/<path>, and a true manifest."""
    counts = row_counts()
    archive = backup_create(output_dir=backups)

    assert archive.parent == backups
    assert archive.name.startswith("powdercoat-backup-")
    assert archive.name.endswith(".tar.gz")
    assert archive.stat().st_mode & 0o077 == 0
    assert [path.name for path in backups.iterdir()] == [archive.name]  # no leftovers
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(MANIFEST_MEMBER).read())
    [photo_name] = media_files(media)
    assert sorted(names) == sorted(
        [DATABASE_MEMBERS[connection.vendor], f"media/{photo_name}", MANIFEST_MEMBER]
    )
    assert manifest["engine"] == connection.vendor
    assert manifest["row_counts"] == counts
    assert manifest["media_files"] == 1
    assert manifest["migrations"]["powdercoat"] == max(
        name
        for app, name in MigrationRecorder(connection).applied_migrations()
        if app == "powdercoat"
    )
    assert backup_inspect(archive=archive).row_counts == counts


def test_commands_print_the_archive_and_the_row_counts(shop, media, backups, database_tools):
    """`backup` names the archive and its size; `restore --yes` prints archive vs restored rows."""
    out = io.StringIO()
    call_command("backup", output_dir=backups, stdout=out)
    [archive] = backups.iterdir()
    assert f"Backup written to {archive} (" in out.getvalue()
    assert "KB)" in out.getvalue() or "MB)" in out.getvalue()

    out = io.StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)
    text = out.getvalue()
    assert "Restored the database and 1 file of media" in text
    jobs = Job.objects.count()
    assert any(
        line.split() == ["powdercoat_job", str(jobs), str(jobs)] for line in text.splitlines()
    )
    assert f"All {len(row_counts())} tables match the archive." in text


def test_restore_asks_first_and_a_no_changes_nothing(
    shop, media, backups, database_tools, monkeypatch
):
    """Without --yes the restore names what it overwrites; any answer but "yes" changes nothing."""
    archive = backup_create(output_dir=backups)
    job = shop["job"]
    Job.objects.filter(pk=job.pk).update(description="Kept")
    questions = []
    monkeypatch.setattr("builtins.input", lambda prompt: questions.append(prompt) or "no")
    out = io.StringIO()

    with pytest.raises(CommandError, match="Restore cancelled; nothing was changed"):
        call_command("restore", str(archive), stdout=out)

    assert questions
    assert "will overwrite" in out.getvalue()
    assert str(media) in out.getvalue()
    assert connection.settings_dict["NAME"] in out.getvalue()
    assert Job.objects.get(pk=job.pk).description == "Kept"


# -- refusals --------------------------------------------------------------------------------


def _tar_gz(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _with_extra_member(archive: Path, target: Path, extra: tarfile.TarInfo, data=b"") -> Path:
    """A copy of `archive` with one more member, put before the manifest."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            if member.name == MANIFEST_MEMBER:
                copy.addfile(extra, io.BytesIO(data) if extra.isreg() else None)
            copy.addfile(member, source.extractfile(member))
    return target


@pytest.fixture
def state_after_backup(shop, media, backups, database_tools):
    """A real archive, then a change to the database and to the media a refusal must not undo."""
    archive = backup_create(output_dir=backups)
    Job.objects.filter(pk=shop["job"].pk).update(description="Changed after the backup")
    (media / "new.txt").write_text("added after the backup")
    return archive, row_counts(), media_files(media)


def _assert_nothing_changed(shop, media, counts, files):
    assert Job.objects.get(pk=shop["job"].pk).description == "Changed after the backup"
    assert row_counts() == counts
    assert media_files(media) == files


@pytest.mark.parametrize(
    "content",
    [
        b"just some text, not an archive",
        b"\x1f\x8b\x08\x00garbage after a gzip header",
    ],
    ids=["text file", "broken gzip"],
)
def test_a_file_that_is_not_an_archive_is_refused(
    content, state_after_backup, shop, media, tmp_path
):
    """A text file or broken gzip named like a backup is refused and nothing changes."""
    _archive, counts, files = state_after_backup
    fake = tmp_path / "powdercoat-backup-2026-01-01T000000Z.tar.gz"
    fake.write_bytes(content)

    with pytest.raises(ValidationError, match="is not a powdercoat backup archive"):
        backup_restore(archive=fake)
    _assert_nothing_changed(shop, media, counts, files)


def test_a_tar_without_manifest_is_refused(state_after_backup, shop, media, tmp_path):
    """A .tar.gz that is not one of ours (no manifest) is refused and nothing changes."""
    _archive, counts, files = state_after_backup
    other = _tar_gz(tmp_path / "photos.tar.gz", {"media/holiday.jpg": b"\xff\xd8 not ours"})

    with pytest.raises(ValidationError, match=r"it has no manifest\.json"):
        backup_restore(archive=other)
    _assert_nothing_changed(shop, media, counts, files)


def test_a_cut_off_archive_is_refused_before_anything_changes(
    state_after_backup, shop, media, tmp_path
):
    """An archive truncated in transit is found out while unpacking; nothing is restored."""
    archive, counts, files = state_after_backup
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])

    with pytest.raises(ValidationError, match="is not a powdercoat backup archive"):
        backup_restore(archive=truncated)
    _assert_nothing_changed(shop, media, counts, files)


def test_an_archive_of_the_other_engine_is_refused(state_after_backup, shop, media, tmp_path):
    """A backup of a PostgreSQL site cannot be restored onto SQLite, nor the other way round."""
    archive, counts, files = state_after_backup
    other = OTHER_ENGINE[connection.vendor]
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST_MEMBER).read())
    manifest.update(engine=other, media_files=0)
    foreign = _tar_gz(
        tmp_path / "foreign.tar.gz",
        {DATABASE_MEMBERS[other]: b"a database", MANIFEST_MEMBER: json.dumps(manifest).encode()},
    )

    with pytest.raises(ValidationError, match="it can only be restored onto"):
        backup_restore(archive=foreign)
    with pytest.raises(CommandError, match="it can only be restored onto"):
        call_command("restore", str(foreign), yes=True)
    _assert_nothing_changed(shop, media, counts, files)


def _member(name: str, kind=tarfile.REGTYPE, size=0, linkname="") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = size
    info.linkname = linkname
    return info


@pytest.mark.parametrize(
    ("name", "kind", "linkname"),
    [
        ("media/../../escaped.txt", tarfile.REGTYPE, ""),
        ("../escaped.txt", tarfile.REGTYPE, ""),
        ("ABSOLUTE", tarfile.REGTYPE, ""),
        ("media/jobs/escaped.txt", tarfile.SYMTYPE, "../../escaped.txt"),
        ("media/jobs/escaped.txt", tarfile.LNKTYPE, "manifest.json"),
        ("media/jobs", tarfile.DIRTYPE, ""),
    ],
    ids=["../ inside media", "../ at the top", "absolute path", "symlink", "hard link", "folder"],
)
def test_a_member_that_could_escape_the_media_folder_is_refused(
    name, kind, linkname, state_after_backup, shop, media, tmp_path
):
    """`..`, absolute names, links and folders refuse the whole archive; nothing is written."""
    archive, counts, files = state_after_backup
    escaped = tmp_path / "escaped.txt"
    if name == "ABSOLUTE":
        name = str(escaped)
    data = b"escaped!" if kind == tarfile.REGTYPE else b""
    bad = _with_extra_member(
        archive,
        tmp_path / "bad.tar.gz",
        _member(name, kind, len(data), linkname),
        data,
    )

    with pytest.raises(ValidationError, match="Nothing changed"):
        backup_restore(archive=bad)
    assert not escaped.exists()
    assert not (media.parent / "escaped.txt").exists()
    _assert_nothing_changed(shop, media, counts, files)


def test_backups_are_not_written_into_the_media_folder(media, company):
    """An output folder under MEDIA_ROOT (served at /media/) is refused."""
    with pytest.raises(ValidationError, match="cannot be written inside MEDIA_ROOT"):
        backup_create(output_dir=media / "backups")
    assert not (media / "backups").exists()
