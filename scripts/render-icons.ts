/**
 * Renders public/icon.svg into the PNG icons and the Open Graph card (public/og.png) with the
 * same Chromium the e2e suite uses. Run after changing the icon: `node --import tsx scripts/render-icons.ts`
 * (then `convert public/icon-32.png public/icon-16.png public/favicon.ico` for the .ico).
 */
import { readFile } from "node:fs/promises"
import { chromium } from "@playwright/test"
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./services/chromium"

const svg = await readFile("public/icon.svg", "utf8")
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
const page = await browser.newPage()

for (const [name, size] of [
  ["apple-icon.png", 180],
  ["icon-192.png", 192],
  ["icon-512.png", 512],
  ["icon-32.png", 32],
  ["icon-16.png", 16],
] as const) {
  await page.setViewportSize({ width: size, height: size })
  await page.setContent(`<style>*{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`)
  await page.screenshot({ path: `public/${name}`, omitBackground: true })
}

await page.setViewportSize({ width: 1200, height: 630 })
await page.setContent(`<style>
  *{margin:0} body{width:1200px;height:630px;display:flex;align-items:center;gap:56px;padding:0 96px;box-sizing:border-box;
  background:#f8fafc;font-family:system-ui,sans-serif;color:#0f172a}
  svg{width:180px;height:180px;flex:none} h1{font-size:96px;letter-spacing:-2px} p{font-size:36px;color:#475569;margin-top:16px;max-width:760px}
</style>${svg}<div><h1>Valet</h1><p>Files go straight between your browser and storage, with short-lived keys.</p></div>`)
await page.screenshot({ path: "public/og.png" })
await browser.close()
