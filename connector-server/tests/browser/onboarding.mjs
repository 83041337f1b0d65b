// The onboarding page in a real browser: Debian's headless Chromium driven by playwright-core.
// Run by connector-server/tests/browser.rs as `node onboarding.mjs URL OUTDIR` with
// CONNECTOR_TEST_NODE_TOOLS pointing at a node_modules that holds playwright-core and
// axe-core. Opens the onboarding link, chooses CloudFormation, types a malformed ARN (the
// inline message appears as typed), submits a well-formed wrong one (the connection test's
// findings appear next to the field), launches the simulated stack, submits the right ARN,
// and sees the state become active — also in a second tab that is never reloaded (the
// polling). Checks each page with axe-core (fails on serious or critical violations), the
// keyboard focus, and that the CSP blocked nothing; then logs in to the operator page with
// CONNECTOR_TEST_OPERATOR_KEY. Screenshots go to OUTDIR.
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, outDir] = process.argv.slice(2);
if (!url || !outDir) {
  console.error("usage: node onboarding.mjs URL OUTDIR");
  process.exit(2);
}
const tools = process.env.CONNECTOR_TEST_NODE_TOOLS;
const require = createRequire(join(tools, "noop.js"));
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const executablePath = process.env.CONNECTOR_TEST_CHROMIUM || "/usr/bin/chromium";

mkdirSync(outDir, { recursive: true });
const shots = [];
const problems = [];
const userDataDir = mkdtempSync(join(tmpdir(), "connector-browser-"));

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function shot(page, name) {
  const path = join(outDir, name);
  await page.screenshot({ path, fullPage: true });
  shots.push(path);
}

// axe-core in the page (evaluated through the DevTools protocol, which the page's CSP does
// not govern), WCAG 2.1 A and AA plus best practices; serious and critical violations fail.
async function accessibility(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: v.nodes[0] && v.nodes[0].target.join(" ") })),
    };
  });
  check(result.passes > 0, `axe (${what}) checked nothing`);
  for (const v of result.violations) {
    console.log(`axe (${what}): ${v.impact} ${v.id}: ${v.help} (${v.nodes} nodes, e.g. ${v.target})`);
    if (v.impact === "serious" || v.impact === "critical") {
      problems.push(`${what}: axe ${v.impact} ${v.id}: ${v.help} at ${v.target}`);
    }
  }
  console.log(`axe (${what}): ${result.passes} rules passed, ${result.violations.length} violated`);
}

