"""The recruiter's words in English and Dutch, for the inbox and the alert emails.

A plain table rather than gettext catalogues: two languages, a few dozen phrases, and
no build step to compile ``.mo`` files.
"""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("en", "nl")

_TEXT: dict[str, tuple[str, str]] = {
    # (English, Dutch)
    "app.title": ("keepwarm", "keepwarm"),
    "nav.inbox": ("This week", "Deze week"),
    "nav.log": ("Log a contact", "Contact vastleggen"),
    "nav.team": ("Team", "Team"),
    "nav.settings": ("Settings", "Instellingen"),
    "nav.signout": ("Sign out", "Afmelden"),
    "signin.title": ("Sign in", "Aanmelden"),
    "signin.intro": (
        "Enter your work email address. We send you a link that signs you in.",
        "Vul je werkadres in. Je krijgt een link waarmee je je aanmeldt.",
    ),
    "signin.email": ("Email address", "E-mailadres"),
    "signin.send": ("Send me a sign-in link", "Stuur mij een aanmeldlink"),
    "signin.sent": (
        "If this address belongs to a recruiter, a sign-in link is on its way. "
        "It works once, within 15 minutes.",
        "Als dit adres bij een recruiter hoort, is er een aanmeldlink onderweg. "
        "Hij werkt één keer, binnen 15 minuten.",
    ),
    "signin.confirm": ("Continue to sign in", "Doorgaan en aanmelden"),
    "signin.invalid": (
        "This sign-in link was already used or has expired. Ask for a new one.",
        "Deze aanmeldlink is al gebruikt of verlopen. Vraag een nieuwe aan.",
    ),
    "signin.mail.subject": ("Your keepwarm sign-in link", "Je aanmeldlink voor keepwarm"),
    "signin.mail.body": (
        "Open this link to sign in to keepwarm (it works once, within 15 minutes):",
        "Open deze link om je aan te melden bij keepwarm (hij werkt één keer, binnen 15 minuten):",
    ),
    "inbox.title": ("This week", "Deze week"),
    "inbox.empty": (
        "Nothing waiting for you. New moments appear here as they are routed to you.",
        "Er wacht niets op je. Nieuwe momenten verschijnen hier zodra ze naar je komen.",
    ),
    "inbox.everyone": ("Everyone's moments", "Momenten van iedereen"),
    "inbox.mine": ("Only mine", "Alleen de mijne"),
    "moment.why": ("Why now", "Waarom nu"),
    "moment.evidence": ("Source", "Bron"),
    "moment.open_days": ("open for {days} more days", "nog {days} dagen open"),
    "moment.open_today": ("closes today", "sluit vandaag"),
    "moment.draft": ("Suggested message", "Voorgesteld bericht"),
    "moment.copy": ("Copy", "Kopiëren"),
    "moment.copied": ("Copied", "Gekopieerd"),
    "moment.also": ("Also worth mentioning", "Ook het noemen waard"),
    "moment.low_confidence": (
        "Low confidence: check it is really them",
        "Onzeker: controleer of het echt om deze persoon gaat",
    ),
    "moment.recruiter": ("Recruiter", "Recruiter"),
    "action.contacted": ("Contacted", "Contact gehad"),
    "action.positive": ("Contacted: positive", "Contact gehad: positief"),
    "action.negative": ("Contacted: negative", "Contact gehad: negatief"),
    "action.no-response": ("Contacted: no answer", "Contact gehad: geen reactie"),
    "action.later": ("Contacted: later", "Contact gehad: later"),
    "action.snooze": ("Snooze until", "Uitstellen tot"),
    "action.not-relevant": ("Not relevant", "Niet relevant"),
    "action.skip": ("Skip", "Overslaan"),
    "action.reason": ("Why not? (optional)", "Waarom niet? (optioneel)"),
    "action.confirm": ("Confirm", "Bevestigen"),
    "action.confirm_title": ("Confirm for {name}", "Bevestigen voor {name}"),
    "action.recorded": ("Recorded.", "Vastgelegd."),
    "action.closed": (
        "This moment was already dealt with ({status}); nothing was changed.",
        "Dit moment is al afgehandeld ({status}); er is niets veranderd.",
    ),
    "action.other_recruiter": (
        "This moment is no longer with you; nothing was changed.",
        "Dit moment ligt niet meer bij jou; er is niets veranderd.",
    ),
    "action.stale": (
        "This link belongs to an earlier alert for this moment; use the latest one.",
        "Deze link hoort bij een eerdere melding van dit moment; gebruik de nieuwste.",
    ),
    "action.bad_link": ("This link is not valid.", "Deze link is niet geldig."),
    "action.expired_link": ("This link has expired.", "Deze link is verlopen."),
    "status.done": ("contacted", "contact gehad"),
    "status.skipped": ("skipped", "overgeslagen"),
    "status.not_relevant": ("marked not relevant", "niet relevant"),
    "status.expired": ("expired", "verlopen"),
    "status.deferred": ("put back until later", "uitgesteld"),
    "status.pending": ("waiting", "wachtend"),
    "status.merged": ("merged into another moment", "samengevoegd met een ander moment"),
    "status.suppressed": (
        "held back by the contact policy",
        "tegengehouden door het contactbeleid",
    ),
    "log.title": ("Log a contact", "Contact vastleggen"),
    "log.search": ("Find a member by name or email", "Zoek een lid op naam of e-mail"),
    "log.find": ("Search", "Zoeken"),
    "log.none": ("No member matches.", "Geen lid gevonden."),
    "log.when": ("When", "Wanneer"),
    "log.channel": ("How", "Hoe"),
    "log.outcome": ("Outcome", "Uitkomst"),
    "log.note": ("Note (optional)", "Notitie (optioneel)"),
    "log.save": ("Log contact", "Contact vastleggen"),
    "log.saved": ("Contact logged for {name}.", "Contact vastgelegd voor {name}."),
    "log.future": (
        "A contact cannot be logged for a day still to come.",
        "Een contact kan niet worden vastgelegd voor een dag die nog moet komen.",
    ),
    "log.deferred": ("Moments put off by it: {count}", "Momenten die erdoor wachten: {count}"),
    "channel.email": ("Email", "E-mail"),
    "channel.phone": ("Phone", "Telefoon"),
    "channel.meeting": ("Meeting", "Afspraak"),
    "channel.message": ("Message", "Bericht"),
    "channel.other": ("Other", "Anders"),
    "outcome.positive": ("Positive", "Positief"),
    "outcome.negative": ("Negative", "Negatief"),
    "outcome.no-response": ("No answer", "Geen reactie"),
    "outcome.later": ("Later", "Later"),
    "member.timeline": ("Timeline", "Tijdlijn"),
    "member.last_contact": ("Last contact", "Laatste contact"),
    "member.never": ("never", "nooit"),
    "consent.erased.subject": ("keepwarm: {name} was erased", "keepwarm: {name} is gewist"),
    "consent.erased.body": (
        "{name} was in your talent pool with consent until {until}. The consent was not "
        "renewed, so keepwarm erased everything it held about them. A later import skips "
        "them; if they want to come back, they can give their consent again.",
        "{name} stond in je talentpool met toestemming tot {until}. De toestemming is niet "
        "verlengd, dus keepwarm heeft alles over hen gewist. Een latere import slaat hen "
        "over; wie terug wil, kan opnieuw toestemming geven.",
    ),
    "action.renewed": ("Consent renewed", "Toestemming verlengd"),
    "kind.renew_consent": ("Consent renewal", "Toestemming verlengen"),
    "erase.title": ("Erase {name}", "{name} wissen"),
    "erase.explain": (
        "This deletes the member and everything keepwarm holds about them: signals, moments, "
        "deliveries, contacts and profile pages. Only salted hashes of their email and "
        "external id stay, so that a later import skips them. It cannot be undone.",
        "Dit verwijdert het lid en alles wat keepwarm over hen bewaart: signalen, momenten, "
        "verzendingen, contacten en profielpagina's. Alleen gezouten hashes van e-mail en "
        "externe id blijven, zodat een latere import hen overslaat. Dit is niet terug te draaien.",
    ),
    "erase.confirm": ("Erase for good", "Definitief wissen"),
    "erase.done": ("The member was erased.", "Het lid is gewist."),
    "member.export": ("Export (JSON)", "Exporteren (JSON)"),
    "member.erase": ("Erase…", "Wissen…"),
    "team.title": ("Team", "Team"),
    "team.capacity": ("Capacity this week", "Capaciteit deze week"),
    "team.alerts": ("Alerts", "Meldingen"),
    "team.at_risk": ("Members at risk", "Leden die uit beeld raken"),
    "team.at_risk_note": (
        "No contact for longer than the re-engage limit.",
        "Langer geen contact dan de grens voor opnieuw contact.",
    ),
    "team.by_kind": ("Response per moment kind", "Reactie per soort moment"),
    "team.routed": ("Routed", "Gestuurd"),
    "team.done": ("Contacted", "Contact"),
    "team.positive": ("Positive", "Positief"),
    "team.rate": ("Response rate", "Responspercentage"),
    "team.not_relevant": ("Not relevant", "Niet relevant"),
    "settings.title": ("Settings", "Instellingen"),
    "settings.language": ("Language", "Taal"),
    "settings.alerts": ("Alert emails", "Meldingen per e-mail"),
    "settings.save": ("Save", "Opslaan"),
    "settings.saved": ("Saved.", "Opgeslagen."),
    "alerts.immediate": ("One email per moment", "Eén e-mail per moment"),
    "alerts.daily": (
        "One digest at the start of each working day",
        "Eén overzicht aan het begin van elke werkdag",
    ),
    "alerts.weekly": (
        "One digest on the first working day of the week",
        "Eén overzicht op de eerste werkdag van de week",
    ),
    "error.invalid": (
        "Something in the form was missing or not valid (a date, say). Go back and try again.",
        "Er ontbrak iets in het formulier of het klopte niet (een datum bijvoorbeeld). "
        "Ga terug en probeer het opnieuw.",
    ),
    "error.forbidden": ("You cannot open this page.", "Je kunt deze pagina niet openen."),
    "error.not_found": ("Not found.", "Niet gevonden."),
    "error.csrf": (
        "The form was too old or not sent from keepwarm. Go back, reload and try again.",
        "Het formulier was te oud of kwam niet van keepwarm. Ga terug, herlaad en probeer opnieuw.",
    ),
    "mail.intro": (
        "A good moment to get in touch with",
        "Een goed moment om contact op te nemen met",
    ),
    "mail.act_before": ("Act before {date}.", "Reageer vóór {date}."),
    "mail.when_done": ("When you have been in touch:", "Als je contact hebt gehad:"),
    "mail.put_aside": ("Or put it aside:", "Of leg het opzij:"),
    "mail.inbox": ("Open your inbox", "Open je inbox"),
    "mail.subject": ("keepwarm: {kind} – {name}", "keepwarm: {kind} – {name}"),
    "digest.subject": (
        "keepwarm: {count} moments to get in touch",
        "keepwarm: {count} momenten om contact op te nemen",
    ),
    "digest.intro": (
        "Here are the moments routed to you since your last digest, best first.",
        "Dit zijn de momenten die sinds je vorige overzicht naar je zijn gestuurd, beste eerst.",
    ),
    "kind.congratulate_new_role": ("New role", "Nieuwe functie"),
    "kind.congratulate_award": ("Award", "Prijs"),
    "kind.company_news": ("Company news", "Bedrijfsnieuws"),
    "kind.press_mention": ("In the news", "In het nieuws"),
    "kind.relevant_vacancy": ("Relevant vacancy", "Passende vacature"),
    "kind.check_in": ("Check-in", "Even bijpraten"),
    "kind.reengage": ("Re-engage", "Opnieuw contact"),
}


def text(language: str, key: str, **values: object) -> str:
    """The phrase for ``key`` in ``language`` (English when unknown), with values filled in."""
    pair = _TEXT.get(key)
    if pair is None:
        return key
    phrase = pair[1] if language == "nl" else pair[0]
    return phrase.format(**values) if values else phrase


def closed_message(language: str, status: str) -> str:
    """ "This moment was already closed (...)" in the recruiter's words for the status."""
    return text(language, "action.closed", status=text(language, f"status.{status}"))


def translator(language: str) -> Callable[..., str]:
    """``text`` bound to one language, for templates (``t("nav.inbox")``)."""
    return lambda key, **values: text(language, key, **values)
