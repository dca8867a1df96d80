"""The Line items tab of jobs, quotes and job templates: items, coats and prep (SPEC L2).

Items are added and changed through the item wizard (admin_views/views/wizard.py, mounted by
the admin site under each owner's address); this tab lists them and links there.
"""

from django.utils.translation import gettext_lazy as _

from powdercoat import selectors
from powdercoat.addresses import ITEMS_TAB
from powdercoat.admin.rooms import RoomInline
from powdercoat.models import LineItem


class ItemsRoom(RoomInline):
    """The owner's items in order, with Add, Edit and Remove for those who may change them."""

    model = LineItem
    room = ITEMS_TAB
    verbose_name_plural = _("line items")
    rows = staticmethod(selectors.items_with_details)


class JobItemsRoom(ItemsRoom):
    fk_name = "job"


class QuoteItemsRoom(ItemsRoom):
    fk_name = "quote"


class TemplateItemsRoom(ItemsRoom):
    fk_name = "template"
