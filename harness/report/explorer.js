// The per-question explorer of the run report: reads the JSON block #explorer-data, filters by condition, outcome
// and task type (kept in the URL hash, so a filtered view can be linked and reloaded), and renders a question's
// detail (passages, each condition's answer side by side, gold answers, every score) when it is opened.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("explorer-data").textContent);
  const root = document.getElementById("explorer");
  const list = document.getElementById("explorer-list");
  const count = document.getElementById("explorer-count");
  const selects = {
    condition: document.getElementById("filter-condition"),
    outcome: document.getElementById("filter-outcome"),
    task: document.getElementById("filter-task"),
  };

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children || []) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function fill(select, values, labelAll) {
    select.append(el("option", { value: "" }, [labelAll]));
    for (const v of values) select.append(el("option", { value: v }, [v]));
  }

  fill(selects.condition, data.conditions, "all conditions");
  fill(selects.outcome, data.outcomes, "any outcome");
  fill(selects.task, [...new Set(data.questions.map((q) => q.t))].sort(), "all task types");

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const [key, select] of Object.entries(selects)) select.value = params.get(key) || "";
    return params.get("q");
  }

  function writeHash() {
    const params = new URLSearchParams();
    for (const [key, select] of Object.entries(selects)) if (select.value) params.set(key, select.value);
    history.replaceState(null, "", "#" + params.toString());
  }

  // A question is listed when one of its records matches every filter set (condition, outcome) and its task type does.
  function matches(q) {
    if (selects.task.value && q.t !== selects.task.value) return false;
    const cond = selects.condition.value ? data.conditions.indexOf(selects.condition.value) : -1;
    return q.rows.some((r) => (cond < 0 || r.c === cond) && (!selects.outcome.value || r.o === selects.outcome.value));
  }

  function badge(row) {
    return el("span", { class: "outcome " + row.o, title: data.conditions[row.c] }, [data.conditions[row.c] + ": " + row.o]);
  }

  function passages(row) {
    if (!row.p.length) return el("p", { class: "muted" }, ["no passages shown"]);
    return el("ol", { class: "passages" }, row.p.map(([chunk, doc, rank, score]) => {
      const text = data.chunks[chunk];
      const head = el("div", { class: "passage-head" }, [`[${rank}] ${chunk} (doc ${doc}, score ${score})`]);
      return el("li", {}, [head, text ? el("div", { class: "passage-text" }, [text]) : el("div", { class: "muted" }, ["text not available"])]);
    }));
  }

  function scoresTable(q) {
    const keys = [...new Set(q.rows.flatMap((r) => Object.keys(r.s)))].sort();
    const head = el("tr", {}, [el("th", {}, ["score"]), ...q.rows.map((r) => el("th", {}, [data.conditions[r.c]]))]);
    const rows = keys.map((k) => el("tr", {}, [el("th", {}, [k]), ...q.rows.map((r) => el("td", {}, [r.s[k] ?? "–"]))]));
    return el("div", { class: "scroll" }, [el("table", { class: "scores" }, [el("thead", {}, [head]), el("tbody", {}, rows)])]);
  }

  function detail(q) {
    const gold = q.gold.length ? q.gold.join(" | ") : "(none: the question is unanswerable)";
    const arms = q.rows.map((r) => el("div", { class: "arm", "data-condition": data.conditions[r.c] }, [
      el("h4", {}, [data.conditions[r.c] + " ", el("span", { class: "outcome " + r.o }, [r.o])]),
      el("p", { class: "answer" }, [r.e ? "error: " + r.e : r.a || "(empty answer)"]),
      el("p", { class: "muted" }, ["finish reason: " + (r.f ?? "–")]),
      el("h5", {}, ["passages shown"]),
      passages(r),
    ]));
    return el("div", { class: "detail" }, [
      el("p", {}, [el("b", {}, ["Gold answers: "]), gold]),
      el("p", { class: "muted" }, [`task type ${q.t}; gold documents ${q.docs.join(", ") || "–"}; ${data.chunksNote}`]),
      el("div", { class: "arms" }, arms),
      scoresTable(q),
    ]);
  }

  function item(q, openQid) {
    const summary = el("summary", {}, [el("span", { class: "qtext" }, [q.q || q.qid]), " ",
      el("span", { class: "muted" }, [`${q.qid} · ${q.t}`]), el("span", { class: "badges" }, q.rows.map(badge))]);
    const node = el("details", { class: "question", "data-qid": q.qid, "data-task": q.t }, [summary]);
    // Built on first open: 2,000 records' details would slow the first paint for nothing.
    node.addEventListener("toggle", () => { if (node.open && node.childElementCount === 1) node.append(detail(q)); });
    if (q.qid === openQid) node.open = true;
    return node;
  }

  function render(openQid) {
    const shown = data.questions.filter(matches);
    list.replaceChildren(...shown.map((q) => item(q, openQid)));
    count.textContent = `${shown.length} of ${data.questions.length} questions`;
    root.setAttribute("data-shown", String(shown.length));
    for (const node of list.querySelectorAll("details[open]")) {
      if (node.childElementCount === 1) node.append(detail(data.questions.find((q) => q.qid === node.dataset.qid)));
    }
  }

  for (const select of Object.values(selects)) select.addEventListener("change", () => { writeHash(); render(null); });
  window.addEventListener("hashchange", () => render(readHash()));
  render(readHash());
  root.setAttribute("data-ready", "true");
})();
