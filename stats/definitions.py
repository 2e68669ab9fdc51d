"""The written definition of every figure, shown on the page and in the API; the tests follow them."""

from django.utils.translation import gettext_lazy as _

GENERAL = [
    _(
        "Zeitraum: alle Kalendertage vom ersten bis zum letzten gewählten Tag (Ortszeit Münster). "
        "Der Vorzeitraum ist gleich lang und endet am Tag vor dem Zeitraum."
    ),
    _(
        "Schließtage (Feiertage, Wochenenden, eingetragene Schließungen) zählen als Kalendertage mit; an "
        "ihnen gibt es keine Wartenummern und keine verfügbare Beratungszeit. Die Umstellung auf Sommer- "
        "oder Winterzeit ändert keine Dauer: Zeiten werden als tatsächlich verstrichene Zeit gemessen."
    ),
    _(
        "Dauern werden auf die Sekunde genau gemessen und auf ganze Minuten abgerundet. Median: der mittlere Wert (bei gerader Anzahl der "
        "untere der beiden mittleren). 90. Perzentil: der kleinste Wert, den mindestens 90 % der Werte "
        "nicht überschreiten (Rangverfahren). Ohne Werte steht ein Strich."
    ),
    _(
        "Die Statistik liest nur Angaben, die nach dem Löschen der personenbezogenen Daten erhalten bleiben "
        "(Anliegen, Standort, Beraterin oder Berater, Zeiten, Status, Erinnerungsweg, Sprache). Zahlen je "
        "Beraterin oder Berater erscheinen nur ab 5 Terminen."
    ),
]

TICKETS = {
    "issued": _(
        "Wartenummern ohne Termin, die an einem Tag des Zeitraums ausgegeben wurden (nach dem Ausgabetag). "
        "Zu einem Termin angemeldete Personen zählen hier nicht mit."
    ),
    "served": _("Ausgegebene Wartenummern mit dem Status „erledigt“."),
    "not_served": _(
        "Ausgegebene Wartenummern, die nicht mehr bedient wurden: gegangen oder beim Tagesabschluss noch offen."
    ),
    "no_show": _(
        "Ausgegebene Wartenummern, die nach den nötigen Aufrufen als „nicht erschienen“ abgeschlossen wurden."
    ),
    "open": _(
        "Ausgegebene Wartenummern, die noch nicht abgeschlossen sind (wartend, aufgerufen, in Bearbeitung "
        "oder zurückgestellt). Ausgegeben = erledigt + nicht bedient + nicht erschienen + offen."
    ),
    "wait": _(
        "Vom Ausgeben der Wartenummer bis zum ersten Aufruf. Ein erneuter Aufruf ändert die Wartezeit nicht; "
        "nach einer Weiterleitung zählt die Nummer nicht ein zweites Mal. Nie aufgerufene Nummern haben "
        "keine Wartezeit."
    ),
    "handling": _(
        "Von der ersten Übernahme in Bearbeitung bis „erledigt“, nur für erledigte Wartenummern. Zeiten, in "
        "denen die Nummer zurückgestellt war oder nach einer Weiterleitung erneut wartete, zählen mit."
    ),
    "service_level": _(
        "Anteil der abgeschlossenen Wartenummern (erledigt, nicht bedient, nicht erschienen), die innerhalb "
        "der Zielwartezeit ihres Anliegens zum ersten Mal aufgerufen wurden (weniger als die Zielwartezeit gewartet, bei 20 Minuten also höchstens 19 volle Minuten). Nie aufgerufene Nummern zählen "
        "als nicht rechtzeitig. Die Zielwartezeit wird je Anliegen in der Verwaltung eingestellt "
        "(voreingestellt 20 Minuten); maßgeblich ist das zuletzt zugeordnete Anliegen."
    ),
}

