import { describe, expect, it } from "vitest"
import { negotiateLocale } from "@/i18n/locales"

describe("negotiateLocale", () => {
  it("picks the highest-ranked language we speak, a region falling back to its language", () => {
    expect(negotiateLocale("fr-FR,fr;q=0.9,de-CH;q=0.8,en;q=0.7")).toBe("de")
    expect(negotiateLocale("en;q=0.5,ar-EG")).toBe("ar")
  })
  it("falls back to English for nothing, garbage or only languages we lack", () => {
    expect(negotiateLocale(null)).toBe("en")
    expect(negotiateLocale(";;,q=")).toBe("en")
    expect(negotiateLocale("ja,zh;q=0.9")).toBe("en")
    expect(negotiateLocale("de;q=0")).toBe("en")
  })
})
