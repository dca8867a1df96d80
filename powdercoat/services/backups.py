"""Backing up and restoring the whole shop, database and uploaded files, as one archive (SPEC 15).

An archive is a gzipped tar file named `powdercoat-backup-<UTC time>.tar.gz` holding:

    database.sqlite3 or database.pgdump   the database, copied online
    media/<path>                          every file under MEDIA_ROOT, relative paths kept
    manifest.json                         when, which engine, migration state, rows per table,
                                          the number of media files

The database is copied while the app keeps running: SQLite through its online backup API (the
file itself is never copied, WAL mode is on), PostgreSQL with `pg_dump --format=custom` inside
an exported snapshot, so the manifest's row counts are those of the dump. The database is copied
before the media: an uploaded file is written before its row is committed, so every file the
copied database names is complete on disk when the media are read.

A restore reads and checks the whole archive into a scratch folder first (only regular files,
only the known members, no name that could leave MEDIA_ROOT); an archive that fails any check
changes nothing. Then the database is put back (SQLite: backup API into the live file;
PostgreSQL: `pg_restore --clean --single-transaction`), and MEDIA_ROOT is made exactly the
archive's files.
"""

import dataclasses
import gzip
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any, Protocol

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

ARCHIVE_PREFIX = "powdercoat-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
ARCHIVE_FORMAT = "powdercoat-backup"
ARCHIVE_VERSION = 1
MANIFEST_MEMBER = "manifest.json"
MEDIA_MEMBER = "media"
# The database member's name says which engine made it.
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

_MANIFEST_MAX_BYTES = 10 * 1024 * 1024
_GZIP_LEVEL = 6  # photos are compressed already; level 9 costs time for nothing
_CHUNK = 1024 * 1024
# libpq reads these from the environment; DATABASES OPTIONS may set them for the app.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
# What reading a damaged or foreign file as .tar.gz raises.
_NOT_TAR_GZ = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, UnicodeError)


@dataclass(frozen=True)
class BackupManifest:
    """What an archive says about itself (manifest.json)."""

    created_at: str
    engine: str
    migrations: dict[str, str]
    row_counts: dict[str, int]
    media_files: int

    @property
    def engine_label(self) -> str:
        return ENGINE_LABELS.get(self.engine, self.engine)

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.engine]

    @property
    def created_text(self) -> str:
        """When the backup was made, in the server's time zone: "2026-12-01 15:30 CST"."""
        try:
            moment = datetime.fromisoformat(self.created_at)
        except ValueError:
            return self.created_at
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")

    def as_json(self) -> bytes:
        """The manifest as stored in the archive."""
        data = {"format": ARCHIVE_FORMAT, "version": ARCHIVE_VERSION, **dataclasses.asdict(self)}
        return json.dumps(data, indent=2, sort_keys=True).encode()


@dataclass(frozen=True)
class RestoreResult:
    """What a restore put back: the archive's manifest and the restored database's row counts."""

    manifest: BackupManifest
    row_counts: dict[str, int]
    media_files: int
    needs_migrate: bool

    @property
    def tables(self) -> list[str]:
        """Every table named by the archive or found in the restored database, sorted."""
        return sorted(set(self.manifest.row_counts) | set(self.row_counts))

    @property
    def mismatched_tables(self) -> list[str]:
        """Tables whose restored row count differs from the archive's."""
        return [
            table
            for table in self.tables
            if self.manifest.row_counts.get(table) != self.row_counts.get(table)
        ]


# -- where things are ----------------------------------------------------------------------------


def backup_default_dir() -> Path:
    """Where backups go unless told otherwise: var/backups/ (next to the SQLite database)."""
    return Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / "backups"


def files_text(count: int) -> str:
    """ "1 file", "3 files"."""
    return f"{count} file" if count == 1 else f"{count} files"


def _connection() -> BaseDatabaseWrapper:
    return connections[DEFAULT_DB_ALIAS]


