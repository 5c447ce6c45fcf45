// Real-browser test of the chiso dashboard on demo data.
//
// Starts nothing itself: BASE_URL names a running `chiso serve`. Opens the
// overview, clicks the lowest-ranked unit, checks its criteria table and its
// explain list, switches the period to a quarter, runs one administrative-
// reform form through its workflow (fill, submit, return, fix, approve,
// consolidate), checks the overview, a unit page and the criterion page
// at 390 px and 1400 px (no sideways scroll, no cut text), and saves
// screenshots (PNG) under SCREENSHOT_DIR (default
// target/screenshots).
import { chromium } from "playwright-core";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";

const base = (process.env.BASE_URL || "http://127.0.0.1:8080").replace(/\/$/, "");
const shots = process.env.SCREENSHOT_DIR || "target/screenshots";
mkdirSync(shots, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), "chiso-chromium-"));

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
  viewport: { width: 1366, height: 900 },
  locale: "vi-VN",
});
const errors = [];
let failed = false;
try {
  const page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (e) => errors.push(`lỗi JavaScript: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
  page.on("requestfailed", (r) => errors.push(`không tải được ${r.url()}`));

  // 1. Overview on the latest month.
  await page.goto(`${base}/`);
  await assert.doesNotReject(page.locator("table.rank").first().waitFor());
  const title = await page.locator("h1").innerText();
  assert.match(title, /tháng/i, `the overview defaults to a month: ${title}`);
  assert.match(title, /đã công bố ngày/iu, `the public sees a published period: ${title}`);
  assert.match(await page.locator(".freshness").innerText(), /Dữ liệu cập nhật đến \d\d\/\d\d\/\d{4}/);
  await page.screenshot({ path: join(shots, "overview-month.png"), fullPage: true });

  // Sorting by a column and the unit search work.
  const firstTable = page.locator("table.rank").first();
  await firstTable.locator("thead th").nth(2).click();
  const search = page.locator("#unit-search");
  const someName = (await page.locator("table.rank tbody tr td.unit a").last().innerText()).trim();
  await search.fill(someName.split(" ").slice(-1)[0]);
  assert.ok((await page.locator("table.rank tbody tr:not([hidden])").count()) >= 1, "search keeps the matching unit");
  await search.fill("");
  await page.goto(`${base}/`);

  // 2. The lowest-ranked unit of the largest section.
  const sections = page.locator("section.ranking");
  let largest = null, size = 0;
  for (let i = 0; i < (await sections.count()); i++) {
    const n = await sections.nth(i).locator("tbody tr").count();
    if (n > size) { size = n; largest = sections.nth(i); }
  }
  assert.ok(largest && size > 1, "a section with several units");
  const ranks = await largest.locator("tbody tr[data-rank]").evaluateAll((rows) =>
    rows.map((r) => Number(r.getAttribute("data-rank")) || 0));
  const worst = ranks.indexOf(Math.max(...ranks));
  const link = largest.locator("tbody tr[data-rank]").nth(worst).locator("td.unit a");
  const unitName = (await link.innerText()).trim();
  await Promise.all([page.waitForURL(/\/units\//), link.click()]);

  // 3. The unit page as the public sees it: criteria table, gauges, trend,
  // and no dossier (the explain list is for the unit's officers).
  assert.equal((await page.locator("h1").innerText()).trim().toLowerCase(), unitName.toLowerCase());
  const criteria = page.locator("table.criteria tbody tr:not(.group-row):not(.total-row)");
  assert.ok((await criteria.count()) >= 10, "every criterion is listed");
  assert.match(await page.locator("table.criteria").innerText(), /2\.1/);
  assert.ok((await page.locator("svg.gauge").count()) >= 7, "total and group gauges");
  assert.ok((await page.locator("svg.trend polyline").count()) >= 1, "trend chart");
  assert.equal(await page.locator("table.explain-list").count(), 0, "no dossier list for the public");
  assert.match(await page.locator("section.explain").innerText(), /đăng nhập/);
  const worstUrl = page.url();
  await page.screenshot({ path: join(shots, "unit-public.png"), fullPage: true });

  // The import page sends the public to sign in.
  await page.goto(`${base}/import`);
  assert.match(page.url(), /\/signin\?next=/);

  // 4. An officer of Sở Y tế signs in: its own unit's dossiers, no one else's.
  async function signIn(login, password) {
    await page.goto(`${base}/signin`);
    await page.fill("input[name=login]", login);
    await page.fill("input[name=password]", password);
    await Promise.all([page.waitForNavigation(), page.click("form.signin button[type=submit]")]);
  }
  await signIn("canbo.syt", process.env.OFFICER_PASSWORD);
  await page.goto(`${base}/units/${encodeURIComponent(process.env.OFFICER_UNIT)}`);
  const explainRows = page.locator("#giai-trinh table.explain-list tbody tr");
  assert.ok((await explainRows.count()) > 0, "the officer sees its unit's explain list");
  assert.match(await page.locator("#giai-trinh .explain-summary").innerText(), /không đạt/);
  await page.screenshot({ path: join(shots, "unit.png"), fullPage: true });
  if (!unitName.includes("Y tế")) {
    await page.goto(worstUrl);
    assert.equal(await page.locator("table.explain-list").count(), 0, "another unit's dossiers stay hidden");
  }
  // An officer imports its own units' files, but the audit log is the office's.
  assert.equal((await page.goto(`${base}/import`)).status(), 200);
  const seen = errors.length;
  assert.equal((await page.goto(`${base}/audit`)).status(), 403);
  errors.length = seen; // the refusal is expected: its console line is not a fault

  // Sign out from the account page; the session is gone.
  await page.goto(`${base}/account`);
  await Promise.all([page.waitForNavigation(), page.click("form[action='/signout'] button")]);
  await page.goto(`${base}/account`);
  assert.match(page.url(), /\/signin/);

  // 5. The office's administrator: the audit log holds the sign-ins.
  await signIn("quantri", process.env.ADMIN_PASSWORD);
  await page.goto(`${base}/audit`);
  const audit = await page.locator("table.grid").innerText();
  assert.match(audit, /sign_in/);
  assert.match(audit, /canbo\.syt/);
  assert.match(await page.locator(".sub").first().innerText(), /toàn vẹn/);
  await page.screenshot({ path: join(shots, "audit.png"), fullPage: true });

  // The latest month is provisional: the office sees it, the public does
  // not, until the administrator publishes it from /publications.
  await page.goto(`${base}/publications`);
  const latest = await page.locator("form.publish input[name=period]").inputValue();
  assert.match(latest, /^\d{4}-\d{2}$/);
  assert.equal((await fetch(`${base}/?period=${latest}`)).status, 404, "a provisional month is not public");
  await page.goto(`${base}/?period=${latest}`);
  assert.match(await page.locator("h1").innerText(), /số liệu tạm tính/iu);
  await page.goto(`${base}/publications`);
  await Promise.all([page.waitForNavigation(), page.click("form.publish button[type=submit]")]);
  assert.match(await page.locator(".notice").innerText(), /Đã công bố kỳ/);
  await page.screenshot({ path: join(shots, "publications.png"), fullPage: true });
  const published = await fetch(`${base}/?period=${latest}`);
  assert.equal(published.status, 200, "published, the month is public");
  assert.match(await published.text(), /đã công bố ngày/);
  await page.goto(`${base}/audit`);
  assert.match(await page.locator("table.grid").innerText(), /publish/);
  await page.goto(`${base}/`);
  await page.selectOption("#period-type", "quarter");
  await Promise.all([page.waitForURL(/type=quarter/), page.click("form.selector button[type=submit]")]);
  assert.match(await page.locator("h1").innerText(), /quý/i);
  assert.ok((await page.locator("table.rank tbody tr").count()) > 1, "the quarter's ranking");
  await page.screenshot({ path: join(shots, "overview.png"), fullPage: true });

  // 6. Other pages render.
  for (const path of ["/methodology", "/import", "/criteria/2.1"]) {
    const response = await page.goto(`${base}${path}`);
    assert.equal(response.status(), 200, path);
  }
  await page.screenshot({ path: join(shots, "criterion.png"), fullPage: true });

  // 7. Administrative-reform reporting (CCHC), a whole round of one form:
  // the officer of Sở Y tế fills and submits, the province's approver
  // returns it with a reason, the officer fixes it, the approver approves,
  // and the office sees the consolidated figure.
  const period = "2026-Q3";
  const row = "B4 2.4";
  const form = `${base}/cchc/units/${encodeURIComponent(process.env.OFFICER_UNIT)}?period=${period}`;
  async function signOut() {
    await page.goto(`${base}/account`);
    await Promise.all([page.waitForNavigation(), page.click("form[action='/signout'] button")]);
  }
  async function press(step) {
    await Promise.all([page.waitForNavigation(), page.click(`button[name=step][value=${step}]`)]);
    const message = page.locator("#message");
    return (await message.count()) ? (await message.innerText()).trim() : "";
  }
  async function explainWarnings() {
    for (const input of await page.locator("input[name^='e:']").all()) {
      if (!(await input.inputValue())) await input.fill("Đã rà soát, số liệu đúng thực tế");
    }
  }
  const status = async () => (await page.locator("#status").innerText()).trim();

  await signOut();
  await signIn("canbo.syt", process.env.OFFICER_PASSWORD);
  await page.goto(form);
  const figure = page.locator(`input[name="v:${row}"]`);
  assert.equal(await figure.inputValue(), "", "an empty row is no figure");
  await figure.fill("3");
  let said = await press("save");
  assert.match(said, /Đã lưu lần nhập số 1/, said);
  await explainWarnings();
  said = await press("submit");
  assert.equal(await status(), "Đã gửi, chờ duyệt", said);
  await page.screenshot({ path: join(shots, "cchc-submitted.png"), fullPage: true });

  await signOut();
  await signIn("lanhdao", process.env.APPROVER_PASSWORD);
  await page.goto(form);
  const reason = "Số biên chế tinh giảm chưa khớp quyết định của tỉnh";
  await page.fill("#decision-form textarea[name=reason]", reason);
  said = await press("return");
  assert.equal(await status(), "Bị trả lại", said);

  await signOut();
  await signIn("canbo.syt", process.env.OFFICER_PASSWORD);
  await page.goto(form);
  assert.match(await page.locator("#returned").innerText(), new RegExp(reason));
  await page.locator(`input[name="v:${row}"]`).fill("5");
  await explainWarnings();
  said = await press("submit");
  assert.equal(await status(), "Đã gửi, chờ duyệt", said);

  await signOut();
  await signIn("lanhdao", process.env.APPROVER_PASSWORD);
  await page.goto(form);
  said = await press("approve");
  assert.equal(await status(), "Đã duyệt", said);
  assert.match(await page.locator("#history").innerText(), /lanhdao\s+Trả lại/);

  await signOut();
  await signIn("quantri", process.env.ADMIN_PASSWORD);
  await page.goto(`${base}/cchc?period=${period}`);
  const reporter = page.locator(`#reporters tr[data-unit="${process.env.OFFICER_UNIT}"]`);
  assert.match(await reporter.innerText(), /Đã duyệt/);
  assert.ok((await page.locator("#reminders li").count()) > 0, "the units yet to report");
  await page.screenshot({ path: join(shots, "cchc-period.png"), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click("a.button:has-text('Số liệu tổng hợp')")]);
  const total = page.locator(`tr[data-id="${row}"] td.value`).first();
  assert.equal((await total.innerText()).trim(), "5", "the consolidated figure");
  await page.screenshot({ path: join(shots, "cchc-consolidated.png"), fullPage: true });
  assert.ok((await page.locator("#appendices a").count()) === 3, "Phụ lục I, II as Excel, Word, PDF");

  // 8. A phone (390 px) and a wide screen (1400 px): the overview, a unit
  // page (public, then signed in as its officer) and the criterion page
  // never scroll sideways (tables scroll inside their own box), and no text
  // sticks out of its card.
  async function layout(name) {
    for (const width of [390, 1400]) {
      await page.setViewportSize({ width, height: 860 });
      await page.reload();
      const bad = await page.evaluate(() => {
        const out = [];
        const doc = document.documentElement;
        if (doc.scrollWidth > window.innerWidth) {
          out.push(`page ${doc.scrollWidth}px wide in ${window.innerWidth}px`);
        }
        const boxes = ".card, section.head-first, .explain-summary, .multiples figure, figure.chart, form.selector, .menu, .banner";
        for (const box of document.querySelectorAll(boxes)) {
          const b = box.getBoundingClientRect();
          if (b.width === 0) continue;
          if (b.right > window.innerWidth + 1) out.push(`${box.className} ends at ${Math.round(b.right)}px`);
          for (const el of box.querySelectorAll("*")) {
            if (el.closest(".scroll") && el.closest(".scroll") !== box) continue;
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            if (r.right > b.right + 1 || r.left < b.left - 1) {
              out.push(`${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className} "${(el.textContent || "").trim().slice(0, 30)}" cut in ${box.className}`);
            }
            const style = getComputedStyle(el);
            if (el.scrollWidth > el.clientWidth + 1 && ["hidden", "clip"].includes(style.overflowX)) {
              out.push(`${el.tagName.toLowerCase()} "${(el.textContent || "").trim().slice(0, 30)}" clipped`);
            }
          }
        }
        return out.slice(0, 10);
      });
      assert.deepEqual(bad, [], `${name} at ${width}px`);
      await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  }
  await signOut();
  await page.goto(`${base}/`);
  await layout("overview");
  await page.goto(worstUrl);
  assert.equal(await page.locator("section.head-first").count(), 0, "no dossier data for the public");
  await layout("unit-public");
  await page.goto(`${base}/criteria/2.1`);
  assert.ok((await page.locator("#content h3, main h3").count()) >= 1, "one chart per kind of unit");
  await layout("criterion");
  await signIn("canbo.syt", process.env.OFFICER_PASSWORD);
  await page.goto(`${base}/units/${encodeURIComponent(process.env.OFFICER_UNIT)}`);
  const head = page.locator("section.head-first");
  if (await head.count()) {
    const text = await head.innerText();
    assert.match(text, /Sắp trễ hạn/);
    assert.match(text, /Cách tăng điểm/);
    assert.match(text, /Liên hệ/);
  }
  const summaryText = await page.locator("#giai-trinh .explain-summary").innerText();
  const failedCount = Number((summaryText.match(/([\d.]+)\s+không đạt/) || [])[1]?.replace(/\./g, "") || 0);
  if (failedCount > 0) {
    assert.equal(await page.locator("#giai-trinh table.explain-list tbody tr.passed").count(), 0,
      "failed records only, by default");
    assert.match(await page.locator("#giai-trinh .explain-filter").innerText(), /Tất cả/);
  }
  await layout("unit-officer");
  await page.goto(`${base}/criteria/2.1?unit=${encodeURIComponent(process.env.OFFICER_UNIT)}`);
  await layout("criterion-unit");

  assert.deepEqual(errors, [], "no script or loading errors");
  console.log(`ok: overview, unit "${unitName}", quarter, CCHC round, 390 and 1400 px, screenshots in ${shots}`);
} catch (e) {
  failed = true;
  console.error(`FAILED: ${e.stack || e}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
