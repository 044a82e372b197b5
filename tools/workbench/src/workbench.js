// The query workbench of /query: the page's form works without this script; with it the textarea becomes a
// CodeMirror editor that knows the graph (completion from /query/vocabulary and /query/complete, syntax errors from
// sparqljs), and answers are shown here: a paged table with labels, a bar chart, Turtle, downloads from /sparql.
import { EditorState, StateEffect, StateField, RangeSetBuilder } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, drawSelection, highlightActiveLine, Decoration, WidgetType } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching, StreamLanguage } from "@codemirror/language";
import { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { linter, lintGutter } from "@codemirror/lint";
import { turtle } from "@codemirror/legacy-modes/mode/turtle";
import { sparql } from "codemirror-lang-sparql";
import { syntaxError } from "./syntax.js";

const PAGE_SIZE = 20;
const RECENT_KEY = "napkg-workbench-recent";
const RECENT_MAX = 10;
const SOLUTIONS = "application/sparql-results+json";
const GRAPH = "text/turtle";
const NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger|negativeInteger|nonPositiveInteger|unsignedLong|unsignedInt|unsignedShort|unsignedByte)$/;
const KEYWORDS = ("SELECT CONSTRUCT DESCRIBE ASK WHERE PREFIX BASE DISTINCT REDUCED FROM NAMED GRAPH OPTIONAL UNION MINUS " +
  "FILTER BIND VALUES GROUP BY HAVING ORDER ASC DESC LIMIT OFFSET COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT " +
  "EXISTS NOT IN AS LANG LANGMATCHES STR CONTAINS STRSTARTS REGEX LCASE UCASE IF COALESCE").split(" ");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

async function getJson(url, options = {}) {
  const response = await fetch(url, options);
  if (!response.ok) throw new Error(await response.text());
  return response.json();
}

