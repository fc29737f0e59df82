import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import ts from "typescript"
import { describe, expect, it } from "vitest"
import { LOCALES } from "@/i18n/locales"
import { ERROR_CODES } from "@/lib/shared/error-codes"

type Messages = { [key: string]: string | Messages }

const load = (locale: string) =>
  JSON.parse(readFileSync(path.resolve("messages", `${locale}.json`), "utf8")) as Messages

/** Every leaf as a dotted key ("files.kinds.pdf"). */
function keys(messages: Messages, prefix = ""): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
  )
}

describe("messages", () => {
  const english = new Set(keys(load("en")))

  it.each(LOCALES.filter((locale) => locale !== "en"))("%s has exactly the English keys, none empty", (locale) => {
    const messages = load(locale)
    const own = new Set(keys(messages))
    expect(
      [...english].filter((key) => !own.has(key)),
      "missing",
    ).toEqual([])
    expect(
      [...own].filter((key) => !english.has(key)),
      "not in English",
    ).toEqual([])
    const empty = [...own].filter(
      (key) => !String(key.split(".").reduce<unknown>((node, part) => (node as Messages)[part], messages)).trim(),
    )
    expect(empty, "empty").toEqual([])
  })

  it("has a message for every error code (errors.<code>)", () => {
    expect(Object.keys(ERROR_CODES).filter((code) => !english.has(`errors.${code}`))).toEqual([])
  })
})

/** Names that read the same in every language. */
const PROPER_NAMES = new Set(["Valet"])

/** Attributes, and the props of our own components, whose value is shown or read out. */
const USER_VISIBLE_ATTRIBUTES = new Set(["aria-label", "placeholder", "title", "alt", "label", "hint"])

/**
 * A string that ends up on screen as it is: a JSX child `{"…"}` or a branch of one
 * (`{busy ? "Saving…" : label}`, `{error ?? "…"}`), or a user-visible attribute's `{"…"}`.
 */
function isShownAsText(node: ts.Node): boolean {
  let child: ts.Node = node
  let parent = node.parent
  while (
    ts.isParenthesizedExpression(parent) ||
    (ts.isConditionalExpression(parent) && child !== parent.condition) ||
    (ts.isBinaryExpression(parent) &&
      child === parent.right &&
      [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(
        parent.operatorToken.kind,
      ))
  ) {
    child = parent
    parent = parent.parent
  }
  if (!ts.isJsxExpression(parent)) return false
  const owner = parent.parent
  return (
    ts.isJsxElement(owner) ||
    ts.isJsxFragment(owner) ||
    (ts.isJsxAttribute(owner) && USER_VISIBLE_ATTRIBUTES.has(owner.name.getText()))
  )
}

/** JSX text and user-visible attributes written as literals, as "line: text". */
function hardCodedStrings(file: string, text = readFileSync(file, "utf8")): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX)
  const found: string[] = []
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && /\p{L}/u.test(node.text) && !PROPER_NAMES.has(node.text.trim()))
      found.push(`${line(node)}: ${node.text.trim()}`)
    if (
      ts.isJsxAttribute(node) &&
      USER_VISIBLE_ATTRIBUTES.has(node.name.getText()) &&
      node.initializer &&
      ts.isStringLiteral(node.initializer)
    ) {
      if (/\p{L}/u.test(node.initializer.text))
        found.push(`${line(node)}: ${node.name.getText()}="${node.initializer.text}"`)
    }
    if (ts.isStringLiteral(node) && /\p{L}/u.test(node.text) && !PROPER_NAMES.has(node.text) && isShownAsText(node))
      found.push(`${line(node)}: "${node.text}"`)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return tsxFiles(full)
    return entry.name.endsWith(".tsx") ? [full] : []
  })
}

describe("user-visible strings", () => {
  const files = [...tsxFiles("app"), ...tsxFiles("components")]

  it("come from messages, not literals in components and pages", () => {
    expect(files.flatMap((file) => hardCodedStrings(file).map((hit) => `${file}:${hit}`))).toEqual([])
  })

  it("the scan sees a literal when there is one", () => {
    const page = `export const Page = () => <p title="Hello">Welcome to {name}, <b>{busy ? "Saving…" : "Valet"}</b></p>`
    expect(hardCodedStrings("page.tsx", page)).toEqual(['1: title="Hello"', "1: Welcome to", '1: "Saving…"'])
  })
})
