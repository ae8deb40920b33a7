// Suggestions as you type in the header's search box (a WAI-ARIA combobox).
// Without this script the box is a plain form that submits to /search.
"use strict";
(function () {
  const input = document.getElementById("site-search-q");
  const list = document.getElementById("site-search-options");
  if (!input || !list || !window.fetch) return;
  const source = input.dataset.suggest;
  const lang = document.documentElement.lang;
  let active = -1, asked = 0, timer = null;

  function options() { return Array.from(list.querySelectorAll("[role=option]")); }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function choose(index) {
    const all = options();
    all.forEach((o, i) => o.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", all[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function go(option) {
    const href = option.dataset.href;
    const chosen = new URL(href, window.location.href);
    const asked = new URLSearchParams(window.location.search).get("lang");
    if (asked) chosen.searchParams.set("lang", asked);
    window.location.assign(chosen.toString());
  }

  function show(suggestions) {
    list.replaceChildren();
    suggestions.forEach((s, i) => {
      if (!s.href) return;
      const item = document.createElement("li");
      item.id = "site-search-option-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.href = s.href;
      const label = document.createElement("span");
      label.textContent = s.label;
      if (s.lang && s.lang !== lang) label.lang = s.lang;
      const kind = document.createElement("small");
      kind.textContent = s.kind;
      item.append(label, kind);
      item.addEventListener("mousedown", (event) => { event.preventDefault(); go(item); });
      list.append(item);
    });
    const any = list.children.length > 0;
    list.hidden = !any;
    input.setAttribute("aria-expanded", String(any));
    active = -1;
  }

  async function ask() {
    const q = input.value.trim();
    if (!q) { close(); return; }
    const mine = ++asked;
    try {
      const response = await fetch(source + "?q=" + encodeURIComponent(q),
                                   { headers: { Accept: "application/json" } });
      if (!response.ok || mine !== asked) return;
      const body = await response.json();
      if (mine === asked) show(body.suggestions || []);
    } catch (error) {
      close();  // the form still works: Enter searches
    }
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, 150); });
  input.addEventListener("keydown", (event) => {
    const all = options();
    if (event.key === "ArrowDown" && all.length) {
      event.preventDefault(); choose((active + 1) % all.length);
    } else if (event.key === "ArrowUp" && all.length) {
      event.preventDefault(); choose(active <= 0 ? all.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault(); go(all[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
})();
