"""WTForms forms for the HTML pages, rendered with the GOV.UK Frontend widgets."""
