import { readFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { getMetrics } from "@/lib/metrics"

type Panel = { title: string; targets?: { expr: string }[] }

/** docs/grafana-dashboard.json queries only series the app exports, with labels they have. */
describe("the sample Grafana dashboard", () => {
  const dashboard = JSON.parse(readFileSync(path.resolve("docs/grafana-dashboard.json"), "utf8")) as {
    panels: Panel[]
  }
  const expressions = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr))

  it("names only metrics the registry holds", async () => {
    const exported = new Map(
      (await getMetrics().registry.getMetricsAsJSON()).map((metric) => [metric.name, String(metric.type)]),
    )
    const used = new Set(expressions.flatMap((expr) => expr.match(/\b(valet|process|nodejs)_\w+/g) ?? []))
    expect(used.size).toBeGreaterThan(8)
    for (const name of used) {
      const base = name.replace(/_(bucket|count|sum)$/, "")
      expect(exported.has(name) || exported.get(base) === "histogram", name).toBe(true)
    }
  })

  it("groups only by labels the metrics have (plus le and the scrape's job and instance)", () => {
    // Read from lib/metrics.ts: prom-client keeps a metric's label names private.
    const source = readFileSync(path.resolve("lib/metrics.ts"), "utf8")
    const known = new Set(["le", "job", "instance"])
    for (const [, names = ""] of source.matchAll(/labelNames: \[([^\]]*)\]/g)) {
      for (const [, name] of names.matchAll(/"(\w+)"/g)) if (name) known.add(name)
    }
    expect(known.size).toBeGreaterThan(8)
    for (const expr of expressions) {
      for (const [, labels = ""] of expr.matchAll(/by \(([^)]*)\)/g)) {
        for (const label of labels.split(",").map((each) => each.trim()))
          expect(known, `${label} in ${expr}`).toContain(label)
      }
    }
  })
})
