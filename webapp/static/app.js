// Starts GOV.UK Frontend's components (error summary focus, character counts, accordions...).
import { initAll } from "./govuk/govuk-frontend.min.js";
import { initSearchFilters } from "./search-filters.js";
initAll();
initSearchFilters();
