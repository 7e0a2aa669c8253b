"""Messages this app added to other apps' templates (results/templates/results/mine.html, delivery.html).

They are translated in this app's catalogue (documents/locale/), like the rest of issue 5; listing them here keeps
`makemessages` run inside documents/ from dropping them as obsolete. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("Download (PDF)"),
    gettext_noop("Proof of delivery (PDF)"),
    gettext_noop(
        "Anyone you show a licence to can check it on the verification page with its number and verification code. "
        "The QR code on the PDF leads there."
    ),
]
