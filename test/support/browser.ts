import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

// Debian's chromium package, driven by playwright-core (which downloads no browser of its own).
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium for the browser suites; a clear error when the machine has none. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser suite needs Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Collects what would break a page without failing a locator: uncaught errors in its script, and CSP refusals
 * (and, with `consoleErrors`, anything else the page logs as an error but a failed request's status line).
 */
export function recordProblems(page: Page, problems: string[], consoleErrors = false): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') {
      return;
    }
    if (/Content Security Policy/i.test(message.text())) {
      problems.push(`CSP: ${message.text()}`);
    } else if (consoleErrors && !/^Failed to load resource/.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
}

/** Attributes of every element a locator matches, in document order (the suites' tsconfig has no DOM types). */
export async function attributesOf<K extends string>(
  locator: Locator,
  names: K[],
): Promise<Record<K, string>[]> {
  const all: Record<K, string>[] = [];
  for (const element of await locator.all()) {
    const entry = {} as Record<K, string>;
    for (const name of names) {
      entry[name] = (await element.getAttribute(name)) ?? '';
    }
    all.push(entry);
  }
  return all;
}
