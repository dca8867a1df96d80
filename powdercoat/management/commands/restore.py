"""`manage.py restore ARCHIVE`: put back the database and uploaded files of a backup (SPEC 15).

Everything entered since the backup is lost, so it asks first (unless --yes) and names what it
will overwrite. An archive that is not a backup, comes from another database engine or holds a
file that would land outside MEDIA_ROOT is refused and nothing changes.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from powdercoat.services.backups import (
    backup_inspect,
    backup_restore,
    backup_restore_summary,
    files_text,
    manifest_rows,
)


class Command(BaseCommand):
    help = (
        "Replace the database and the files under MEDIA_ROOT with those of a backup archive "
        "made by `manage.py backup`. Asks for confirmation unless --yes is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz file `backup` wrote.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask before overwriting (for scripts)."
        )

    def handle(self, *args, archive: Path, yes: bool, **options):
        try:
            if not yes:
                self._confirm(archive)
            result = backup_restore(archive=archive)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        self.stdout.write(
            f"Restored the database and {files_text(result.media_files)} of media from "
            f"{archive} (made {result.manifest.created_text})."
        )
        rows = manifest_rows(result)
        width = max(len("table"), *(len(table) for table, _, _ in rows))
        self.stdout.write(f"{'table':<{width}}  {'in archive':>10}  {'restored':>10}")
        for table, expected, restored in rows:
            mark = "" if expected == restored else "  <- differs"
            self.stdout.write(f"{table:<{width}}  {expected!s:>10}  {restored!s:>10}{mark}")
        differing = result.mismatched_tables
        if differing:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(differing)} of {len(rows)} tables differ from the archive: check them."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"All {len(rows)} tables match the archive."))
        if result.needs_migrate:
            self.stdout.write(
                self.style.WARNING(
                    "The backup predates this version of the app: run `manage.py migrate` now."
                )
            )

    def _confirm(self, archive: Path) -> None:
        manifest = backup_inspect(archive=archive)
        self.stdout.write(backup_restore_summary(archive=archive, manifest=manifest))
        try:
            answer = input('Type "yes" to restore, anything else to stop: ')
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled; nothing was changed.")