APPOINTMENTS = {
    "booked": _(
        "Termine, deren (zuletzt gebuchter) Beginn in den Zeitraum fällt, einschließlich abgesagter Termine."
    ),
    "cancelled_by_citizen": _(
        "Termine, die die Bürgerin oder der Bürger abgesagt hat, selbst oder durch Mitarbeitende "
        "auf ihren Wunsch (am Telefon, vor Ort)."
    ),
    "cancelled_by_office": _(
        "Termine, die Mitarbeitende für das Amt abgesagt haben (z. B. Abwesenheit, Schließung)."
    ),
    "moved": _(
        "Termine, die mindestens einmal verschoben wurden; „Verschiebungen“ zählt jede Verschiebung einzeln."
    ),
    "attended": _(
        "Termine, zu denen die Person im Kundenzentrum angemeldet wurde (angemeldet oder erledigt)."
    ),
    "no_show": _(
        "Termine, zu denen niemand kam. Quote: nicht erschienen ÷ (wahrgenommen + nicht erschienen)."
    ),
    "lead": _("Kalendertage vom Tag der Buchung bis zum Tag des Termins, für nicht abgesagte Termine."),
    "punctuality": _(
        "Vom gebuchten Beginn bis zum ersten Aufruf der Wartenummer des angemeldeten Termins; negative Werte: "
        "früher aufgerufen."
    ),
}

CHANNELS = {
    "booked_via": _(
        "Wie der Termin gebucht wurde: online oder durch Mitarbeitende (Telefon, Theke). Solange Mitarbeitende "
        "noch nicht für Anrufende buchen können, zählen alle Buchungen als online."
    ),
    "reminder": _("Gewählter Erinnerungsweg der Termine im Zeitraum (nicht abgesagte und abgesagte)."),
    "letters": _(
        "Briefe (Erinnerungen und Absagen) in Druckstapeln, die im Zeitraum zur Post gegeben wurden."
    ),
    "call_list": _("Einträge in die Anrufliste, die im Zeitraum entstanden sind, nach Grund."),
    "released_holds": _(
        "Online-Buchungen mit E-Mail-Adresse, die nicht rechtzeitig über den Link in der E-Mail bestätigt "
        "und deshalb im Zeitraum wieder freigegeben wurden (viele davon deuten auf erfundene Adressen hin)."
    ),
}

CAPACITY = {
    "available": _(
        "Summe der eingetragenen Beratungszeiten der Beraterinnen und Berater an Öffnungstagen innerhalb der "
        "Öffnungszeiten, abzüglich Abwesenheiten (nach den heute eingetragenen Beratungszeiten)."
    ),
    "booked": _("Summe der Dauer der nicht abgesagten Termine bei diesen Beraterinnen und Beratern."),
    "utilisation": _("Gebuchte Minuten ÷ verfügbare Minuten."),
    "unused": _("Verfügbare minus gebuchte Stunden (nie negativ je Tag): freie Zeit, die ungenutzt blieb."),
    "open_days": _("Tage, an denen der Standort (oder mindestens ein Standort) geöffnet hatte."),
}

HEAT_MAP = _(
    "Ausgegebene Wartenummern ohne Termin im Zeitraum nach Wochentag und Stunde der Ausgabe (Ortszeit)."
)

COUNSELLORS = _(
    "Nicht abgesagte Termine im Zeitraum je Beraterin oder Berater. Wer weniger als 5 Termine hatte, "
    "erscheint nur in der Sammelzeile „Weitere“, und diese nur, wenn sie zusammen mindestens 5 Termine hat."
)

TODAY = _(
    "Jetzt wartend: Wartenummern von heute mit Status „wartet“. Längste Wartezeit: seit Ausgabe der am "
    "längsten wartenden Nummer. Besetzte Schalter: heute angemeldete Mitarbeitende. Bis Schließung schaffbar: "
    "wartende Nummern × Median der Bearbeitungszeit im Zeitraum ÷ besetzte Schalter passt in die Zeit bis "
    "zur Schließung."
)
