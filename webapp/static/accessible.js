// Two repairs to what the page's components leave for assistive technology (both checked by axe in
// tests/browser/test_accessibility.py).

// 1. GOV.UK Frontend's radios mark a radio that reveals a question with aria-expanded, which ARIA does not
// allow on a radio (axe's aria-allowed-attr; govuk-frontend issue 979, w3c/aria issue 1404). The revealed
// question follows its radio, so a screen reader reaches it next without the attribute: it is taken off,
// and again each time the component sets it. Checkboxes keep theirs (allowed on a checkbox).
const expandedRadio = ".govuk-radios__input[aria-expanded]";
const unmark = (input) => input.removeAttribute("aria-expanded");
document.querySelectorAll(expandedRadio).forEach(unmark);
new MutationObserver((changes) => {
  changes.forEach(({ target }) => { if (target.matches(expandedRadio)) unmark(target); });
}).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["aria-expanded"] });

// 2. A wide table or chart scrolls sideways in its own box on a phone. A keyboard user can scroll the box
// only if it takes the focus, so while its content is wider than it is, the box is a named region in the
// tab order (WCAG 2.1.1; axe's scrollable-region-focusable); when everything fits, it is a plain box again.
// The name is the table's caption, or the heading before the box.
function regionName(box) {
  const caption = box.querySelector("caption, figcaption");
  if (caption && caption.textContent.trim()) return caption.textContent.trim();
  for (let el = box.previousElementSibling; el; el = el.previousElementSibling) {
    if (/^H[1-6]$/.test(el.tagName)) return el.textContent.trim();
  }
  return "Scrollable table";
}

function fitRegion(box) {
  const scrolls = box.scrollWidth > box.clientWidth + 1;
  if (box.dataset.appRegion === undefined) {  // a box the page made a region itself is left as it is
    box.dataset.appRegion = box.hasAttribute("tabindex") || box.hasAttribute("role") ? "own" : "added";
  }
  if (box.dataset.appRegion === "own") return;
  if (scrolls) {
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-labelledby")) box.setAttribute("aria-label", regionName(box));
  } else {
    ["tabindex", "role", "aria-label"].forEach((name) => box.removeAttribute(name));
  }
}

const sideways = [...document.querySelectorAll("main div, main figure")].filter((el) => {
  const overflow = getComputedStyle(el).overflowX;
  return overflow === "auto" || overflow === "scroll";
});
if (sideways.length) {
  const observer = new ResizeObserver((entries) => entries.forEach(({ target }) => fitRegion(target)));
  sideways.forEach((box) => { fitRegion(box); observer.observe(box); });
}
