"""The office's own texts in every language of the site (django-modeltranslation).

Each field gets one column per language (name_de, name_en, …); reading `service.name` gives
the current language's text or, where that is empty, the German one (see content_lang).
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Location, Service


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "description", "documents")
    # The German text is the one every other language falls back to; it must be there.
    required_languages = ("de",)


@register(Location)
class LocationTranslation(TranslationOptions):
    fields = ("building", "directions", "accessibility", "phone_hours")
    required_languages = ()
