// The workbench flows of tests/support/workbench_flows.py in Debian's firefox-esr, driven through WebDriver BiDi by
// puppeteer-core (Playwright drives only its own Firefox build, which cannot be installed here). Started by
// tests/server/web/test_workbench_firefox.py: `node flows.mjs PLAN.json` reads {base, expected, firefox} and prints
// what it saw as JSON on stdout, in the shape workbench_flows.check reads; the assertions stay in Python.
import { readFileSync } from "node:fs";
import puppeteer from "puppeteer-core";

const { base, expected, firefox } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: firefox,
  headless: true,
  protocol: "webDriverBiDi",
  extraPrefsFirefox: { "intl.accept_languages": "en-GB" },
});
const requests = [];
const errors = [];
const seen = { requests, errors };
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${base}/query?lang=en`);
  await page.waitForSelector("#workbench[data-ready=true][data-vocabulary=ready]");

  const text = () => page.evaluate(() => document.getElementById("workbench").editorText());
  async function replace(content = "") {
    await page.mouse.move(0, 0); // away from any tooltip, which would take the click
    await page.click(".cm-content .cm-line");
    await page.keyboard.down("Control");
    await page.keyboard.press("a");
    await page.keyboard.up("Control");
    await page.keyboard.press("Delete");
    // One insertion, as a paste (no auto-closed brackets, no completion in between). WebDriver BiDi sends one
    // character at a time and a synthetic paste event carries no data in Firefox, so the text goes in as the
    // browser's own text insertion into the focused editor, which CodeMirror reads from the DOM like typing.
    if (content) await page.evaluate((text) => document.execCommand("insertText", false, text), content);
  }
  async function pick(label) {
    const handle = await page.waitForFunction(
      (wanted) => [...document.querySelectorAll(".cm-tooltip-autocomplete li")]
        .find((li) => li.querySelector(".cm-completionLabel")?.textContent === wanted),
      {}, label,
    );
    const labels = await page.$$eval(".cm-tooltip-autocomplete .cm-completionLabel", (l) => l.map((x) => x.textContent));
    await handle.asElement().click();
    return labels;
  }
  async function run(query) {
    await replace(query);
    await page.click("#query-form button[type=submit]");
    await page.waitForSelector("#workbench-results[data-state=done]");
  }
  const downloads = () => page.$$eval("#workbench-results p.downloads a", (l) => l.map((a) => [a.textContent.toLowerCase(), a.getAttribute("href")]));
  const firstColumn = () => page.$$eval("#workbench-results tbody tr td:first-child a", (l) => l.map((a) => a.title));

  await replace();
  await page.keyboard.type(expected.prefix.typed);
  seen.prefix = { options: await pick(expected.prefix.option) };
  seen.prefix.text = await text();

  const typed = expected.resource.typed;
  const fragment = typed.split(" ").pop();
  await replace(typed.slice(0, typed.length - fragment.length));
  await page.keyboard.type(fragment);
  seen.resource = { options: await pick(expected.resource.option) };
  seen.resource.text = await text();
  await page.waitForSelector(".cm-iri-label");
  seen.resource.shown_label = await page.$eval(".cm-iri-label", (e) => e.textContent);

  await replace(expected.syntax.query);
  const mark = await page.waitForSelector(".cm-lintRange-error");
  const line = await mark.evaluate((m) => [...m.closest(".cm-content").children].indexOf(m.closest(".cm-line")) + 1);
  const marked = await mark.evaluate((m) => m.textContent);
  await mark.hover();
  const diagnostic = await page.waitForSelector(".cm-tooltip-lint .cm-diagnostic");
  seen.syntax = { marked, line, message: await diagnostic.evaluate((d) => d.textContent) };

  await run(expected.paging.query);
  const link = page.url();
  const pages = [];
  const where = [];
  for (const _ of expected.paging.pages) {
    pages.push(await firstColumn());
    where.push(await page.$eval("#workbench-results .pager .where", (e) => e.textContent));
    if (!(await page.$eval("#workbench-results .pager button.next", (b) => b.disabled))) {
      await page.click("#workbench-results .pager button.next");
    }
  }
  seen.paging = {
    pages,
    where,
    next_disabled_at_end: await page.$eval("#workbench-results .pager button.next", (b) => b.disabled),
    downloads: await downloads(),
  };

  await run(expected.chart.query);
  seen.chart = { bars: await page.$$eval("svg.bar-chart g.bar-row > title", (l) => l.map((t) => t.textContent)) };

  await run(expected.graph.query);
  seen.graph = {
    turtle: await page.$eval("#workbench-results .turtle .cm-content", (e) => e.innerText),
    highlighted: (await page.$$("#workbench-results .turtle .cm-line span")).length,
    downloads: await downloads(),
  };

  await page.goto(link);
  await page.waitForSelector("#workbench-results[data-state=done]");
  seen.link = {
    editor: await text(),
    first_page: await firstColumn(),
    heading: await page.$eval("#workbench-results h2", (h) => h.textContent),
  };
  seen.recent = await page.$$eval("aside .recent li a", (l) => l.map((a) => a.title));
  await page.screenshot({ path: "/tmp/napkg-screens/workbench-firefox.png", fullPage: true });
} catch (error) {
  // What the page showed, so that a failure says more than which selector was missing.
  const page = (await browser.pages()).at(-1);
  const state = await page.evaluate(() => ({
    editor: document.getElementById("workbench")?.editorText?.(),
    results: document.getElementById("workbench-results")?.innerText?.slice(0, 600),
  }));
  process.stderr.write(`${JSON.stringify({ seen, state })}\n`);
  throw error;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(seen));