// ---- labels of IRIs, shared by the editor (shown after each IRI) and the result table ----
const labels = new Map(); // iri -> {label, href}
async function fetchLabels(iris, lang) {
  const wanted = [...new Set(iris)].filter((i) => !labels.has(i));
  for (let at = 0; at < wanted.length; at += 2000) {
    const part = wanted.slice(at, at + 2000);
    const found = await getJson(`/query/labels?lang=${lang}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(part),
    });
    for (const iri of part) labels.set(iri, found[iri] || null);
  }
}

class LabelWidget extends WidgetType {
  constructor(label) { super(); this.label = label; }
  eq(other) { return other.label === this.label; }
  toDOM() { return el("span", { class: "cm-iri-label", "aria-hidden": "true" }, this.label); }
}

const labelsArrived = StateEffect.define();
const IRI_REF = /<([^<>"{}|^`\\\s]+)>/g;

function labelDecorations(doc) {
  const builder = new RangeSetBuilder();
  const text = doc.toString();
  for (const m of text.matchAll(IRI_REF)) {
    const known = labels.get(m[1]);
    if (known && known.href.startsWith("/")) {
      const end = m.index + m[0].length;
      builder.add(end, end, Decoration.widget({ widget: new LabelWidget(known.label), side: 1 }));
    }
  }
  return builder.finish();
}

const iriLabels = StateField.define({
  create: (state) => labelDecorations(state.doc),
  update(value, tr) {
    if (tr.docChanged || tr.effects.some((e) => e.is(labelsArrived))) return labelDecorations(tr.state.doc);
    return value;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function labelLoader(lang) {
  let timer = null;
  return EditorView.updateListener.of((update) => {
    if (!update.docChanged && timer !== null) return;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const iris = [...update.state.doc.toString().matchAll(IRI_REF)].map((m) => m[1]).filter((i) => !labels.has(i));
      if (iris.length === 0) return;
      try {
        await fetchLabels(iris, lang);
        update.view.dispatch({ effects: labelsArrived.of(null) });
      } catch { /* labels are a help, not a must */ }
    }, 250);
  });
}

// ---- completion ----
function declaredPrefixes(text) {
  const found = {};
  for (const m of text.matchAll(/PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>/gi)) found[m[1] || ""] = m[2];
  return found;
}

function shortName(iri, prefixes) {
  let best = null;
  for (const [p, ns] of Object.entries(prefixes)) {
    if (iri.startsWith(ns) && /^[A-Za-z_][\w-]*$/.test(iri.slice(ns.length)) && (!best || ns.length > best[1].length)) best = [p, ns];
  }
  return best ? { prefix: best[0], ns: best[1], name: `${best[0]}:${iri.slice(best[1].length)}` } : null;
}

// Insert `text` over from..to, and declare its prefix at the top when the query lacks it.
function insertTerm(text, prefix, ns) {
  return (view, completion, from, to) => {
    const declared = declaredPrefixes(view.state.doc.toString());
    const decl = prefix !== null && !(prefix in declared) ? `PREFIX ${prefix}: <${ns}>\n` : "";
    const changes = decl ? [{ from: 0, insert: decl }, { from, to, insert: text }] : [{ from, to, insert: text }];
    view.dispatch({ changes, selection: { anchor: from + decl.length + text.length }, userEvent: "input.complete" });
  };
}

function makeCompletion(setup, vocabulary) {
  const t = setup.strings;
  const terms = () => [
    ...vocabulary().classes.map((c) => ({ ...c, kind: "class" })),
    ...vocabulary().properties.map((p) => ({ ...p, kind: "property" })),
  ];

  function termOption(term, prefixes) {
    const short = shortName(term.iri, prefixes);
    if (!short) return null;
    const count = Number(term.count) ? ` · ${term.count}` : "";
    return {
      label: short.name,
      detail: `${t[term.kind]}${count}`,
      info: term.label !== short.name ? `${term.label}\n${term.iri}` : term.iri,
      type: term.kind === "class" ? "class" : "property",
      apply: insertTerm(short.name, short.prefix, short.ns),
    };
  }

  return async (context) => {
    const known = vocabulary();
    if (!known) return null;
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);

    // PREFIX declarations
    const decl = /PREFIX\s+([\w-]*)$/i.exec(before);
    if (decl) {
      const options = Object.entries(known.prefixes).map(([p, ns]) => ({
        label: `${p}:`, detail: ns, type: "namespace", apply: `${p}: <${ns}>`,
      }));
      return { from: context.pos - decl[1].length, options, validFor: /^[\w-]*$/ };
    }
    if (/<[^>\s]*$/.test(before) || /(^|[^\\])"[^"]*$/.test(before) || /#/.test(before.replace(/<[^>]*>|"[^"]*"/g, ""))) return null;

    // prefixed names: nap:Act...
    const pname = /(?:^|[^\w?$:.-])([A-Za-z][\w.-]*)?:([\w-]*)$/.exec(before);
    if (pname) {
      const prefix = pname[1] || "";
      const prefixes = { ...known.prefixes, ...declaredPrefixes(context.state.doc.toString()) };
      if (!(prefix in prefixes)) return null;
      const options = terms()
        .filter((term) => term.iri.startsWith(prefixes[prefix]) && shortName(term.iri, { [prefix]: prefixes[prefix] }))
        .map((term) => termOption(term, { [prefix]: prefixes[prefix] }))
        .filter(Boolean);
      return { from: context.pos - pname[0].length + pname[0].indexOf(pname[1] || ":"), options, validFor: /^[\w.-]*:?[\w-]*$/ };
    }

    // a bare word: keywords, classes and properties by local name or label, resources by label (from the server)
    const word = /(?:^|[^\w?$:<"'@#-])([\p{L}\p{N}][\p{L}\p{N}_-]*)$/u.exec(before);
    if (!word || (word[1].length < 2 && !context.explicit)) return null;
    const typed = word[1];
    const lower = typed.toLowerCase();
    const from = context.pos - typed.length;
    const options = KEYWORDS.filter((k) => k.toLowerCase().startsWith(lower) && k.length > typed.length)
      .map((k) => ({ label: k, type: "keyword", boost: -1 }));
    const prefixes = { ...known.prefixes, ...declaredPrefixes(context.state.doc.toString()) };
    for (const term of terms()) {
      const short = shortName(term.iri, prefixes);
      if (!short) continue;
      const local = short.name.slice(short.name.indexOf(":") + 1).toLowerCase();
      if (local.startsWith(lower) || term.label.toLowerCase().includes(lower)) {
        const option = termOption(term, prefixes);
        if (option) options.push(option);
      }
    }
    if (typed.length >= 2) {
      // CodeMirror already waits for typing to pause (activateOnTypingDelay) and aborts a query the next key makes
      // stale; the fetch is cancelled with it.
      const controller = new AbortController();
      context.addEventListener("abort", () => controller.abort());
      try {
        const found = await getJson(`/query/complete?${new URLSearchParams({ q: typed, lang: setup.lang })}`, { signal: controller.signal });
        for (const r of found.resources) {
          labels.set(r.iri, { label: r.label, href: r.href });
          options.push({
            label: r.label,
            detail: r.kind || t.resource,
            info: r.matched ? `${r.matched}\n${r.iri}` : r.iri,
            type: "variable",
            boost: 1,
            apply: insertTerm(`<${r.iri}>`, null, null),
          });
        }
      } catch {
        if (context.aborted) return null;
      }
    }
    return options.length ? { from, options, filter: false } : null;
  };
}

// ---- results ----
function cellNode(value) {
  if (!value) return document.createTextNode("");
  if (value.type === "uri") {
    const known = labels.get(value.value);
    return el("a", { href: known ? known.href : value.value, title: value.value, class: "iri" }, known ? known.label : value.value);
  }
  if (value.type === "bnode") return document.createTextNode(`_:${value.value}`);
  const node = el("span", { class: "literal" }, value.value);
  if (value["xml:lang"]) node.append(el("span", { class: "lang" }, `@${value["xml:lang"]}`));
  return node;
}

function isNumber(value) {
  return value && value.type === "literal" && NUMERIC.test(value.datatype || "") && Number.isFinite(Number(value.value));
}

function textOf(value) {
  if (!value) return "";
  if (value.type === "uri") return labels.get(value.value)?.label ?? value.value;
  return value.value;
}

// The first column whose every value is a number, and the first other column: a chart of label and number.
function chartColumns(vars, rows) {
  if (rows.length === 0) return null;
  const number = vars.find((v) => rows.every((r) => isNumber(r[v])));
  const label = vars.find((v) => v !== number && rows.some((r) => r[v]));
  return number && label ? { label, number } : null;
}

function barChart(rows, columns, title) {
  const shown = rows.slice(0, 50);
  const max = Math.max(...shown.map((r) => Number(r[columns.number].value)), 0);
  const labelWidth = 260, barWidth = 380, rowHeight = 22, top = 8;
  const height = top + shown.length * rowHeight + 8;
  const chart = svg("svg", { class: "bar-chart", viewBox: `0 0 ${labelWidth + barWidth + 70} ${height}`, width: labelWidth + barWidth + 70, height, role: "img" });
  chart.append(svg("title", {}, title));
  shown.forEach((row, i) => {
    const n = Number(row[columns.number].value);
    const y = top + i * rowHeight;
    const text = textOf(row[columns.label]);
    const g = svg("g", { class: "bar-row" });
    g.append(svg("title", {}, `${text}: ${row[columns.number].value}`));
    g.append(svg("text", { x: labelWidth - 8, y: y + 15, "text-anchor": "end", class: "bar-label" }, text.length > 40 ? `${text.slice(0, 39)}…` : text));
    g.append(svg("rect", { x: labelWidth, y: y + 3, width: max > 0 ? Math.max(0, (n / max) * barWidth) : 0, height: rowHeight - 6, class: "bar" }));
    g.append(svg("text", { x: labelWidth + (max > 0 ? (n / max) * barWidth : 0) + 6, y: y + 15, class: "bar-value" }, row[columns.number].value));
    chart.append(g);
  });
  return chart;
}

function downloadLinks(query, keys, t) {
  const p = el("p", { class: "downloads" }, `${t.download}: `);
  keys.forEach((k, i) => {
    if (i) p.append(" · ");
    p.append(el("a", { href: `/sparql?${new URLSearchParams({ query, format: k })}`, download: "" }, k.toUpperCase()));
  });
  return p;
}

function renderTable(out, data, query, setup, truncated) {
  const t = setup.strings;
  const vars = data.head.vars || [];
  const rows = data.results.bindings;
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  let page = 0;
  out.append(el("h2", {}, `${t.results} (${rows.length} ${t.rows})`));
  if (truncated) out.append(el("p", { class: "warning", role: "status" }, truncated));
  out.append(downloadLinks(query, ["csv", "tsv", "json"], t));
  const columns = chartColumns(vars, rows);
  if (columns) {
    const figure = el("figure", { class: "chart" });
    figure.append(barChart(rows, columns, `${columns.number} / ${columns.label}`));
    figure.append(el("figcaption", {}, `${t.chart}: ${columns.number} · ${columns.label}`));
    out.append(figure);
  }
  const table = el("table", { class: "results" });
  const head = el("tr");
  for (const v of vars) head.append(el("th", {}, v));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  table.append(body);
  out.append(el("div", { class: "table-scroll" }, table));
  const nav = el("nav", { class: "pager", "aria-label": t.page });
  const previous = el("button", { type: "button", class: "previous" }, `‹ ${t.previous}`);
  const next = el("button", { type: "button", class: "next" }, `${t.next} ›`);
  const where = el("span", { class: "where" });
  nav.append(previous, " ", where, " ", next);
  if (pages > 1) out.append(nav);
  function show() {
    body.replaceChildren();
    for (const row of rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)) {
      const tr = el("tr");
      for (const v of vars) tr.append(el("td", {}, cellNode(row[v])));
      body.append(tr);
    }
    where.textContent = `${t.page} ${page + 1} ${t.of} ${pages}`;
    previous.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }
  previous.addEventListener("click", () => { if (page > 0) { page--; show(); } });
  next.addEventListener("click", () => { if (page < pages - 1) { page++; show(); } });
  show();
}

function renderGraph(out, text, query, setup) {
  out.append(el("h2", {}, "Turtle"));
  out.append(downloadLinks(query, ["ttl", "jsonld", "nt", "rdf"], setup.strings));
  const holder = el("div", { class: "turtle" });
  out.append(holder);
  new EditorView({
    parent: holder,
    state: EditorState.create({
      doc: text,
      extensions: [
        EditorState.readOnly.of(true),
        EditorView.editable.of(false),
        EditorView.cspNonce.of(setup.nonce),
        StreamLanguage.define(turtle),
        syntaxHighlighting(defaultHighlightStyle),
        lineNumbers(),
      ],
    }),
  });
}

// ---- recent queries ----
function recentQueries() {
  try { return JSON.parse(localStorage.getItem(RECENT_KEY) || "[]").filter((q) => typeof q === "string"); } catch { return []; }
}

function remember(query) {
  const list = [query, ...recentQueries().filter((q) => q !== query)].slice(0, RECENT_MAX);
  try { localStorage.setItem(RECENT_KEY, JSON.stringify(list)); } catch { /* storage full or off */ }
}

function summary(query) {
  const line = query.split("\n").map((l) => l.trim()).find((l) => l && !/^PREFIX\b/i.test(l)) || query.trim();
  return line.replace(/^#\s*/, "").slice(0, 90);
}

function showRecent(holder, t) {
  holder.replaceChildren(el("h2", {}, t.recent));
  const list = recentQueries();
  if (list.length === 0) { holder.append(el("p", { class: "muted" }, t.no_recent)); return; }
  const ol = el("ol");
  for (const q of list) ol.append(el("li", {}, el("a", { href: `/query?${new URLSearchParams({ query: q })}`, title: q }, summary(q))));
  holder.append(ol);
}

// ---- the page ----
function start() {
  const root = document.getElementById("workbench");
  const textarea = document.getElementById("query");
  const form = textarea && textarea.form;
  if (!root || !form) return;
  const setup = JSON.parse(root.dataset.setup);
  const t = setup.strings;
  let vocabulary = null;
  getJson(`/query/vocabulary?lang=${setup.lang}`).then((v) => { vocabulary = v; root.dataset.vocabulary = "ready"; }).catch(() => {});
  const baseIRI = `${location.origin}/`;

  const editor = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        EditorView.cspNonce.of(setup.nonce),
        lineNumbers(),
        EditorView.lineWrapping,
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        closeBrackets(),
        sparql(),
        syntaxHighlighting(defaultHighlightStyle),
        autocompletion({ override: [makeCompletion(setup, () => vocabulary)], activateOnTyping: true, maxRenderedOptions: 60 }),
        linter((view) => {
          const error = syntaxError(view.state.doc.toString(), baseIRI);
          return error ? [{ from: error.from, to: error.to, severity: "error", message: `${t.syntax}: ${error.message}` }] : [];
        }, { delay: 250 }),
        lintGutter(),
        iriLabels,
        labelLoader(setup.lang),
        keymap.of([
          { key: "Mod-Enter", run: () => { run(); return true; } },
          ...closeBracketsKeymap, ...completionKeymap, ...historyKeymap, ...defaultKeymap,
        ]),
        EditorView.contentAttributes.of({ "aria-label": "SPARQL", spellcheck: "false" }),
        EditorView.editorAttributes.of({ class: "query-editor" }), // CodeMirror owns the class list of its root
      ],
    }),
  });
  textarea.after(editor.dom);
  textarea.hidden = true;

  const out = el("section", { id: "workbench-results", "aria-live": "polite" });
  form.after(out);
  const aside = document.querySelector("aside.examples");
  const recent = el("section", { class: "recent" });
  if (aside) { aside.append(recent); showRecent(recent, t); }
  const button = form.querySelector("button[type=submit]");

  async function run(push = true) {
    const query = editor.state.doc.toString();
    textarea.value = query;
    if (!query.trim()) return;
    for (const old of document.querySelectorAll("#results, #workbench [data-from=server]")) old.remove();
    out.replaceChildren(el("p", { class: "muted" }, t.running));
    out.dataset.state = "running";
    button.disabled = true;
    if (push) {
      const params = new URLSearchParams(location.search);
      params.set("query", query);
      window.history.pushState(null, "", `/query?${params}`);
    }
    remember(query);
    if (aside) showRecent(recent, t);
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: `${SOLUTIONS}, ${GRAPH};q=0.9` },
        body: new URLSearchParams({ query }),
      });
      const body = await response.text();
      out.replaceChildren();
      if (!response.ok) {
        out.append(el("p", { class: "error", role: "alert" }, `${t.error} ${response.status}: ${body}`));
        return;
      }
      const type = response.headers.get("Content-Type") || "";
      if (type.startsWith(SOLUTIONS)) {
        const data = JSON.parse(body);
        if (typeof data.boolean === "boolean") {
          out.append(el("h2", {}, "ASK: ", el("code", {}, String(data.boolean))));
          out.append(downloadLinks(query, ["json", "xml"], t));
          return;
        }
        const iris = data.results.bindings.flatMap((row) => Object.values(row).filter((v) => v.type === "uri").map((v) => v.value));
        try { await fetchLabels(iris, setup.lang); } catch { /* show IRIs */ }
        const cut = response.headers.get("X-Result-Truncated") === "true" ? `${t.truncated}: ${response.headers.get("Warning") || ""}` : "";
        renderTable(out, data, query, setup, cut);
      } else {
        renderGraph(out, body, query, setup);
      }
    } catch (error) {
      out.replaceChildren(el("p", { class: "error", role: "alert" }, `${t.error}: ${error.message}`));
    } finally {
      button.disabled = false;
      out.dataset.state = "done";
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  window.addEventListener("popstate", () => {
    const query = new URLSearchParams(location.search).get("query");
    if (query !== null) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: query } });
      run(false);
    }
  });
  root.editorText = () => editor.state.doc.toString(); // for the browser tests, which must not read widgets as text
  root.dataset.ready = "true";
  if (new URLSearchParams(location.search).get("query")) run(false);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
