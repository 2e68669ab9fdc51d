"""Staff pages: print batches (download, printed, posted), the call list, cancelling by the office."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booking import services as booking_services
from sozialamt import roles
from sozialamt.selectors import staff_scope

from . import batches, selectors, services, tasks
from .forms import OfficeCancellationForm
from .models import Message, PrintBatch

staff = roles.role_required(roles.CLERK, roles.TEAM_LEAD)


def _batches(request: HttpRequest):
    """Only the print batches of the locations this member of staff works at (else 404)."""
    return selectors.visible_batches(staff_scope(request.user))


@staff
@require_GET
def print_batch_list(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request.user)
    return render(
        request,
        "messaging/print_batches.html",
        {
            "batches": selectors.print_batches(scope),
            "due_today": selectors.letters_due_today(timezone.localdate(), scope),
        },
    )


@staff
@require_POST
def print_batch_create(request: HttpRequest) -> HttpResponse:
    try:
        tasks.build_print_batch.delay()
    except Exception:  # the broker is down; nothing was started
        messages.error(
            request, _("Der Hintergrunddienst ist gerade nicht erreichbar. Bitte später erneut versuchen.")
        )
    else:
        messages.success(request, _("Der Druckstapel mit den heute fälligen Briefen wird erstellt."))
    return redirect("reminders:print-batches")


@never_cache
@staff
@require_GET
def print_batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(_batches(request).select_related("location", "printed_by", "posted_by"), pk=pk)
    failed = list(selectors.failed_letters(batch))
    booking_services.log_personal_data_access(
        user=request.user,
        appointments=[m.appointment_id for m in failed],
        what=f"Fehlerliste Druckstapel {batch.pk}",
    )
    return render(request, "messaging/print_batch.html", {"batch": batch, "failed": failed})


@staff
@require_GET
def print_batch_pdf(request: HttpRequest, pk: int) -> FileResponse:
    batch = get_object_or_404(_batches(request), pk=pk)
    if not batch.file or batch.file_deleted_at:
        raise Http404
    booking_services.log_personal_data_access(
        user=request.user,
        appointments=batch.letters.filter(status=Message.Status.SENT).values_list(
            "appointment_id", flat=True
        ),
        what=f"PDF Druckstapel {batch.pk}",
    )
    return FileResponse(
        batch.file.open("rb"), as_attachment=True, filename=batch.file.name.rsplit("/", 1)[-1]
    )


@staff
@require_POST
def print_batch_mark(request: HttpRequest, pk: int) -> HttpResponse:
    status = request.POST.get("status", "")
    if status not in (PrintBatch.Status.PRINTED, PrintBatch.Status.POSTED):
        messages.error(request, _("Unbekannter Schritt."))
        return redirect("reminders:print-batch", pk=pk)
    try:
        batches.mark_batch(
            batch_id=get_object_or_404(_batches(request), pk=pk).pk, status=status, user=request.user
        )
    except services.ReminderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Gespeichert."))
    return redirect("reminders:print-batch", pk=pk)


@never_cache
@staff
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request.user)
    entries = list(selectors.open_calls(scope))
    booking_services.log_personal_data_access(
        user=request.user, appointments=[e.appointment_id for e in entries], what="Anrufliste"
    )
    return render(
        request, "messaging/call_list.html", {"entries": entries, "recent": selectors.recent_calls(scope)}
    )


@staff
@require_POST
def call_done(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(selectors.visible_calls(staff_scope(request.user)), pk=pk)
    try:
        services.tick_off_call(entry_id=pk, user=request.user)
    except services.ReminderError as exc:
        messages.error(request, str(exc))
    return redirect("reminders:call-list")


@roles.role_required(roles.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def cancel_by_office(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    form = OfficeCancellationForm(data or None, scope=staff_scope(request.user))
    affected = []
    if form.is_valid():
        affected = list(
            selectors.affected_appointments(
                location_id=form.cleaned_data["location"].pk,
                counsellor_id=form.cleaned_data["counsellor"].pk if form.cleaned_data["counsellor"] else None,
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
                unfit_only=form.cleaned_data["unfit_only"],
            )
        )
        if request.method == "POST":
            chosen = {int(pk) for pk in request.POST.getlist("appointment") if pk.isdigit()}
            done = booking_services.cancel_for_office(
                appointment_ids=[a.pk for a in affected if a.pk in chosen],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            text = ngettext(
                "%(count)d Termin abgesagt; die Bürgerin oder der Bürger wird benachrichtigt.",
                "%(count)d Termine abgesagt; die Bürgerinnen und Bürger werden benachrichtigt.",
                len(done),
            )
            messages.success(request, text % {"count": len(done)})
            return redirect("reminders:call-list")
    return render(request, "messaging/cancel_by_office.html", {"form": form, "affected": affected})
