"""Operations → Reports: the list of reports this user may open, each with what it answers."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from unfold.views import UnfoldSiteViewMixin

from admin_views.views.reports.base import ReportPage


class ReportsIndex(UnfoldSiteViewMixin, TemplateView):
    """Each report as a card: its name, the question it answers, and a link."""

    title = _("Reports")
    permission_required = ()
    template_name = "admin_views/reports_index.html"
    reports: tuple[type[ReportPage], ...] = ()

    def has_permission(self):
        """Open to anyone who may open one of the reports."""
        return any(
            self.request.user.has_perms(report.permission_required) for report in self.reports
        )

    def get_context_data(self, **kwargs):
        """The reports the user may open, in the menu's order."""
        context = super().get_context_data(**kwargs)
        context["reports"] = [
            {
                "title": report.title,
                "description": report.description,
                "icon": report.icon,
                "url": reverse(f"admin:report_{report.slug}"),
            }
            for report in self.reports
            if self.request.user.has_perms(report.permission_required)
        ]
        return context
