// The query UI of /sparql: YASGUI with a tab per example query (the page's data block).
// A file of the site's own, not an inline script: the Content-Security-Policy allows no other.
//
// Made usable by keyboard and screen reader (WCAG 2.1 AA), which YASGUI 4 alone is not:
// the editor does not take the focus as the page loads, and Tab leaves it (CodeMirror kept
// Tab for indenting, so a keyboard user could not get out); the editor, the endpoint field
// and the tabs' name fields get names (the page's data-label-* words); the "+" button moves
// out of the tab list (a tab list holds tabs only); and tabs stop pointing (aria-controls)
// at panels YASGUI has not drawn.
"use strict";
const holder = document.getElementById("yasgui");
const examples = JSON.parse(document.getElementById("sparql-examples").textContent);
const yasgui = new Yasgui(holder, {
  requestConfig: {
    endpoint: new URL(holder.dataset.endpoint, location.href).href,
    method: "POST",
  },
  copyEndpointOnNewTab: true,
  persistenceId: null,
  autoAddOnInit: false,
  populateFromUrl: false,
  endpointCatalogueOptions: { getData: () => [] },
  yasqe: { autocompleters: ["variables"], autofocus: false },  // the others ask third-party sites
});
examples.forEach((example, i) =>
  yasgui.addTab(i === 0, { name: example.title, yasqe: { value: example.query } }));

function letTabLeave(tab) {
  const editor = tab && tab.getYasqe && tab.getYasqe();
  if (!editor || editor.sixaikaTabLeaves) return;
  // false: CodeMirror leaves the key to the browser, which moves the focus on
  editor.setOption("extraKeys", { ...(editor.getOption("extraKeys") || {}), Tab: false, "Shift-Tab": false });
  editor.sixaikaTabLeaves = true;
}

function name(selector, label) {
  holder.querySelectorAll(selector).forEach((field) => field.setAttribute("aria-label", label));
}

function tidy() {
  name(".CodeMirror textarea", holder.dataset.labelEditor);
  name("input.autocomplete", holder.dataset.labelEndpoint);
  name(".tabsList input[type=text]", holder.dataset.labelTabName);
  holder.querySelectorAll(".tabsList").forEach((list) => {
    const add = list.querySelector(".addTab");
    if (add) list.after(add.closest(".tabsList > *"));
  });
  holder.querySelectorAll("[role=tab][aria-controls]").forEach((tab) => {
    if (!document.getElementById(tab.getAttribute("aria-controls"))) {
      tab.removeAttribute("aria-controls");
    }
  });
  letTabLeave(yasgui.getTab());
}

function untidy() {
  const tabs = [...holder.querySelectorAll("[role=tab][aria-controls]")];
  return holder.querySelector(".tabsList .addTab, .CodeMirror textarea:not([aria-label])") !== null
    || tabs.some((tab) => !document.getElementById(tab.getAttribute("aria-controls")));
}

tidy();
yasgui.on("tabChange", () => setTimeout(tidy));
yasgui.on("tabAdd", () => setTimeout(tidy));
new MutationObserver(() => { if (untidy()) tidy(); }).observe(holder, { childList: true, subtree: true });
// YASGUI focuses the editor as it draws: the page keeps its starting point instead.
function release() {
  if (holder.contains(document.activeElement)) document.activeElement.blur();
}
release();
setTimeout(release);
