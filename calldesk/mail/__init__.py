"""The mailbox: reading messages (calldesk.mail.message), fetching them by IMAP and sending by SMTP
(calldesk.mail.transport); what is kept is calldesk.store.services.mail's."""
