import type { ReactNode } from "react"
import { ValetLogo } from "@/components/ui/valet-logo"

/** The frame shared by the sign-in, sign-up and sign-out pages. */
export function AuthCard({
  title,
  description,
  children,
  footer,
}: {
  title: string
  description?: ReactNode
  children: ReactNode
  footer?: ReactNode
}) {
  return (
    <div className="mx-auto w-full max-w-sm">
      <div className="mb-6 text-center">
        <ValetLogo className="mx-auto h-10 w-10 text-brand-600 dark:text-brand-300" />
        <h1 className="mt-4 text-2xl font-semibold tracking-tight">{title}</h1>
        {description && <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">{description}</p>}
      </div>
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        {children}
      </div>
      {footer && <div className="mt-6 text-center text-sm text-slate-600 dark:text-slate-300">{footer}</div>}
    </div>
  )
}

export const TEXT_LINK_CLASSES =
  "font-medium text-brand-600 hover:text-brand-700 hover:underline dark:text-brand-300 dark:hover:text-brand-200"
