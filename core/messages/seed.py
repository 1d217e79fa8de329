"""The translations the team starts with (pure data).

Spanish and Polish are approved. Welsh, Urdu and Punjabi are drafts: a fluent speaker on the
team should check and approve them before they are used (until then drafts fall back to English).
"""

from __future__ import annotations

SEED: tuple[dict[str, str], ...] = (
    # Spanish (formal "usted")
    {"template": "checkin", "language": "es", "status": "approved",
     "body": "Hola {name}, soy {agent}. Le escribo para saber cómo está. Si algo ha cambiado "
             "o quiere hablar, contáctenos. Estamos aquí para ayudarle."},
    {"template": "reminder", "language": "es", "status": "approved",
     "body": "Hola {name}, soy {agent}. Su próximo pago de {amount} vence el {due}. Si ahora "
             "le resulta difícil pagar, contáctenos. Podemos hablarlo y buscar una solución "
             "que le funcione."},
    {"template": "thanks", "language": "es", "status": "approved",
     "body": "Hola {name}, soy {agent}. Gracias por su pago de {amount}. Ya lo hemos "
             "recibido. Si tiene alguna pregunta, contáctenos."},
    {"template": "plan_summary", "language": "es", "status": "approved",
     "body": "Hola {name}, soy {agent}. Gracias por hablar conmigo. Este es el plan que "
             "acordamos: pagará {amount} cada vez, a partir del {due}. Si algo cambia, "
             "contáctenos. Podemos cambiar el plan."},
    # Polish (impersonal forms, so neither the agent's nor the reader's gender is guessed)
    {"template": "checkin", "language": "pl", "status": "approved",
     "body": "Dzień dobry {name}, tu {agent}. Piszę, aby sprawdzić, czy wszystko w porządku. "
             "Jeśli coś się zmieniło albo jest potrzeba rozmowy, prosimy o kontakt. Jesteśmy "
             "tu, aby pomóc."},
    {"template": "reminder", "language": "pl", "status": "approved",
     "body": "Dzień dobry {name}, tu {agent}. Następna płatność: {amount}, termin: {due}. "
             "Jeśli teraz trudno ją zapłacić, prosimy o kontakt. Razem znajdziemy "
             "rozwiązanie."},
    {"template": "thanks", "language": "pl", "status": "approved",
     "body": "Dzień dobry {name}, tu {agent}. Dziękujemy za wpłatę {amount}. Dotarła do nas. "
             "W razie pytań prosimy o kontakt."},
    {"template": "plan_summary", "language": "pl", "status": "approved",
     "body": "Dzień dobry {name}, tu {agent}. Dziękujemy za rozmowę. Oto uzgodniony plan: "
             "każda rata to {amount}, pierwsza płatność: {due}. Jeśli coś się zmieni, prosimy "
             "o kontakt. Plan można zmienić."},
    # Welsh (draft: to be checked by a Welsh speaker)
    {"template": "checkin", "language": "cy", "status": "draft",
     "body": "Helo {name}, {agent} sydd yma. Roeddwn i eisiau gweld sut ydych chi. Os oes "
             "rhywbeth wedi newid, neu os hoffech chi siarad, cysylltwch â ni. Rydyn ni yma i "
             "helpu."},
    {"template": "reminder", "language": "cy", "status": "draft",
     "body": "Helo {name}, {agent} sydd yma. Mae eich taliad nesaf o {amount} yn ddyledus ar "
             "{due}. Os yw talu'n anodd ar hyn o bryd, cysylltwch â ni. Gallwn siarad am y "
             "peth."},
    {"template": "thanks", "language": "cy", "status": "draft",
     "body": "Helo {name}, {agent} sydd yma. Diolch am eich taliad o {amount}. Mae wedi ein "
             "cyrraedd. Os oes gennych chi gwestiwn, cysylltwch â ni."},
    # Urdu (draft: to be checked by an Urdu speaker)
    {"template": "checkin", "language": "ur", "status": "draft",
     "body": "ہیلو {name}، میں {agent} ہوں۔ ہم جاننا چاہتے ہیں کہ آپ کا حال کیسا ہے۔ اگر کچھ "
             "بدل گیا ہو یا آپ بات کرنا چاہیں تو ہم سے رابطہ کریں۔ ہم مدد کے لیے حاضر ہیں۔"},
    {"template": "thanks", "language": "ur", "status": "draft",
     "body": "ہیلو {name}، میں {agent} ہوں۔ {amount} کی ادائیگی کا شکریہ۔ یہ ہمیں مل گئی ہے۔ "
             "اگر آپ کا کوئی سوال ہو تو ہم سے رابطہ کریں۔"},
    # Punjabi, Gurmukhi script (draft: to be checked by a Punjabi speaker; many UK readers
    # of Punjabi use Shahmukhi instead, so ask before approving)
    {"template": "checkin", "language": "pa", "status": "draft",
     "body": "ਹੈਲੋ {name}, ਮੈਂ {agent} ਹਾਂ। ਅਸੀਂ ਜਾਣਨਾ ਚਾਹੁੰਦੇ ਹਾਂ ਕਿ ਤੁਹਾਡਾ ਕੀ ਹਾਲ ਹੈ। ਜੇ ਕੁਝ "
             "ਬਦਲਿਆ ਹੈ ਜਾਂ ਤੁਸੀਂ ਗੱਲ ਕਰਨਾ ਚਾਹੁੰਦੇ ਹੋ, ਤਾਂ ਸਾਡੇ ਨਾਲ ਸੰਪਰਕ ਕਰੋ। ਅਸੀਂ ਮਦਦ ਲਈ ਇੱਥੇ ਹਾਂ।"},
)

# The opt-out sentence each channel adds when a message is sent (migration 0021). The keyword
# STOP stays in English in a text message: it is the word the office's SMS tools act on.
OPT_OUT_SEED: tuple[dict[str, str], ...] = (
    {"template": "opt_out_sms", "language": "es", "status": "approved",
     "body": "Responda STOP para dejar de recibir mensajes."},
    {"template": "opt_out_email", "language": "es", "status": "approved",
     "body": "Si prefiere no recibir correos electrónicos nuestros, responda a este mensaje "
             "y díganoslo."},
    {"template": "opt_out_sms", "language": "pl", "status": "approved",
     "body": "Aby nie otrzymywać SMS-ów, prosimy odpisać STOP."},
    {"template": "opt_out_email", "language": "pl", "status": "approved",
     "body": "Jeśli wiadomości e-mail od nas nie są potrzebne, prosimy odpisać i dać nam "
             "znać."},
)
