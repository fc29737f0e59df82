import type { Page } from "@playwright/test"

const REPORT_PREFIX = "[csp-violation]"

/**
 * Collects every Content-Security-Policy violation a page reports, from both sides: the
 * document's `securitypolicyviolation` events (forwarded to the console by an init script) and
 * Chromium's own "Refused to …" console errors (which also cover what the event misses, such as
 * a blocked navigation or form target).
 */
export function watchCspViolations(page: Page): string[] {
  const violations: string[] = []
  void page.addInitScript((prefix) => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(
        `${prefix} ${event.effectiveDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`,
      )
    })
  }, REPORT_PREFIX)
  page.on("console", (message) => {
    const text = message.text()
    if (text.startsWith(REPORT_PREFIX) || /Content Security Policy/i.test(text))
      violations.push(`${page.url()}: ${text}`)
  })
  return violations
}