class _Cursor(Protocol):
    """What reading a database takes of a cursor; sqlite3's, psycopg's and Django's all fit."""

    def execute(self, sql: str, /) -> object: ...

    def fetchall(self) -> list[Any]: ...

    def fetchone(self) -> Any: ...


def _engine() -> str:
    vendor = _connection().vendor
    if vendor not in DATABASE_MEMBERS:
        raise CommandError(
            f"Backups work with SQLite and PostgreSQL; this site's database is {vendor}."
        )
    return vendor


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def _is_inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _sqlite_file() -> Path:
    # The name the running process really uses (a test run uses its own file).
    path = Path(_connection().settings_dict["NAME"])
    if not path.is_file():
        raise CommandError(f"There is no database at {path}; run `manage.py migrate` first.")
    return path


def _database_description() -> str:
    """The live database, named the way a person can check it ("PostgreSQL database x on h")."""
    if _engine() == "sqlite":
        return f"the SQLite database {_connection().settings_dict['NAME']}"
    params = _connection().settings_dict
    where = f"{params.get('HOST') or 'localhost'}:{params.get('PORT') or 5432}"
    return f"the PostgreSQL database “{params['NAME']}” on {where}"


# -- reading a database --------------------------------------------------------------------------


def _table_names(cursor: _Cursor, engine: str) -> list[str]:
    """Every table of the database, as Django's introspection lists them."""
    if engine == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence'"
        )
    else:
        cursor.execute(
            "SELECT c.relname FROM pg_catalog.pg_class c"
            " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'pg_toast')"
            " AND pg_catalog.pg_table_is_visible(c.oid)"
        )
    return sorted(row[0] for row in cursor.fetchall())


def _row_counts(cursor: _Cursor, engine: str) -> dict[str, int]:
    quote = _connection().ops.quote_name
    counts = {}
    for table in _table_names(cursor, engine):
        # Table names come from the database's own catalogue, quoted.
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _migration_state(cursor: _Cursor) -> dict[str, str]:
    """The latest applied migration of each app (migration names start with their number)."""
    try:
        cursor.execute("SELECT app, name FROM django_migrations")
    except Exception as error:  # sqlite3 and psycopg name "no such table" differently
        raise CommandError(
            "The database has no migration table; run `manage.py migrate` first."
        ) from error
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


# -- tools ---------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"{name} was not found on PATH. Install the PostgreSQL client tools (the same major "
            "version as the server or newer), e.g. `apt install postgresql-client`."
        )
    return path


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    """Connection flags and environment for pg_dump/pg_restore, from DATABASES["default"].

    The password travels in PGPASSWORD, never on the command line (where `ps` shows it).
    """
    params = _connection().settings_dict
    arguments = ["--no-password"]  # fail instead of waiting for a password on the terminal
    if params.get("HOST"):
        arguments += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        arguments += ["--port", str(params["PORT"])]
    if params.get("USER"):
        arguments += ["--username", str(params["USER"])]
    arguments += ["--dbname", str(params["NAME"])]
    environment = dict(os.environ)
    if params.get("PASSWORD"):
        environment["PGPASSWORD"] = str(params["PASSWORD"])
    for option, variable in _LIBPQ_OPTIONS.items():
        if params.get("OPTIONS", {}).get(option) is not None:
            environment[variable] = str(params["OPTIONS"][option])
    return arguments, environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise CommandError(f"{what} failed ({Path(command[0]).name}): {detail}")


# -- backup --------------------------------------------------------------------------------------


