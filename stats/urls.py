from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.page, name="page"),
    path("export/wartenummern.csv", views.export_tickets, name="export-tickets"),
    path("export/<slug:table>.<str:fmt>", views.export_table, name="export"),
]
