// Building blocks shared by the pages: tables, modals, delete confirmation, row
// menus, form fields and definition lists (docs/behaviour/dashboard.md §2).
import { h, $, shortName, toast, render } from "./core.js";

// --- tables -------------------------------------------------------------------------
// cols: [{title, cell(row) -> node|string}]; actions: table buttons; selectable rows.
// A table fills in one of two ways (docs/behaviour/dashboard.md §2):
// - rows: all of them given; the filter box (filter(row) → text) and the 20-row pages
//   work in the browser;
// - source({marker, reverse, query}) → {rows, next, prev}: one page at a time from the
//   server with limit/marker, as Horizon pages; choices [{label, key}] make the filter
//   a field chooser and a text box whose query goes to the server with the page.
function table({ title, cols, rows, actions = [], rowActions, filter, id, source, choices }) {
  const checks = [];
  const body = h("tbody");
  const all = h("input", { type: "checkbox", "aria-label": "Select all",
    onchange: () => checks.forEach((c) => { if (!c.row.hidden) c.box.checked = all.checked; }) });
  const count = h("span");
  const prev = h("button", { type: "button", class: "link", onclick: () => turn(-1) }, "« Prev");
  const nextPage = h("button", { type: "button", class: "link", onclick: () => turn(1) }, "Next »");
  function show(shown) {
    body.replaceChildren();
    checks.length = 0;
    all.checked = false;
    for (const r of shown) {
      const box = h("input", { type: "checkbox", "aria-label": "Select " + shortName(r) });
      const tr = h("tr", {}, h("td", { class: "sel" }, box),
        cols.map((c) => h("td", { "data-title": c.title }, c.cell(r))),
        rowActions ? h("td", { class: "actions" }, rowActions(r)) : null);
      checks.push({ box, row: tr, item: r });
      body.append(tr);
    }
    if (!shown.length) {
      body.append(h("tr", {}, h("td", { colspan: cols.length + 2, class: "empty" },
        "No items to display.")));
    }
    count.textContent = "Displaying " + shown.length + " item" + (shown.length === 1 ? "" : "s");
  }

  let filterBar, turn, draw;
  if (source) {
    // The server's pages: the marker is the last row's id going on, the first's going back.
    let shown = [], query = {};
    const chooser = h("select", { "aria-label": "Filter by" },
      (choices || []).map((c) => h("option", { value: c.key }, c.label)));
    const text = h("input", { type: "search", placeholder: "Filter", "aria-label": "Filter " + title });
    const load = async (marker, reverse) => {
      let page;
      try {
        page = await source({ marker, reverse, query });
      } catch (e) {
        if (e.status === 401) return;
        page = { rows: [], next: false, prev: false };
        toast("error", "Unable to retrieve the " + title.toLowerCase() + " list.", e.message);
      }
      shown = page.rows;
      prev.hidden = !page.prev;
      nextPage.hidden = !page.next;
      show(shown);
    };
    turn = (step) => (step > 0 ? load(shown[shown.length - 1].id, false) : load(shown[0].id, true));
    const apply = () => {
      query = text.value.trim() ? { [chooser.value]: text.value.trim() } : {};
      load(null, false);
    };
    filterBar = choices && h("form", { class: "filter", role: "search",
      onsubmit: (ev) => { ev.preventDefault(); apply(); } },
    chooser, text, h("button", { type: "submit" }, "Filter"));
    draw = () => load(null, false);
  } else {
    let page = 0;
    const PAGE = 20;      // Horizon's API_RESULT_PAGE_SIZE
    filterBar = filter && h("input", { type: "search", placeholder: "Filter",
      "aria-label": "Filter " + title, oninput: () => draw() });
    turn = (step) => { page += step; draw(); };
    draw = () => {
      const q = filterBar ? filterBar.value.trim().toLowerCase() : "";
      const matching = rows.filter((r) => !q || filter(r).toLowerCase().includes(q));
      page = Math.max(0, Math.min(page, Math.ceil(matching.length / PAGE) - 1));
      prev.hidden = page === 0;
      nextPage.hidden = (page + 1) * PAGE >= matching.length;
      show(matching.slice(page * PAGE, page * PAGE + PAGE));
    };
  }
  const foot = h("caption", { class: "count" }, count, " ", prev, " ", nextPage);
  const selected = () => checks.filter((c) => c.box.checked).map((c) => c.item);
  const bar = h("div", { class: "table-actions" }, filterBar,
    actions.map((a) => h("button", { type: "button", class: a.danger ? "danger" : "primary",
      disabled: a.disabled, onclick: () => a.run(selected()) }, a.label)));
  const t = h("table", { class: "data", id }, h("thead", {}, h("tr", {},
    h("th", { class: "sel" }, all), cols.map((c) => h("th", { scope: "col" }, c.title)),
    rowActions ? h("th", { scope: "col" }, "Actions") : null)), body, foot);
  const ready = draw();
  const section = h("section", { class: "table-wrap", "aria-label": title },
    h("div", { class: "table-head" }, h("h2", {}, title), bar), t);
  section.ready = ready;      // a server-paged table: resolves when its first page is shown
  return section;
}

