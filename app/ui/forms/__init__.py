"""Forms generated from a template: one editor per field type, inline validation messages,
the signatories and where each signs."""
