// /jobs on a phone: the filters fold behind "Filter (n)" (the MoJ filter pattern). Without this
// script "Filter (n)" is a link down to the filters, which then sit after the results; with it the
// link becomes a button that shows or hides them above the results. Wide screens show the side
// column and no button, whatever this does.
export function initSearchFilters(root = document) {
  for (const layout of root.querySelectorAll('[data-module="app-search-filters"]')) {
    const link = layout.querySelector(".app-filter-toggle");
    const panel = layout.querySelector(".app-search__filters");
    if (!link || !panel) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.setAttribute("aria-controls", panel.id);
    button.textContent = link.textContent;
    // Open to begin with only when a filter has a problem to show.
    const open = panel.querySelector(".govuk-form-group--error") !== null;
    const show = (isOpen) => {
      layout.classList.toggle("app-search--filters-open", isOpen);
      button.setAttribute("aria-expanded", String(isOpen));
    };
    button.addEventListener("click", () => {
      const opening = !layout.classList.contains("app-search--filters-open");
      show(opening);
      if (opening) panel.focus();
    });
    link.replaceWith(button);
    show(open);
  }
}
