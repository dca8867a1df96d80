"""The admin's own form widgets, in one place: the browser's date and time pickers, many photos.

Dialogs are loaded after the admin's calendar and clock scripts ran, so the pickers here are
the browser's own (input types date, time and datetime-local).
"""

from django.utils import timezone
from unfold.widgets import (
    UnfoldAdminImageFieldWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminSingleTimeWidget,
    UnfoldAdminTextInputWidget,
)


class DatePickerWidget(UnfoldAdminSingleDateWidget):
    """The browser's own date picker: dialogs are loaded after the admin's calendar script ran."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimePickerWidget(UnfoldAdminSingleTimeWidget):
    """The browser's own time picker (dialogs load after the admin's clock script ran)."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DateTimePickerWidget(UnfoldAdminTextInputWidget):
    """The browser's own date-and-time picker."""

    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            # The form field hands over local time already; a bare datetime may still be aware.
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class MultiplePhotoInput(UnfoldAdminImageFieldWidget):
    """A file input that takes several photos at once."""

    allow_multiple_selected = True
