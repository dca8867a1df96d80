"""`manage.py backup`: one dated archive of the database and every uploaded file (SPEC 15).

Safe while the shop works: the database is copied online and nothing in it is changed. Cron can
run it nightly, e.g. `30 21 * * * manage.py backup --output-dir /srv/backups`; see the README
for keeping the last N archives and copying them off the machine.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from powdercoat.services.backups import backup_create, backup_default_dir, backup_size_text


class Command(BaseCommand):
    help = (
        "Write one archive (powdercoat-backup-<time>.tar.gz) holding the database, every file "
        "under MEDIA_ROOT and a manifest. Safe to run while people use the app."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=None,
            help=f"Folder for the archive, created if missing (default: {backup_default_dir()}).",
        )

    def handle(self, *args, output_dir: Path | None, **options):
        try:
            archive = backup_create(output_dir=output_dir or backup_default_dir())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Backup written to {archive} ({backup_size_text(archive)}).")