def _copy_sqlite(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Copy the live SQLite file page by page in one step, then count the copy's rows."""
    source_path = _sqlite_file()
    with (
        closing(sqlite3.connect(source_path, timeout=30)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        # pages=-1: one step under one read transaction, so the copy is one moment in time
        # while writers carry on (WAL).
        source.backup(copy, pages=-1)
    with closing(sqlite3.connect(target)) as copy:
        cursor = copy.cursor()
        return _row_counts(cursor, "sqlite"), _migration_state(cursor)


def _dump_postgresql(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """pg_dump inside an exported snapshot; the rows are counted in that same snapshot."""
    pg_dump = _tool("pg_dump")
    arguments, environment = _pg_arguments()
    import psycopg  # Django's PostgreSQL driver here; a SQLite site need not load it

    # A connection of our own, so whatever transaction Django's connection is in is untouched.
    raw = psycopg.connect(**_connection().get_connection_params())
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_catalog.pg_export_snapshot()")
            exported = cursor.fetchone()
            if exported is None:  # the function always answers one row
                raise CommandError("PostgreSQL did not export a snapshot for the dump.")
            snapshot = exported[0]
            counts = _row_counts(cursor, "postgresql")
            migrations = _migration_state(cursor)
            # The snapshot lives as long as this transaction: keep it open until pg_dump is done.
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(target),
                    *arguments,
                ],
                environment,
                "The database dump",
            )
    finally:
        raw.close()  # ends the read-only transaction
    return counts, migrations


def _media_files(root: Path) -> Iterable[tuple[Path, str]]:
    """Regular files under `root` with their relative paths; links are not followed."""
    if not root.is_dir():
        return
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            yield path, path.relative_to(root).as_posix()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, source: IO[bytes]) -> None:
    # Sized from the open file: a file replaced meanwhile is read whole, as it was when opened.
    status = os.fstat(source.fileno())
    info = tarfile.TarInfo(name)
    info.size = status.st_size
    info.mtime = int(status.st_mtime)
    info.mode = 0o600
    tar.addfile(info, source)


def _archive_name(output_dir: Path) -> Path:
    stamp = timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    path = output_dir / f"{ARCHIVE_PREFIX}{stamp}{ARCHIVE_SUFFIX}"
    number = 2
    while path.exists():
        path = output_dir / f"{ARCHIVE_PREFIX}{stamp}-{number}{ARCHIVE_SUFFIX}"
        number += 1
    return path


def backup_create(*, output_dir: Path) -> Path:
    """Write one dated archive of the database and every media file into `output_dir`.

    Safe while people use the app: the database is read online (SQLite backup API or pg_dump in
    a snapshot) and nothing is written to it. The archive appears under its final name only
    when it is complete, readable by its owner only (it holds customers and password hashes).
    Returns the archive's path.
    """
    engine = _engine()
    output_dir = Path(output_dir).absolute()
    media_root = _media_root()
    if _is_inside(output_dir, media_root):
        raise ValidationError(
            f"Backups cannot be written inside MEDIA_ROOT ({media_root}): the app serves that "
            "folder and a restore empties it. Choose another folder."
        )
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    created_at = timezone.now()
    final = _archive_name(output_dir)
    partial = output_dir / f".{final.name}.partial"
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=output_dir) as scratch:
        database = Path(scratch) / DATABASE_MEMBERS[engine]
        if engine == "sqlite":
            row_counts, migrations = _copy_sqlite(database)
        else:
            row_counts, migrations = _dump_postgresql(database)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with (
                os.fdopen(descriptor, "wb") as output,
                tarfile.open(
                    fileobj=output,
                    mode="w:gz",
                    compresslevel=_GZIP_LEVEL,
                    format=tarfile.PAX_FORMAT,
                ) as tar,
            ):
                with open(database, "rb") as source:
                    _add_file(tar, database.name, source)
                media_count = 0
                for path, relative in _media_files(media_root):
                    try:
                        source = open(path, "rb")  # noqa: SIM115 (closed just below)
                    except FileNotFoundError:
                        continue  # deleted since it was listed, so not in the copied database
                    with source:
                        _add_file(tar, f"{MEDIA_MEMBER}/{relative}", source)
                    media_count += 1
                # Written last, so its media count is the number of files really added.
                manifest = BackupManifest(
                    created_at=created_at.isoformat(),
                    engine=engine,
                    migrations=migrations,
                    row_counts=row_counts,
                    media_files=media_count,
                )
                _add_bytes(tar, MANIFEST_MEMBER, manifest.as_json())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return final


