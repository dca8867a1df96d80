"""What an Urgent or Rush alert reached: the supervisors e-mailed and those it could not reach.

A plain value, apart from the services that send the alert, so a job can carry it back to the
page that saved it (models know nothing of the services).
"""

from dataclasses import dataclass

from django.utils.translation import gettext, ngettext


@dataclass(frozen=True)
class PriorityAlertReach:
    """Who an Urgent or Rush alert was e-mailed to, and which supervisors it could not reach."""

    emailed: tuple[str, ...]
    without_address: tuple[str, ...]
    # The e-mails wait a minute before they leave, so that undoing the move can recall them.
    held: bool = False

    def words(self) -> str:
        """What the page says after the move, naming who was and was not alerted."""
        parts = []
        if self.emailed and self.held:
            parts.append(
                ngettext(
                    "Alert to supervisor %(names)s leaves in a minute unless you undo.",
                    "Alert to supervisors %(names)s leaves in a minute unless you undo.",
                    len(self.emailed),
                )
                % {"names": _names(self.emailed)}
            )
        elif self.emailed:
            parts.append(
                ngettext(
                    "Alert e-mailed to supervisor %(names)s.",
                    "Alert e-mailed to supervisors %(names)s.",
                    len(self.emailed),
                )
                % {"names": _names(self.emailed)}
            )
        if self.without_address:
            parts.append(
                ngettext(
                    "%(names)s has no e-mail address and was not alerted.",
                    "%(names)s have no e-mail address and were not alerted.",
                    len(self.without_address),
                )
                % {"names": _names(self.without_address)}
            )
        if not self.emailed and not self.without_address:
            parts.append(gettext("No supervisor was alerted: nobody has the Supervisor role."))
        elif not self.emailed:
            parts.insert(0, gettext("No supervisor was alerted."))
        return " ".join(parts)


def _names(names: tuple[str, ...]) -> str:
    if len(names) == 1:
        return names[0]
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}
