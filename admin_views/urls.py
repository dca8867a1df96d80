"""Addresses of the non-admin pages."""

from django.urls import path, re_path
from django.views.generic import RedirectView

from admin_views.views import (
    documents,
    mobile,
    oven_plan,
    phone_app,
    priority_board,
    qr,
    scan,
    shop_display,
    status_page,
    wizard,
)
from admin_views.views.health import healthz
from admin_views.views.home import home

app_name = "admin_views"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    # The original product's address of the template list (SPEC S6).
    re_path(
        r"^JobTemplates/?$",
        RedirectView.as_view(
            pattern_name="admin:powdercoat_jobtemplate_changelist", permanent=False
        ),
        name="job_templates",
    ),
    # Shop floor pages (SPEC S1-S5).
    path("jobs/shop-display/", shop_display.shop_display, name="shop_display"),
    path("jobs/shop-display/board/", shop_display.shop_display_board, name="shop_display_board"),
    path("jobs/priority/", priority_board.priority_board, name="priority_board"),
    path("jobs/priority/<str:number>/move/", priority_board.priority_move, name="priority_move"),
    path("jobs/priority/undo/", priority_board.priority_undo, name="priority_undo"),
    path("jobs/mobile/", mobile.shop_mobile, name="shop_mobile"),
    path("jobs/mobile/list/", mobile.shop_mobile_list, name="shop_mobile_list"),
    path("jobs/mobile/app.webmanifest", phone_app.phone_manifest, name="phone_manifest"),
    path("jobs/mobile/sw.js", phone_app.phone_service_worker, name="phone_service_worker"),
    # The oven plan: batches by powder and cure, started and finished by the coater (SPEC O1).
    path("jobs/oven/", oven_plan.oven_plan, name="oven_plan"),
    path("jobs/oven/start/", oven_plan.oven_batch_start_pressed, name="oven_batch_start"),
    path("jobs/oven/finish/", oven_plan.oven_batch_finish_pressed, name="oven_batch_finish"),
    # A work-order QR code read by the phone's camera, or a job number typed in (issue 18).
    path("jobs/scan/", scan.shop_scan, name="shop_scan"),
    path("jobs/<str:number>/advance/", mobile.shop_mobile_advance, name="shop_mobile_advance"),
    path("jobs/<str:number>/undo/", mobile.shop_mobile_undo, name="shop_mobile_undo"),
    path("jobs/<str:number>/bump/", qr.job_bump, name="job_bump"),
    path("inventory/usage/", qr.material_usage, name="material_usage"),
    path("inventory/usage/<int:pk>/", qr.material_usage_logged, name="material_usage_logged"),
    # The item wizard's powder picker asks this as a person types (SPEC L3).
    path("inventory/powders/search/", wizard.powder_search, name="powder_search"),
    # The original product's addresses of the shop pages (SPEC S6); the display keeps ?key=.
    re_path(
        r"^Jobs/ShopDisplay/?$",
        RedirectView.as_view(
            pattern_name="admin_views:shop_display", query_string=True, permanent=False
        ),
        name="shop_display_old",
    ),
    re_path(
        r"^JobsPriority/?$",
        RedirectView.as_view(
            pattern_name="admin_views:priority_board", query_string=True, permanent=False
        ),
        name="priority_board_old",
    ),
    re_path(
        r"^Jobs/ShopMobile/?$",
        RedirectView.as_view(
            pattern_name="admin_views:shop_mobile", query_string=True, permanent=False
        ),
        name="shop_mobile_old",
    ),
    # The customer's status link (SPEC U1): no login, the secret in the address.
    path("s/<str:status_token>/", status_page.status_page, name="status_page"),
    path(
        "s/<str:status_token>/photos/<int:photo_id>/",
        status_page.status_photo,
        name="status_photo",
    ),
    # Work orders (SPEC D1, D2), and the original product's address of the blank one (S6).
    path("jobs/<str:number>/work-order.pdf", documents.job_work_order, name="job_work_order"),
    path("work-order/blank/", documents.blank_work_order, name="work_order_blank"),
    re_path(
        r"^WorkOrder/Blank/?$",
        RedirectView.as_view(pattern_name="admin_views:work_order_blank", permanent=False),
        name="work_order_blank_old",
    ),
]