def backup_size_text(path: Path) -> str:
    """An archive's size as a person reads it: "4.2 MB"."""
    return str(filesizeformat(path.stat().st_size)).replace("\xa0", " ")


# -- reading an archive --------------------------------------------------------------------------


def _not_a_backup(archive: Path, why: str) -> ValidationError:
    return ValidationError(f"{archive} is not a powdercoat backup archive: {why}. Nothing changed.")


def _parse_manifest(archive: Path, data: bytes) -> BackupManifest:
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeError):
        raise _not_a_backup(archive, "its manifest.json is not readable JSON") from None
    if not isinstance(raw, dict) or raw.get("format") != ARCHIVE_FORMAT:
        raise _not_a_backup(archive, "its manifest.json is not a powdercoat manifest")
    if not isinstance(raw.get("version"), int) or raw["version"] > ARCHIVE_VERSION:
        raise ValidationError(
            f"{archive} was written by a newer version of this app (archive format "
            f"{raw.get('version')!r}); update the app first. Nothing changed."
        )
    try:
        manifest = BackupManifest(
            created_at=str(raw["created_at"]),
            engine=str(raw["engine"]),
            migrations={str(app): str(name) for app, name in raw["migrations"].items()},
            row_counts={str(table): int(count) for table, count in raw["row_counts"].items()},
            media_files=int(raw["media_files"]),
        )
    except (KeyError, AttributeError, TypeError, ValueError):
        raise _not_a_backup(archive, "its manifest.json lacks some of its fields") from None
    if manifest.engine not in DATABASE_MEMBERS:
        raise _not_a_backup(archive, f"it names an unknown database engine {manifest.engine!r}")
    return manifest


def _media_relative(archive: Path, member: tarfile.TarInfo) -> PurePosixPath:
    """The path under MEDIA_ROOT a media member may be written to, or a refusal."""
    name = member.name
    parts = name.split("/")
    # A backslash is an ordinary character in a POSIX file name (Django never writes one, but a
    # file copied in by hand may have one), so it is kept; only "/" separates folders.
    if (
        "\x00" in name
        or len(parts) < 2
        or parts[0] != MEDIA_MEMBER
        or any(part in ("", ".", "..") for part in parts)  # also refuses a leading "/"
    ):
        raise ValidationError(
            f"{archive} holds a file named “{name}” that would be written outside the media "
            "folder; the archive is not restored. Nothing changed."
        )
    return PurePosixPath(*parts[1:])


def _copy_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    source = tar.extractfile(member)
    if source is None:  # only regular files reach here; this is belt and braces
        raise tarfile.ReadError(f"{member.name} has no content")
    target.parent.mkdir(parents=True, exist_ok=True)
    with source, open(target, "xb") as output:
        shutil.copyfileobj(source, output, _CHUNK)


