"""The phone: a local endpoint for the phone system's CTI events (Zammad's generic CTI) and an Asterisk AMI
adapter, both feeding calldesk.store.services.phone."""
