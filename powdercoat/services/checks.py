"""Sanity checks: an unlikely figure is asked about, with the figures side by side, before it is
written (usage over stock or far over the estimate, the same payment twice)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Figure:
    """One line of the comparison shown with the question: "On the shelf" · "88 lb"."""

    label: str
    value: str


class ConfirmationNeeded(ValidationError):
    """The input is possible but unlikely: the person must say yes to this exact figure.

    `prompt` is the tick box's label ("Yes, log 500 lb"); `figures` sit beside it so the
    person sees why they are asked. Callers that do not know how to ask show it as a refusal,
    which is the safe default.
    """

    def __init__(self, message: str, *, prompt: str, figures: list[Figure]):
        super().__init__(message, code="confirmation_needed")
        self.prompt = prompt
        self.figures = figures