function watch(page, name) {
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) {
      problems.push(`${name}: the CSP blocked something: ${text}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`${name}: script error: ${error.message}`));
}

async function stateOf(page) {
  return (await page.textContent("#state")).trim();
}

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 1200, height: 900 },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let failed = null;
try {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url).origin });
  const page = context.pages()[0] || (await context.newPage());
  watch(page, "page");

  // Open the link; the copy buttons appear with JavaScript.
  await page.goto(url);
  check((await stateOf(page)) === "pending", "the state is not pending at first");
  // Keyboard: the first Tab reaches the skip link, with a visible focus ring.
  await page.keyboard.press("Tab");
  const focus = await page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { cls: el.className, outline: style.outlineStyle, width: style.outlineWidth };
  });
  check(focus.cls === "skip" && focus.outline !== "none" && focus.width !== "0px", `keyboard focus not visible: ${JSON.stringify(focus)}`);

  check(await page.isVisible('button[data-copy="external-id"]'), "the External ID's copy button is not shown");
  await page.click('button[data-copy="external-id"]');
  await page.waitForFunction(() => document.querySelector('button[data-copy="external-id"]').textContent.startsWith("Copied"));
  await shot(page, "01-opened.png");
  await accessibility(page, "opened");

  // Choose CloudFormation (after looking at Terraform).
  await page.click("#tab-terraform");
  await page.waitForSelector("#artifact-terraform", { state: "attached" });
  await page.click("#tab-cloudformation");
  await page.waitForSelector("#artifact-cloudformation", { state: "attached" });
  check((await page.getAttribute("#tab-cloudformation", "aria-current")) === "page", "CloudFormation is not the chosen tab");
  await page.click("summary:has-text('The CloudFormation template')");
  await shot(page, "02-cloudformation.png");

  // A malformed ARN: the inline message appears as it is typed.
  await page.fill("#role_arn", "arn:aws:iam::12:role/x");
  await page.waitForSelector("#role_arn-client-error", { state: "visible" });
  check((await page.getAttribute("#role_arn", "aria-invalid")) === "true", "the field is not marked invalid");
  check((await page.textContent("#role_arn-client-error")).includes("12-digit account id"), "the inline message does not say the rule");
  await page.click("#test-connection");
  check(page.url().startsWith(url), "a malformed ARN was submitted");
  await shot(page, "03-malformed-arn.png");
  await accessibility(page, "malformed ARN");

  // A well-formed ARN of a role that does not exist: the connection test refuses it, with
  // codes and remediation next to the field.
  await page.fill("#role_arn", "arn:aws:iam::111122223333:role/NotThere");
  check(await page.isHidden("#role_arn-client-error"), "the inline message stays on a well-formed ARN");
  await Promise.all([page.waitForNavigation(), page.click("#test-connection")]);
  await page.waitForSelector("#report");
  check((await page.textContent("#report h3")).includes("refused"), "the connection test did not refuse the wrong role");
  check((await page.textContent("#report")).includes("What to do:"), "no remediation in the report");
  check((await page.getAttribute("#role_arn", "aria-describedby")).includes("report"), "the field is not described by the report");
  check((await stateOf(page)) === "pending", "the state moved on a refused role");
  await shot(page, "04-wrong-arn-refused.png");
  await accessibility(page, "refused");

  // Launch the simulated stack: the role exists, its ARN is filled in.
  await Promise.all([page.waitForNavigation(), page.click("#simulate-stack")]);
  await page.waitForSelector("#notice");
  const role = await page.inputValue("#role_arn");
  check(/^arn:aws:iam::111122223333:role\//.test(role), `the simulated stack's ARN is not filled in: ${role}`);
  await shot(page, "05-stack-launched.png");

  // A second tab on the link, never reloaded: it must turn active by itself (polling).
  const watcher = await context.newPage();
  watch(watcher, "watcher");
  await watcher.goto(url);
  check((await stateOf(watcher)) === "pending", "the watcher does not start pending");
  await watcher.evaluate(() => { window.__notReloaded = true; });

  // The right ARN: active.
  await Promise.all([page.waitForNavigation(), page.click("#test-connection")]);
  check((await stateOf(page)) === "active", `the state is ${await stateOf(page)} after the right ARN`);
  check((await page.textContent("#report h3")).includes("verified"), "the connection test did not verify");
  await shot(page, "06-active.png");
  await accessibility(page, "active");

  await watcher.waitForFunction(() => document.getElementById("state").textContent.trim() === "active", null, { timeout: 20000 });
  check(await watcher.evaluate(() => window.__notReloaded === true), "the watcher reloaded instead of polling");
  check((await watcher.getAttribute("#state", "class")).includes("state-active"), "the watcher's badge did not change");
  await watcher.waitForSelector("#role-connected", { state: "visible" });
  check(await watcher.isHidden("#role-form"), "the watcher still offers the role form");
  check((await watcher.textContent("#diagnosis")).trim() === "", "the watcher shows a stale diagnosis");
  await shot(watcher, "07-active-by-polling.png");

  // The operator page: the login form (the key from CONNECTOR_TEST_OPERATOR_KEY), then the
  // fleet with the connection's state changes.
  const operator = await context.newPage();
  watch(operator, "operator");
  await operator.goto(new URL("/operator", url).toString());
  check(new URL(operator.url()).pathname === "/operator/login", "the operator page opened without a login");
  await accessibility(operator, "operator login");
  await operator.fill("#operator_key", process.env.CONNECTOR_TEST_OPERATOR_KEY || "");
  await Promise.all([operator.waitForNavigation(), operator.click("button[type=submit]")]);
  check(new URL(operator.url()).pathname === "/operator", `the login did not lead to the operator page: ${operator.url()}`);
  check((await operator.textContent("#count-active strong")).trim() === "1", "the operator page does not count the active connection");
  check((await operator.textContent("#recent")).includes("verifying"), "the operator page shows no recent change");
  await shot(operator, "08-operator.png");
  await accessibility(operator, "operator");

  // An invalid link: the 404 page, accessible too.
  const gone = await context.newPage();
  watch(gone, "404");
  const answer = await gone.goto(new URL("/onboarding/pt.nope", url).toString());
  check(answer.status() === 404, "an invalid link is not 404");
  await accessibility(gone, "404");
} catch (error) {
  failed = error;
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
for (const path of shots) {
  console.log(`screenshot: ${path}`);
}
if (failed) {
  console.error(`FAILED: ${failed.stack || failed}`);
  process.exit(1);
}
if (problems.length) {
  for (const p of problems) {
    console.error(`FAILED: ${p}`);
  }
  process.exit(1);
}
console.log("browser: the onboarding flow passed");