// --- modals -------------------------------------------------------------------------
function modal(title, content, buttons) {
  const previous = document.activeElement;
  const close = () => { overlay.remove(); if (previous) previous.focus(); };
  const dialog = h("div", { class: "modal", role: "dialog", "aria-modal": "true",
      "aria-label": title },
    h("header", {}, h("h2", {}, title),
      h("button", { type: "button", class: "close", "aria-label": "Close", onclick: close }, "×")),
    content, h("footer", {}, buttons(close)));
  const overlay = h("div", { class: "overlay",
    onkeydown: (ev) => { if (ev.key === "Escape") close(); } }, dialog);
  $("#modal-root").append(overlay);
  const first = dialog.querySelector("input, select, textarea, button:not(.close)");
  if (first) first.focus();
  return close;
}

// A confirmed batch action (Delete, Clear Gateway, Release…): "Confirm <action>", one call
// per item, summed up as past(count) + ": a, b"; a failure says failed(item, error), the
// API's message under Details.  after(): where to go then (default: this page again).
function confirmAction({ action, actions, past, failed, items, run, after }) {
  const word = items.length > 1 ? actions : action;
  modal("Confirm " + word,
    h("div", { class: "body" }, h("p", {}, "You have selected: ",
      items.map((i) => '"' + shortName(i) + '"').join(", "), ". Please confirm your selection."),
    h("p", {}, "This action cannot be undone.")),
    (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
      h("button", { type: "button", class: "danger", onclick: async () => {
        close();
        const ok = [];
        for (const i of items) {
          try {
            await run(i);
            ok.push(shortName(i));
          } catch (e) {
            toast("error", failed(i, e), e.message);
          }
        }
        if (ok.length) toast("success", past(ok.length) + ": " + ok.join(", "));
        if (ok.length && after) after();
        else render();
      } }, word)]);
}

// opts.conflict(item, error): the message for a 409 (docs/behaviour/dashboard.md §10), instead of
// the generic one; opts.done(): where to go afterwards (default: this page again).
function confirmDelete(thing, things, items, run, opts = {}) {
  if (!items.length) {
    toast("info", "Select the " + things.toLowerCase() + " to delete first.");
    return;
  }
  confirmAction({ action: "Delete " + thing, actions: "Delete " + things, items, run,
    past: (n) => "Deleted " + (n > 1 ? things : thing), after: opts.done,
    failed: (i, e) => (e.status === 409 && opts.conflict ? opts.conflict(i, e)
      : e.status === 403 || e.status === 404
        ? "You are not allowed to delete " + thing.toLowerCase() + ": " + shortName(i)
        : "Unable to delete " + thing.toLowerCase() + ": " + shortName(i)) });
}

// Row actions: the first as a button, the rest in a menu (docs/behaviour/dashboard.md §2).
function rowMenu(actions) {
  const [first, ...rest] = actions;
  const menu = rest.length ? h("details", { class: "menu" }, h("summary", { "aria-label": "More actions" }, "▾"),
    h("ul", { class: "plain" }, rest.map((a) => h("li", {}, h("button", { type: "button",
      class: a.danger ? "link danger" : "link", disabled: a.disabled,
      onclick: (ev) => { ev.target.closest("details").open = false; a.run(); } }, a.label))))) : null;
  return h("div", { class: "row-actions" }, h("button", { type: "button", disabled: first.disabled,
    onclick: first.run }, first.label), menu);
}

function field(label, input, help, required) {
  const err = h("p", { class: "field-error", role: "alert", hidden: true });
  const wrap = h("div", { class: "field" },
    h("label", { for: input.id }, label, required ? h("span", { class: "req" }, " *") : null),
    input, help ? h("p", { class: "help" }, help) : null, err);
  wrap.error = (msg) => { err.textContent = msg || ""; err.hidden = !msg;
    input.setAttribute("aria-invalid", msg ? "true" : "false"); };
  return wrap;
}

function definitionList(pairs) {
  return h("dl", { class: "overview" }, pairs.filter(Boolean).map(([k, v]) =>
    [h("dt", {}, k), h("dd", {}, v)]));
}

export { table, modal, confirmDelete, confirmAction, rowMenu, field, definitionList };
