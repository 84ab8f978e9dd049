"""GOV.UK forms (WTForms with govuk-frontend-wtf widgets), one module per audience."""
