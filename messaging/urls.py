"""Staff pages around letters and reminders, under /intern/."""

from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("druckstapel/", views.print_batch_list, name="print-batches"),
    path("druckstapel/erstellen/", views.print_batch_create, name="print-batch-create"),
    path("druckstapel/<int:pk>/", views.print_batch_detail, name="print-batch"),
    path("druckstapel/<int:pk>/pdf/", views.print_batch_pdf, name="print-batch-pdf"),
    path("druckstapel/<int:pk>/status/", views.print_batch_mark, name="print-batch-mark"),
    path("anrufliste/", views.call_list, name="call-list"),
    path("anrufliste/<int:pk>/erledigt/", views.call_done, name="call-done"),
    path("absagen/", views.cancel_by_office, name="cancel-by-office"),
]
