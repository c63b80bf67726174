"""The inspected unit as a participant: its representatives, its own report before the visit
(services, routes, api) and one-time invitation links (invites)."""