def _unpack(archive: Path, scratch: Path | None) -> BackupManifest:
    """Check every member of `archive`; with `scratch`, also copy them there.

    Members are the manifest, one database file and media files, all regular files; anything
    else (a link, a folder, a device, a name leaving the media folder, a duplicate) refuses the
    whole archive.
    """
    if not archive.is_file():
        raise ValidationError(f"There is no file {archive}. Nothing changed.")
    manifest_data: bytes | None = None
    database_members: list[str] = []
    media_count = 0
    seen: set[str] = set()
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if member.name in seen:
                    raise _not_a_backup(archive, f"it holds “{member.name}” twice")
                seen.add(member.name)
                if not member.isreg():
                    raise ValidationError(
                        f"{archive} holds “{member.name}”, which is not a regular file (a link, "
                        "folder or device); the archive is not restored. Nothing changed."
                    )
                if member.name == MANIFEST_MEMBER:
                    if member.size > _MANIFEST_MAX_BYTES:
                        raise _not_a_backup(archive, "its manifest.json is far too large")
                    manifest_file = tar.extractfile(member)
                    if manifest_file is None:  # only links and folders have no content
                        raise _not_a_backup(archive, "its manifest.json cannot be read")
                    manifest_data = manifest_file.read()
                elif member.name in DATABASE_MEMBERS.values():
                    database_members.append(member.name)
                    if scratch is not None:
                        _copy_member(tar, member, scratch / member.name)
                else:
                    relative = _media_relative(archive, member)
                    media_count += 1
                    if scratch is not None:
                        _copy_member(tar, member, scratch / MEDIA_MEMBER / relative)
    except _NOT_TAR_GZ as error:
        raise _not_a_backup(archive, f"it cannot be read as a .tar.gz file ({error})") from None
    except OSError as error:  # unreadable archive, or the scratch folder is full
        raise CommandError(f"Could not unpack {archive}: {error}. Nothing changed.") from None
    if manifest_data is None:
        raise _not_a_backup(archive, "it has no manifest.json")
    manifest = _parse_manifest(archive, manifest_data)
    if database_members != [manifest.database_member]:
        raise _not_a_backup(
            archive, f"it should hold exactly one database file, {manifest.database_member}"
        )
    if media_count != manifest.media_files:
        raise _not_a_backup(
            archive,
            f"its manifest lists {manifest.media_files} media files but it holds {media_count}",
        )
    return manifest


