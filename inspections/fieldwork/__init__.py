"""Inspector fieldwork: my visits, the checklist form, evidence."""
