"""Messages in the debtor's language: translations of the message templates, kept by an
admin (draft or approved), and drafts that use them or say plainly when they fall back."""
