"use client"

import { useTranslations } from "next-intl"
import { useState, type ComponentProps, type ReactNode } from "react"
import { INPUT_CLASSES } from "@/components/ui/input-classes"

export { INPUT_CLASSES }

type TextFieldProps = Omit<ComponentProps<"input">, "id" | "children"> & {
  id: string
  label: string
  /** Shown under the field and read with it (aria-describedby) until an error replaces it. */
  hint?: ReactNode
  error?: ReactNode
  optional?: boolean
  /** Sits inside the field's right edge, e.g. a show-password toggle. */
  trailing?: ReactNode
}

/** A labelled input whose hint and error are tied to it for assistive technology. */
export function TextField({
  id,
  label,
  hint,
  error,
  optional,
  trailing,
  className = "",
  ...inputProps
}: TextFieldProps) {
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [error ? errorId : hint ? hintId : undefined, inputProps["aria-describedby"]]
    .filter(Boolean)
    .join(" ")
  const t = useTranslations("form")
  const border = error ? "border-red-500 dark:border-red-500" : "border-slate-300 dark:border-slate-700"
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700 dark:text-slate-200">
        {label}
        {optional && <span className="font-normal text-slate-500 dark:text-slate-400"> {t("optional")}</span>}
      </label>
      <div className="relative mt-1">
        <input
          id={id}
          {...inputProps}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          className={`${INPUT_CLASSES} ${border} ${trailing ? "pe-11" : ""}`}
        />
        {trailing && <div className="absolute inset-y-0 end-0 flex items-center pe-1.5">{trailing}</div>}
      </div>
      {error ? (
        <p id={errorId} className="mt-1.5 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : (
        hint && (
          <p id={hintId} className="mt-1.5 text-xs text-slate-500 dark:text-slate-400">
            {hint}
          </p>
        )
      )}
    </div>
  )
}

/** A password input with a show/hide toggle: typing a long password blind causes typos. */
/** An email field with the attributes every email input wants (keyboard, no autocapitalise). */
export function EmailField(props: Omit<TextFieldProps, "type" | "label">) {
  const t = useTranslations("form")
  return (
    <TextField
      label={t("email")}
      type="email"
      autoComplete="email"
      inputMode="email"
      autoCapitalize="none"
      spellCheck={false}
      required
      {...props}
    />
  )
}

export function PasswordField(props: Omit<TextFieldProps, "type" | "trailing">) {
  const t = useTranslations("form")
  const [visible, setVisible] = useState(false)
  return (
    <TextField
      {...props}
      type={visible ? "text" : "password"}
      // Keep browsers from "correcting" a password shown as text.
      autoCapitalize="none"
      autoCorrect="off"
      spellCheck={false}
      trailing={
        <button
          type="button"
          onClick={() => setVisible((shown) => !shown)}
          aria-pressed={visible}
          aria-label={t("showPassword")}
          title={visible ? t("hidePassword") : t("showPassword")}
          className="rounded-md p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-700 dark:hover:bg-slate-800 dark:hover:text-slate-200 dark:text-slate-400"
        >
          {visible ? <EyeOffIcon /> : <EyeIcon />}
        </button>
      }
    />
  )
}

function EyeIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      className="h-4 w-4"
      aria-hidden="true"
    >
      <path d="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12Z" />
      <circle cx="12" cy="12" r="3" />
    </svg>
  )
}

function EyeOffIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      className="h-4 w-4"
      aria-hidden="true"
    >
      <path d="M10.7 5.1A10.6 10.6 0 0 1 12 5c6.5 0 10 7 10 7a17.6 17.6 0 0 1-2.2 3.2" />
      <path d="M6.6 6.6C3.9 8.4 2 12 2 12s3.5 7 10 7a9.7 9.7 0 0 0 5.4-1.6" />
      <path d="M9.9 9.9a3 3 0 0 0 4.2 4.2" />
      <path d="m2 2 20 20" />
    </svg>
  )
}
