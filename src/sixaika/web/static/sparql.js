// The query UI of /sparql: YASGUI with a tab per example query (the page's data block).
// A file of the site's own, not an inline script: the Content-Security-Policy allows no other.
"use strict";
const examples = JSON.parse(document.getElementById("sparql-examples").textContent);
const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: {
    endpoint: new URL(document.getElementById("yasgui").dataset.endpoint, location.href).href,
    method: "POST",
  },
  copyEndpointOnNewTab: true,
  persistenceId: null,
  autoAddOnInit: false,
  populateFromUrl: false,
  endpointCatalogueOptions: { getData: () => [] },
  yasqe: { autocompleters: ["variables"] },  // the others ask third-party sites
});
examples.forEach((example, i) =>
  yasgui.addTab(i === 0, { name: example.title, yasqe: { value: example.query } }));
