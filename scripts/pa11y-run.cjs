#!/usr/bin/env node
/* Runs pa11y (HTML_CodeSniffer, WCAG 2 AA) over pages, in Debian's Chromium: one browser
 * for every page, never a downloaded one. Called by scripts/sitekit/pa11y.py.
 *
 * Input (stdin, JSON): {"chromium": "/usr/bin/chromium", "urls": [...],
 *                       "viewports": [{"width": 390, "height": 844}, ...]}
 * Output (stdout, JSON): [{"url", "width", "type", "code", "message", "selector", "context"}, ...]
 * Exit status: 0 when every page was checked (whatever it found), 2 when pa11y could not run. */
"use strict";

const pa11y = require("pa11y");
const puppeteer = require("puppeteer");

async function main() {
  const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const browser = await puppeteer.launch({
    executablePath: input.chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  const found = [];
  const page = await browser.newPage();
  try {
    for (const viewport of input.viewports) {
      await page.setViewport(viewport);
      for (const url of input.urls) {
        // The page is loaded here, not by pa11y: pa11y waits for the network to be idle
        // for half a second on every page, and these pages make no late requests.
        await page.goto(url, {waitUntil: "load"});
        const result = await pa11y(url, {
          browser,
          page,
          ignoreUrl: true,
          standard: "WCAG2AA",
          runners: ["htmlcs"],
          includeWarnings: true,
          viewport,
          timeout: 60000,
        });
        for (const issue of result.issues) {
          found.push({url, width: viewport.width, type: issue.type, code: issue.code, message: issue.message,
                      selector: issue.selector, context: issue.context});
        }
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(found));
}

main().catch((error) => {
  process.stderr.write(`pa11y could not run: ${error && error.stack || error}\n`);
  process.exit(2);
});
