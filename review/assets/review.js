// The review site: filters and sorting on the index; on a card, items and their boxes highlighted together.
"use strict";

function fold(text) {
  return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

function copyText(text, button) {
  const done = () => { button.classList.add("done"); button.textContent = "copied"; setTimeout(() => { button.classList.remove("done"); button.textContent = "copy"; }, 1500); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text) && done());
  } else if (fallbackCopy(text)) {
    done();
  }
}

function fallbackCopy(text) {  // pages opened from the file system have no clipboard API in every browser
  const area = document.createElement("textarea");
  area.value = text;
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
  area.remove();
  return ok;
}

function initCopy() {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.copy");
    if (button) {
      event.stopPropagation();
      copyText(button.dataset.copy, button);
    }
  });
}

// --- index ---------------------------------------------------------------------------------------------------

function initIndex() {
  const table = document.getElementById("card-table");
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const owner = document.getElementById("f-owner");
  const chapter = document.getElementById("f-chapter");
  const budget = document.getElementById("f-budget");
  const findings = document.getElementById("f-findings");
  const search = document.getElementById("f-search");
  const count = document.getElementById("count");

  function apply() {
    const words = fold(search.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows) {
      const data = row.dataset;
      const visible = (!owner.value || data.owner === owner.value)
        && (!chapter.value || data.chapter === chapter.value)
        && (!budget.value || data.budget === budget.value)
        && (!findings.value || (findings.value === "yes") === (Number(data.findings) > 0))
        && words.every((word) => data.search.includes(word));
      row.hidden = !visible;
      if (visible) shown += 1;
    }
    count.textContent = `${shown} of ${rows.length} cards`;
  }
  for (const control of [owner, chapter, budget, findings]) control.addEventListener("change", apply);
  search.addEventListener("input", apply);

  const headers = Array.from(table.tHead.rows[0].cells);
  headers.forEach((header, column) => {
    const sort = () => {
      const ascending = header.getAttribute("aria-sort") !== "ascending";
      headers.forEach((other) => other.removeAttribute("aria-sort"));
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const numeric = header.dataset.type === "num";
      const value = (row) => row.cells[column].dataset.v;
      const sorted = rows.slice().sort((a, b) => {
        let x = value(a), y = value(b);
        if (x === "" || y === "") return (x === "") - (y === "");  // empty values last, either way
        const order = numeric && !isNaN(Number(x)) && !isNaN(Number(y)) ? Number(x) - Number(y) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      for (const row of sorted) body.appendChild(row);
    };
    header.addEventListener("click", sort);
    header.addEventListener("keydown", (event) => { if (event.key === "Enter") sort(); });
  });

  const kind = document.getElementById("f-kind");
  kind.addEventListener("change", () => {
    for (const row of document.querySelectorAll("table.findings tbody tr")) row.hidden = !!kind.value && row.dataset.kind !== kind.value;
  });
  apply();
}

// --- card ----------------------------------------------------------------------------------------------------

function initCard() {
  const items = Array.from(document.querySelectorAll("li.item"));
  const boxesOf = (id) => Array.from(document.querySelectorAll(`.box[data-item="${id}"]`));
  const pages = document.getElementById("pages");
  const values = document.getElementById("values");

  function scrollInto(container, element) {  // the element to the middle of its scrolling pane, at once
    const box = element.getBoundingClientRect();
    const pane = container.getBoundingClientRect();
    container.scrollTop += box.top - pane.top - (pane.height - box.height) / 2;
    if (container.scrollWidth > container.clientWidth) container.scrollLeft += box.left - pane.left - (pane.width - box.width) / 2;
  }

  function hover(id, on) {
    const item = document.getElementById(id);
    if (item) item.classList.toggle("hover", on);
    for (const box of boxesOf(id)) box.classList.toggle("hover", on);
  }

  function select(id, from) {
    for (const element of document.querySelectorAll(".selected")) element.classList.remove("selected");
    const item = document.getElementById(id);
    if (!item) return;
    item.classList.add("selected");
    const boxes = boxesOf(id);
    for (const box of boxes) box.classList.add("selected");
    if (from !== "box" && boxes.length) scrollInto(pages, boxes[0]);
    if (from !== "item") scrollInto(values, item);
    if (history.replaceState) history.replaceState(null, "", `#${id}`);
  }

  for (const item of items) {
    item.addEventListener("mouseenter", () => { hover(item.id, true); const boxes = boxesOf(item.id); if (boxes.length) scrollInto(pages, boxes[0]); });
    item.addEventListener("mouseleave", () => hover(item.id, false));
    item.addEventListener("click", () => select(item.id, "item"));
    item.addEventListener("focus", () => select(item.id, "item"));
  }
  for (const box of document.querySelectorAll(".box")) {
    box.addEventListener("mouseenter", () => { hover(box.dataset.item, true); const item = document.getElementById(box.dataset.item); if (item) scrollInto(values, item); });
    box.addEventListener("mouseleave", () => hover(box.dataset.item, false));
    box.addEventListener("click", () => select(box.dataset.item, "box"));
  }
  document.addEventListener("keydown", (event) => {  // j / k: next and previous item
    if (event.target.matches("input, textarea, select")) return;
    if (event.key !== "j" && event.key !== "k") return;
    const current = items.findIndex((item) => item.classList.contains("selected"));
    const next = Math.min(items.length - 1, Math.max(0, current + (event.key === "j" ? 1 : -1)));
    if (items[next]) { select(items[next].id); items[next].focus({ preventScroll: true }); }
  });
  const wanted = decodeURIComponent(location.hash.slice(1));
  if (wanted && document.getElementById(wanted) && wanted.startsWith("i-")) {
    window.addEventListener("load", () => select(wanted));
  } else if (wanted && document.getElementById(wanted)) {
    document.getElementById(wanted).scrollIntoView();
  }
}

initCopy();
if (document.body.dataset.view === "index") initIndex();
if (document.body.dataset.view === "card") initCard();