def _check_fits_this_site(archive: Path, manifest: BackupManifest) -> None:
    engine = _engine()
    if manifest.engine != engine:
        raise ValidationError(
            f"{archive} holds a {manifest.engine_label} database, but this site runs on "
            f"{ENGINE_LABELS[engine]}; it can only be restored onto {manifest.engine_label}. "
            "Nothing changed."
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [
        f"{app}.{name}"
        for app, name in manifest.migrations.items()
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
    ]
    if unknown:
        raise ValidationError(
            f"{archive} was made by a newer version of the app (its database has migration "
            f"{', '.join(unknown)}, which this code lacks); update the app first. Nothing changed."
        )


def backup_inspect(*, archive: Path) -> BackupManifest:
    """Check that `archive` is a backup this site can restore, and return its manifest.

    Reads the whole archive (a damaged one is refused here rather than half-way through a
    restore) and changes nothing.
    """
    archive = Path(archive)
    manifest = _unpack(archive, scratch=None)
    _check_fits_this_site(archive, manifest)
    return manifest


def backup_restore_summary(*, archive: Path, manifest: BackupManifest) -> str:
    """What a restore of `archive` would overwrite, for the question asked before it starts."""
    media_root = _media_root()
    current = sum(1 for _ in _media_files(media_root))
    tables = len(manifest.row_counts)
    rows = sum(manifest.row_counts.values())
    return (
        f"Restoring {archive} (made {manifest.created_text}) will overwrite:\n"
        f"  - {_database_description()}: every table is replaced by the archive's "
        f"{tables} tables ({rows} rows); everything entered since the backup is lost;\n"
        f"  - the media folder {media_root}: its {files_text(current)} are replaced by the "
        f"archive's {files_text(manifest.media_files)} (files not in the archive are deleted)."
    )


# -- restore -------------------------------------------------------------------------------------


def _check_sqlite_copy(path: Path) -> None:
    try:
        with closing(sqlite3.connect(path)) as copy:
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
            copy.execute("SELECT COUNT(*) FROM django_migrations").fetchone()
    except sqlite3.DatabaseError as error:
        raise ValidationError(
            f"The archive's database file is not a usable SQLite database ({error}). "
            "Nothing changed."
        ) from None
    if verdict != "ok":
        raise ValidationError(
            f"The archive's database file is damaged ({verdict}). Nothing changed."
        )


def _restore_sqlite(copy: Path) -> None:
    _check_sqlite_copy(copy)
    live = _sqlite_file()
    # This process's connections go first; other processes wait on the lock (busy timeout)
    # and see the restored pages afterwards.
    connections.close_all()
    with closing(sqlite3.connect(copy)) as source, closing(sqlite3.connect(live, timeout=60)) as db:
        source.backup(db, pages=-1)


def _restore_postgresql(dump: Path) -> None:
    pg_restore = _tool("pg_restore")
    arguments, environment = _pg_arguments()
    listing = subprocess.run(
        [pg_restore, "--list", str(dump)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise ValidationError(
            "The archive's database file is not a PostgreSQL custom-format dump "
            f"({listing.stderr.strip()}). Nothing changed."
        )
    connections.close_all()
    # One transaction: if any statement fails, the database is left as it was.
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *arguments,
            str(dump),
        ],
        environment,
        "Restoring the database",
    )


def _replace_media(staged: Path, root: Path) -> int:
    """Make `root` hold exactly the files under `staged` (written via a temporary name each)."""
    root.mkdir(parents=True, exist_ok=True)
    wanted: set[str] = set()
    for path, relative in _media_files(staged):
        folder = root
        for part in PurePosixPath(relative).parts[:-1]:
            folder = folder / part
            # A link here could lead outside MEDIA_ROOT; a file is in the way of the folder.
            if folder.is_symlink() or folder.is_file():
                folder.unlink()
            folder.mkdir(exist_ok=True)
        target = root / relative
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        temporary = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(path, temporary)
        os.replace(temporary, target)
        wanted.add(relative)
    # Whatever the archive does not have goes, so the folder is exactly the backed-up one.
    for walked, subfolders, files in os.walk(root, topdown=False):
        here = Path(walked)
        for name in files:
            path = here / name
            if path.relative_to(root).as_posix() not in wanted:
                path.unlink()
        for name in subfolders:
            path = here / name
            if path.is_symlink():
                path.unlink()
            elif not any(path.iterdir()):
                path.rmdir()
    return len(wanted)


def _live_row_counts() -> dict[str, int]:
    connection = _connection()
    with connection.cursor() as cursor:
        return _row_counts(cursor, connection.vendor)


def _needs_migrate() -> bool:
    executor = MigrationExecutor(_connection())
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def backup_restore(*, archive: Path) -> RestoreResult:
    """Put the database and the media folder back as they were when `archive` was made.

    The archive is checked completely before anything is touched: a file that is not a backup,
    one made on another database engine or by a newer version of the app, or one with a member
    that is not a plain file or would land outside MEDIA_ROOT is refused and nothing changes.
    Everything entered since the backup is lost; files under MEDIA_ROOT that are not in the
    archive are deleted.
    """
    archive = Path(archive).absolute()
    connection = _connection()
    if connection.in_atomic_block:
        raise CommandError("A restore cannot run inside a database transaction.")
    media_root = _media_root()
    if _is_inside(archive, media_root):
        raise ValidationError(
            f"{archive} is inside MEDIA_ROOT, which the restore empties; move it elsewhere first."
        )
    engine = _engine()
    if engine == "sqlite" and _is_inside(_sqlite_file(), media_root):
        raise CommandError("The SQLite database lies inside MEDIA_ROOT; a restore would delete it.")
    with tempfile.TemporaryDirectory(prefix="powdercoat-restore-") as scratch_name:
        scratch = Path(scratch_name)
        manifest = _unpack(archive, scratch)
        _check_fits_this_site(archive, manifest)
        database = scratch / manifest.database_member
        if engine == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_postgresql(database)
        connections.close_all()
        # Content type ids are cached per process and may differ in the restored database.
        ContentType.objects.clear_cache()
        media_files = _replace_media(scratch / MEDIA_MEMBER, media_root)
    return RestoreResult(
        manifest=manifest,
        row_counts=_live_row_counts(),
        media_files=media_files,
        needs_migrate=_needs_migrate(),
    )


def manifest_rows(result: RestoreResult) -> list[tuple[str, int | str, int | str]]:
    """(table, rows in the archive, rows restored) for every table, for printing side by side."""
    return [
        (table, result.manifest.row_counts.get(table, "-"), result.row_counts.get(table, "-"))
        for table in result.tables
    ]
